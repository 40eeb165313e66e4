"""Shared helpers for the normalization tests: a complete Boeing PNA line item and its row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from boeinghub_dagster.domain.normalization import normalize_item

D = Decimal


def boeing_item(**overrides: Any) -> dict:
    """A complete line item as the PNA API sends it; overrides replace fields."""
    item = {
        "aviallPartNumber": "BACB30LE3-4",
        "productCode": "BACB30LE3-4",
        "name": "BOLT",
        "description": "Hex head bolt",
        "supplierName": "Boeing Distribution",
        "listPrice": 25.5,
        "netPrice": "20.00",
        "quantity": 12,
        "inStock": True,
        "baseUOM": "EA",
        "countryOfOrigin": "United States",
        "dim": "2.5 x 1.0 x 0.5",
        "dimUOM": "IN",
        "weight": "0.25",
        "weightUOM": "LB",
        "productImage": "https://img.example/bolt.jpg",
        "thumbnailImage": "https://img.example/bolt-thumb.jpg",
        "hazmatCode": "N",
        "faaApprovalCode": "PMA",
        "eccn": "EAR99",
        "scheduleBCode": "7318.15.2095",
        "locationAvailabilities": [
            {"location": "Dallas Central", "availQuantity": 8},
            {"location": "Chicago", "availQuantity": "4"},
        ],
    }
    item.update(overrides)
    return item


def row_for(part: str = "BACB30LE3-4", currency: str | None = "USD", location_map=None, **overrides: Any) -> dict:
    return normalize_item(part, boeing_item(**overrides), currency, location_map)


def body_lines(row: dict) -> list[str]:
    return row["body_html"].split("\n")
