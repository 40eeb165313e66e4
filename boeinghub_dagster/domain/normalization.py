"""Boeing PNA line item → staging row (docs/behaviour.md §5). Stdlib only.

`normalize_response` takes the part numbers asked in one PNA call and Boeing's
answer, and returns one staging row per asked part Boeing returned, plus a
failure for every asked part that was not returned or was rejected.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from boeinghub_dagster.domain.part_numbers import sku_of
from boeinghub_dagster.domain.pricing import base_cost
from boeinghub_dagster.domain.units import (
    map_cert,
    map_unit_of_measure,
    parse_dims,
    parse_number,
    parse_price,
    parse_quantity,
)

__all__ = [
    "STAGING_FIELDS", "NOT_RETURNED", "REASON_NO_PRICE", "REASON_OUT_OF_STOCK",
    "REASON_NO_MAPPED_STOCK", "DEFAULT_VENDOR", "DEFAULT_CURRENCY", "DEFAULT_CONDITION",
    "PartFailure", "NormalizedBatch", "RejectedItem", "match_items", "normalize_item",
    "normalize_response", "parse_price", "parse_quantity", "map_cert",
]  # fmt: skip

STAGING_FIELDS: tuple[str, ...] = (
    "part_number", "sku", "title", "boeing_name", "boeing_description", "body_html",
    "supplier_name", "manufacturer", "vendor", "list_price", "net_price", "currency",
    "base_uom", "unit_of_measure", "country_of_origin", "hazmat_code", "faa_approval_code",
    "eccn", "schedule_b_code", "dim_length", "dim_width", "dim_height", "dim_uom",
    "weight", "weight_unit", "inventory_quantity", "inventory_status", "locations",
    "location_summary", "boeing_image_url", "boeing_thumbnail_url", "pma", "condition",
    "cert", "status", "status_reason",
)  # fmt: skip

NOT_RETURNED = "not returned by Boeing"
REASON_NO_PRICE = "no price from Boeing"
REASON_OUT_OF_STOCK = "out of stock"
REASON_NO_MAPPED_STOCK = "no stock at a mapped location"

DEFAULT_VENDOR = "BDI"
DEFAULT_CURRENCY = "USD"
DEFAULT_CONDITION = "NE"


@dataclass(frozen=True)
class PartFailure:
    part_number: str
    reason: str


@dataclass(frozen=True)
class NormalizedBatch:
    rows: list[dict] = field(default_factory=list)
    failures: list[PartFailure] = field(default_factory=list)


class RejectedItem(ValueError):
    """A line item that must not become a staging row; the message is the reason."""

    @property
    def reason(self) -> str:
        return str(self)


def _key(value: object) -> str | None:
    """A part number for case- and space-insensitive comparison."""
    if value is None:
        return None
    key = str(value).strip().upper()
    return key or None


def match_items(asked: list[str], line_items: list[dict]) -> dict[str, dict]:
    """Asked part number → its line item.

    An item matches when `aviallPartNumber` or `productCode` equals the part,
    ignoring case and surrounding spaces. Items for parts not asked (and items
    that are not objects) are ignored. The first matching item wins.
    """
    by_key: dict[str, list[str]] = {}
    for part in asked:
        key = _key(part)
        if key is not None:
            by_key.setdefault(key, []).append(part)

    matched: dict[str, dict] = {}
    for item in line_items or []:
        if not isinstance(item, dict):
            continue
        for code in (item.get("aviallPartNumber"), item.get("productCode")):
            for part in by_key.get(_key(code) or "", []):
                matched.setdefault(part, item)
    return matched


def _text(value: object) -> str | None:
    """A trimmed string, or None when absent or blank."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _locations(raw: object) -> list[dict]:
    """`locationAvailabilities` → [{"location", "quantity"}] in answer order.

    Entries that are not objects or have no location name are skipped; an
    unparseable or negative quantity counts as 0.
    """
    if not isinstance(raw, list):
        return []
    locations = []
    for entry in raw:
        if not isinstance(entry, dict):
            continue
        name = _text(entry.get("location"))
        if name is None:
            continue
        quantity = parse_quantity(entry.get("availQuantity"))
        locations.append({"location": name, "quantity": max(quantity or 0, 0)})
    return locations


def _body_html(sku: str, name: str, manufacturer: str, cert: str, condition: str, unit_of_measure: str) -> str:
    lines = (
        ("Part No.", sku),
        ("Description", name),
        ("Manufacturer", manufacturer),
        ("Cert", cert),
        ("Condition", condition),
        ("Unit of Measure", unit_of_measure),
    )
    return "\n".join(f"<p>{label}: {html.escape(value or '')}</p>" for label, value in lines)


