"""inventorySetQuantities in the Shopify sandbox: @idempotent required, changeFromQuantity required, CAS."""

from __future__ import annotations

import pytest

from boeinghub_dagster_tests.support.shopify_calls import available as _quantity
from boeinghub_dagster_tests.support.shopify_calls import location_ids, stocked_part

SET = """
mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id reason changes(quantityNames: ["available"]) { name delta quantityAfterChange
      item { id } location { id } } }
    userErrors { field message code }
  }
}"""
WITHOUT_DIRECTIVE = SET.replace(" @idempotent(key: $key)", "").replace(", $key: String!", "")


@pytest.fixture
def stocked(shopify):
    """One published part with 4 available at the first location: (shop, item id, location id)."""
    return stocked_part(shopify, "INV-1")


def _input(item: str, location: str, quantity: int, change_from="omit") -> dict:
    q = {"inventoryItemId": item, "locationId": location, "quantity": quantity}
    if change_from != "omit":
        q["changeFromQuantity"] = change_from
    return {
        "name": "available",
        "reason": "correction",
        "referenceDocumentUri": "gid://boeinghub/Sync/1",
        "quantities": [q],
    }


def test_without_idempotent_directive_is_refused(stocked):
    shop, item, location = stocked
    body = shop.graphql(WITHOUT_DIRECTIVE, {"input": _input(item, location, 9, change_from=None)}).json()
    assert body["data"] == {"inventorySetQuantities": None}
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "@idempotent" in body["errors"][0]["message"]
    assert _quantity(shop, item, location) == 4


def test_change_from_quantity_must_be_given_explicitly(stocked):
    shop, item, location = stocked
    body = shop.graphql(SET, {"input": _input(item, location, 9), "key": "k-omit"}).json()
    assert body["data"] == {"inventorySetQuantities": None}
    assert body["errors"][0]["extensions"]["code"] == "INVALID_FIELD_ARGUMENTS"
    assert _quantity(shop, item, location) == 4
    body = shop.graphql(SET, {"input": _input(item, location, 9, change_from=None), "key": "k-null"}).json()
    payload = body["data"]["inventorySetQuantities"]
    assert payload["userErrors"] == []
    assert payload["inventoryAdjustmentGroup"]["changes"] == [
        {"name": "available", "delta": 5, "quantityAfterChange": 9, "item": {"id": item}, "location": {"id": location}}
    ]
    assert _quantity(shop, item, location) == 9


def test_stale_change_from_quantity_sets_nothing(stocked):
    shop, item, location = stocked
    body = shop.graphql(SET, {"input": _input(item, location, 2, change_from=3), "key": "k-stale"}).json()
    payload = body["data"]["inventorySetQuantities"]
    assert payload["inventoryAdjustmentGroup"] is None
    assert payload["userErrors"] == [
        {
            "field": ["input", "quantities", "0", "changeFromQuantity"],
            "message": "The changeFromQuantity value does not match persisted value.",
            "code": "CHANGE_FROM_QUANTITY_STALE",
        }
    ]
    assert _quantity(shop, item, location) == 4
    ok = shop.graphql(SET, {"input": _input(item, location, 2, change_from=4), "key": "k-fresh"}).json()
    assert ok["data"]["inventorySetQuantities"]["userErrors"] == [] and _quantity(shop, item, location) == 2


def test_same_key_twice_is_a_no_op_returning_the_same_result(stocked):
    shop, item, location = stocked
    variables = {"input": _input(item, location, 6, change_from=4), "key": "k-retry"}
    first = shop.graphql(SET, variables).json()["data"]["inventorySetQuantities"]
    shop.graphql(SET, {"input": _input(item, location, 1, change_from=6), "key": "k-other"})  # someone else moves it
    second = shop.graphql(SET, variables).json()["data"]["inventorySetQuantities"]
    assert second == first and first["userErrors"] == []
    assert _quantity(shop, item, location) == 1  # the retry applied nothing
    assert shop.stats()["idempotent_replays"] == 1
    mismatch = shop.graphql(SET, {"input": _input(item, location, 3, change_from=1), "key": "k-retry"}).json()
    assert [e["code"] for e in mismatch["data"]["inventorySetQuantities"]["userErrors"]] == [
        "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"
    ]


def test_unstocked_location_and_bad_reason_are_user_errors(stocked):
    shop, item, location = stocked
    other = location_ids(shop)[1]
    body = shop.graphql(SET, {"input": _input(item, other, 1, change_from=None), "key": "k-unstocked"}).json()
    assert [e["code"] for e in body["data"]["inventorySetQuantities"]["userErrors"]] == ["ITEM_NOT_STOCKED_AT_LOCATION"]
    bad = _input(item, location, 1, change_from=None)
    bad["reason"] = "because"
    body = shop.graphql(SET, {"input": bad, "key": "k-reason"}).json()
    assert [e["code"] for e in body["data"]["inventorySetQuantities"]["userErrors"]] == ["INVALID_REASON"]
