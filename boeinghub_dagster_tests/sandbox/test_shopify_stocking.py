"""Stocked locations in the Shopify sandbox: quantities only where an item is stocked; inventoryActivate stocks it.

The merchant's side: a location opened after a part was published holds none of it until the
item is activated there. The API's side: productSet and inventorySetQuantities refuse quantities
there, with the codes Shopify's schema gives.
"""

from __future__ import annotations

import httpx
import pytest

from boeinghub_dagster_tests.support.shopify_calls import (
    PRODUCT_SET,
    define_part_number,
    location_ids,
    part_identifier,
    product_input,
    publish,
)

ACTIVATE = """
mutation Activate($item: ID!, $loc: ID!, $available: Int, $key: String!) {
  inventoryActivate(inventoryItemId: $item, locationId: $loc, available: $available) @idempotent(key: $key) {
    inventoryLevel { isActive location { id } quantities(names: ["available", "on_hand"]) { name quantity } }
    userErrors { field message }
  }
}"""
SET = """
mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) { userErrors { field message code } }
}"""
LEVELS = """
query Levels($id: ID!) { inventoryItem(id: $id) { inventoryLevels(first: 10) { nodes { location { id }
  quantities(names: ["available"]) { quantity } } } } }"""


@pytest.fixture
def published(shopify):
    """A part published with 4 at the first location, then a location the merchant opens: (shop, item, old, new)."""
    define_part_number(shopify)
    old = location_ids(shopify)[0]
    product = publish(shopify, "STK-1", stock=[(old, 4)])["data"]["productSet"]["product"]
    shopify.admin(add_location="Denver")
    new = location_ids(shopify)[-1]
    assert len(location_ids(shopify)) == 4
    return shopify, product["variants"]["nodes"][0]["inventoryItem"]["id"], old, new


def _levels(shop, item: str) -> dict[str, int]:
    nodes = shop.graphql(LEVELS, {"id": item}).json()["data"]["inventoryItem"]["inventoryLevels"]["nodes"]
    return {n["location"]["id"]: n["quantities"][0]["quantity"] for n in nodes}


def _activate(shop, item: str, location: str, key: str, available: int | None = None) -> dict:
    body = shop.graphql(ACTIVATE, {"item": item, "loc": location, "available": available, "key": key}).json()
    assert "errors" not in body, body
    return body["data"]["inventoryActivate"]


def _set(shop, item: str, location: str, quantity: int, key: str) -> list[dict]:
    q = {"inventoryItemId": item, "locationId": location, "quantity": quantity, "changeFromQuantity": None}
    body = shop.graphql(
        SET, {"input": {"name": "available", "reason": "correction", "quantities": [q]}, "key": key}
    ).json()
    return body["data"]["inventorySetQuantities"]["userErrors"]


def test_an_existing_variant_takes_quantities_only_where_it_is_stocked(published):
    shop, item, old, new = published
    body = publish(shop, "STK-1", stock=[(old, 5), (new, 2)])
    [error] = body["data"]["productSet"]["userErrors"]
    assert error["code"] == "INVALID_VARIANT" and body["data"]["productSet"]["product"] is None
    assert error["field"] == ["input", "variants", "0", "inventoryQuantities", "1", "locationId"]
    assert _levels(shop, item) == {old: 4}  # nothing written, not even the stocked location
    assert [e["code"] for e in _set(shop, item, new, 2, "k-new")] == ["ITEM_NOT_STOCKED_AT_LOCATION"]


def test_inventory_activate_stocks_the_item_then_both_mutations_accept_the_location(published):
    shop, item, old, new = published
    activated = _activate(shop, item, new, "act-1", available=3)
    assert activated["userErrors"] == [] and activated["inventoryLevel"]["isActive"] is True
    assert activated["inventoryLevel"]["quantities"] == [
        {"name": "available", "quantity": 3},
        {"name": "on_hand", "quantity": 3},
    ]
    assert _levels(shop, item) == {old: 4, new: 3}
    assert publish(shop, "STK-1", stock=[(old, 5), (new, 2)])["data"]["productSet"]["userErrors"] == []
    assert _set(shop, item, new, 9, "k-after") == []
    assert _levels(shop, item) == {old: 5, new: 9}


def test_activating_where_already_stocked_changes_nothing(published):
    shop, item, old, _new = published
    again = _activate(shop, item, old, "act-again", available=50)
    assert again["userErrors"] == [] and again["inventoryLevel"]["location"] == {"id": old}
    assert _levels(shop, item) == {old: 4}


def test_inventory_activate_refuses_unknown_items_and_locations_and_needs_a_key(published):
    shop, item, _old, new = published
    unknown = _activate(shop, "gid://shopify/InventoryItem/999", "gid://shopify/Location/999", "act-bad")
    assert unknown == {
        "inventoryLevel": None,
        "userErrors": [
            {"field": ["inventoryItemId"], "message": "The specified inventory item could not be found."},
            {"field": ["locationId"], "message": "The specified location could not be found."},
        ],
    }
    bare = ACTIVATE.replace(" @idempotent(key: $key)", "").replace(", $key: String!", "")
    body = shop.graphql(bare, {"item": item, "loc": new}).json()
    assert body["data"] == {"inventoryActivate": None} and body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert new not in _levels(shop, item)


def test_a_new_variant_is_stocked_where_its_quantities_say(shopify):
    define_part_number(shopify)
    first, second, third = location_ids(shopify)
    payload = product_input("STK-2", stock=[(second, 1), (third, 0)])
    body = shopify.graphql(PRODUCT_SET, {"input": payload, "identifier": part_identifier("STK-2")}).json()
    item = body["data"]["productSet"]["product"]["variants"]["nodes"][0]["inventoryItem"]["id"]
    assert _levels(shopify, item) == {second: 1, third: 0}
    assert [e["code"] for e in _set(shopify, item, first, 1, "k-first")] == ["ITEM_NOT_STOCKED_AT_LOCATION"]


def test_add_location_knob_refuses_a_blank_name(shopify):
    assert httpx.post(f"{shopify.url}/_admin", json={"add_location": " "}).status_code == 400
    assert len(location_ids(shopify)) == 3