def _status(
    price: Decimal | None, inventory_quantity: int, locations: list[dict], location_map: Mapping[str, str] | None
) -> tuple[str, str | None]:
    if price is None:
        return "blocked", REASON_NO_PRICE
    if inventory_quantity <= 0:
        return "blocked", REASON_OUT_OF_STOCK
    if location_map and not any(loc["quantity"] > 0 and loc["location"] in location_map for loc in locations):
        return "blocked", REASON_NO_MAPPED_STOCK
    return "fetched", None


def normalize_item(
    part_number: str, item: dict, currency: str | None, location_map: Mapping[str, str] | None = None
) -> dict:
    """One staging row (keys in `STAGING_FIELDS` order).

    Raises `RejectedItem` when Boeing sends a negative price.
    """
    list_price = parse_price(item.get("listPrice"))
    net_price = parse_price(item.get("netPrice"))
    for label, price in (("list_price", list_price), ("net_price", net_price)):
        if price is not None and price < 0:
            raise RejectedItem(f"negative {label} {price}")

    sku = sku_of(part_number)
    name = _text(item.get("name")) or part_number
    supplier = _text(item.get("supplierName")) or DEFAULT_VENDOR
    unit_of_measure = map_unit_of_measure(item.get("baseUOM"))
    cert = map_cert(None)  # Boeing sends no cert field today
    condition = DEFAULT_CONDITION
    dim_length, dim_width, dim_height = parse_dims(item.get("dim"))

    locations = _locations(item.get("locationAvailabilities"))
    quantity = parse_quantity(item.get("quantity"))
    if quantity is not None and quantity > 0:
        inventory_quantity = quantity
    else:
        inventory_quantity = sum(loc["quantity"] for loc in locations)

    in_stock = item.get("inStock")
    if in_stock is True or inventory_quantity > 0:
        inventory_status: str | None = "in_stock"
    elif in_stock is False:
        inventory_status = "out_of_stock"
    else:
        inventory_status = None

    faa_approval_code = item.get("faaApprovalCode")
    status, status_reason = _status(base_cost(list_price, net_price), inventory_quantity, locations, location_map)

    row = {
        "part_number": part_number,
        "sku": sku,
        "title": sku,
        "boeing_name": name,
        "boeing_description": _text(item.get("description")) or "",
        "body_html": _body_html(sku, name, supplier, cert, condition, unit_of_measure),
        "supplier_name": supplier,
        "manufacturer": supplier,
        "vendor": DEFAULT_VENDOR,
        "list_price": list_price,
        "net_price": net_price,
        "currency": _text(currency) or DEFAULT_CURRENCY,
        "base_uom": item.get("baseUOM"),
        "unit_of_measure": unit_of_measure,
        "country_of_origin": item.get("countryOfOrigin"),
        "hazmat_code": item.get("hazmatCode"),
        "faa_approval_code": faa_approval_code,
        "eccn": item.get("eccn"),
        "schedule_b_code": item.get("scheduleBCode"),
        "dim_length": dim_length,
        "dim_width": dim_width,
        "dim_height": dim_height,
        "dim_uom": item.get("dimUOM"),
        "weight": parse_number(item.get("weight")),
        "weight_unit": item.get("weightUOM"),
        "inventory_quantity": inventory_quantity,
        "inventory_status": inventory_status,
        "locations": locations,
        "location_summary": "; ".join(f"{loc['location']}: {loc['quantity']}" for loc in locations),
        "boeing_image_url": item.get("productImage"),
        "boeing_thumbnail_url": item.get("thumbnailImage"),
        "pma": str(faa_approval_code or "").strip().upper() == "PMA",
        "condition": condition,
        "cert": cert,
        "status": status,
        "status_reason": status_reason,
    }
    return row


def normalize_response(
    asked: list[str], payload: dict, location_map: Mapping[str, str] | None = None
) -> NormalizedBatch:
    """Rows and failures for the parts asked in one PNA call, in asked order.

    Duplicates in `asked` produce one row (or one failure). A payload that is
    not an object, or whose `lineItems` is neither null nor a list, raises
    `ValueError("malformed Boeing answer: ...")`.
    """
    if not isinstance(payload, dict):
        raise ValueError(f"malformed Boeing answer: expected an object, got {type(payload).__name__}")
    line_items = payload.get("lineItems")
    if line_items is None:
        line_items = []
    elif not isinstance(line_items, list):
        raise ValueError(f"malformed Boeing answer: lineItems is {type(line_items).__name__}, not a list")
    currency = payload.get("currency")
    matched = match_items(asked, line_items)

    rows: list[dict] = []
    failures: list[PartFailure] = []
    seen: set[str] = set()
    for part in asked:
        if part in seen:
            continue
        seen.add(part)
        item = matched.get(part)
        if item is None:
            failures.append(PartFailure(part, NOT_RETURNED))
            continue
        try:
            rows.append(normalize_item(part, item, currency, location_map))
        except RejectedItem as exc:
            failures.append(PartFailure(part, exc.reason))
    return NormalizedBatch(rows=rows, failures=failures)
