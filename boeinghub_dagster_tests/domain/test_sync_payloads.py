"""docs/behaviour.md §7–§8: the hourly sync's Shopify inputs — variant price/cost and per-location stock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from boeinghub_dagster.domain.payloads import (
    idempotency_key,
    inventory_quantities_input,
    inventory_quantity,
    stock_quantities,
    variant_update_input,
)
from boeinghub_dagster_tests.domain.normalization_support import row_for
from boeinghub_dagster_tests.support.locations import CHICAGO, DALLAS, SEATTLE
from boeinghub_dagster_tests.support.locations import PAYLOAD_LOCATION_IDS as LOCATION_IDS
from boeinghub_dagster_tests.support.locations import PAYLOAD_LOCATION_MAP as LOCATION_MAP

D = Decimal


# --- sync inputs ---------------------------------------------------------------------------------


def test_variant_update_input() -> None:
    assert variant_update_input("gid://shopify/ProductVariant/7", D("10.15"), price_markup_factor="1.1") == {
        "id": "gid://shopify/ProductVariant/7",
        "price": "11.17",
        "inventoryItem": {"cost": "10.15"},
    }


def test_no_base_cost_no_variant_update() -> None:
    assert variant_update_input("gid://shopify/ProductVariant/7", None, price_markup_factor="1.1") is None
    assert variant_update_input("gid://shopify/ProductVariant/7", D("0"), price_markup_factor="1.1") is None


def test_inventory_quantity_always_carries_change_from_quantity() -> None:
    assert inventory_quantity("gid://shopify/InventoryItem/5", DALLAS, 12) == {
        "inventoryItemId": "gid://shopify/InventoryItem/5",
        "locationId": DALLAS,
        "quantity": 12,
        "changeFromQuantity": None,
    }
    assert inventory_quantity("i", DALLAS, 12, change_from_quantity=9)["changeFromQuantity"] == 9


def test_stock_quantities_match_publishing() -> None:
    item = "gid://shopify/InventoryItem/5"
    assert stock_quantities(item, row_for(), location_ids=LOCATION_IDS, location_map=LOCATION_MAP) == [
        inventory_quantity(item, DALLAS, 12), inventory_quantity(item, CHICAGO, 0),
        inventory_quantity(item, SEATTLE, 0),
    ]  # fmt: skip


def test_inventory_input_shape() -> None:
    q = [inventory_quantity("i", DALLAS, 1)]
    assert inventory_quantities_input(q) == [{"name": "available", "reason": "correction", "quantities": q}]
    uri = "gid://boeinghub/SyncRun/abc"
    assert inventory_quantities_input(q, reference_document_uri=uri)[0]["referenceDocumentUri"] == uri


def test_inventory_input_chunks_by_250() -> None:
    q = [inventory_quantity(f"gid://shopify/InventoryItem/{i}", DALLAS, i) for i in range(600)]
    chunks = inventory_quantities_input(q)
    assert [len(c["quantities"]) for c in chunks] == [250, 250, 100]
    assert [x for c in chunks for x in c["quantities"]] == q
    assert inventory_quantities_input([]) == []
    with pytest.raises(ValueError):
        inventory_quantities_input(q, chunk_size=251)


def test_idempotency_key_is_deterministic_per_part_hour_and_change() -> None:
    hour = datetime(2026, 3, 1, 14, 0, tzinfo=UTC)
    key = idempotency_key("WF338109=K3", hour, "abc")
    assert key.startswith("boeinghub-sync-") and len(key) == len("boeinghub-sync-") + 40
    assert idempotency_key("WF338109=K3", hour + timedelta(minutes=47), "abc") == key
    assert idempotency_key("WF338109=K3", hour.astimezone(timezone(timedelta(hours=-5))), "abc") == key
    others = {
        idempotency_key("WF338109", hour, "abc"),
        idempotency_key("WF338109=K3", hour + timedelta(hours=1), "abc"),
        idempotency_key("WF338109=K3", hour, "abd"),
        idempotency_key("WF338109=K3", hour, "abc", chunk=1),
    }
    assert key not in others and len(others) == 4


def test_idempotency_key_needs_an_aware_hour() -> None:
    with pytest.raises(ValueError):
        idempotency_key("X", datetime(2026, 3, 1, 14), "abc")
