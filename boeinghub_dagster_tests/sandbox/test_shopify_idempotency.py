"""Idempotency keys in the Shopify sandbox: replay after success, a spent key after failure, mismatch, in flight.

The merchant's side is the stock level: it moves once per operation, whatever the retries. The
API's side is the code each retry gets, from InventorySetQuantitiesUserErrorCode.
"""

from __future__ import annotations

import threading

import pytest

from boeinghub_dagster_tests.support.shopify_calls import available as _quantity
from boeinghub_dagster_tests.support.shopify_calls import location_ids, stocked_part

SET = """
mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id changes(quantityNames: ["available"]) { delta quantityAfterChange } }
    userErrors { field message code }
  }
}"""


@pytest.fixture
def stocked(shopify):
    """A published part with 4 available at the first location: (shop, item id, location id)."""
    return stocked_part(shopify, "IDEM-1")


def _input(item: str, location: str, quantity: int, change_from: int | None) -> dict:
    return {
        "name": "available",
        "reason": "correction",
        "quantities": [
            {"inventoryItemId": item, "locationId": location, "quantity": quantity, "changeFromQuantity": change_from}
        ],
    }


def _call(shop, variables: dict) -> dict:
    response = shop.graphql(SET, variables)
    assert response.status_code == 200, response.text
    return response.json()["data"]["inventorySetQuantities"]


def _codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


def test_a_key_whose_attempt_failed_is_spent_and_a_new_key_succeeds(stocked):
    shop, item, location = stocked
    attempt = {"input": _input(item, location, 9, change_from=3), "key": "sync-IDEM-1-h1"}
    assert _codes(_call(shop, attempt)) == ["CHANGE_FROM_QUANTITY_STALE"]
    _call(shop, {"input": _input(item, location, 3, change_from=None), "key": "merchant-1"})  # now it would match
    retry = _call(shop, attempt)
    assert retry == {
        "inventoryAdjustmentGroup": None,
        "userErrors": [
            {
                "field": None,
                "code": "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED",
                "message": "A previous request with this idempotency key failed. Retry with a new idempotency key.",
            }
        ],
    }
    assert _quantity(shop, item, location) == 3  # the spent key ran nothing
    other = _call(shop, {**attempt, "input": _input(item, location, 8, change_from=3)})
    assert _codes(other) == ["IDEMPOTENCY_KEY_PARAMETER_MISMATCH"]
    fresh = _call(shop, {**attempt, "key": "sync-IDEM-1-h1-retry-1"})
    assert fresh["userErrors"] == [] and _quantity(shop, item, location) == 9
    stats = shop.stats()
    assert (stats["idempotency_previous_failed"], stats["idempotency_mismatches"]) == (1, 1)


def test_a_lost_answer_is_replayed_not_applied_again(stocked):
    shop, item, location = stocked
    shop.admin(apply_then_fail_rate=1.0)
    variables = {"input": _input(item, location, 7, change_from=4), "key": "lost-1"}
    assert shop.graphql(SET, variables).status_code == 502  # applied, answer lost
    shop.admin(apply_then_fail_rate=0.0)
    replay = _call(shop, variables)
    assert replay["userErrors"] == [] and replay["inventoryAdjustmentGroup"]["changes"] == [
        {"delta": 3, "quantityAfterChange": 7}
    ]
    assert _quantity(shop, item, location) == 7 and shop.stats()["idempotent_replays"] == 1


def test_a_key_in_flight_answers_concurrent_request_then_replays(stocked):
    shop, item, location = stocked
    shop.admin(latency_ms=2000)  # each call holds its key for 2 s, and runs 1 s after it arrives
    variables = {"input": _input(item, location, 6, change_from=4), "key": "both-1"}
    answers: list[dict] = []
    threads = [threading.Thread(target=lambda: answers.append(_call(shop, variables))) for _ in range(2)]
    threads[0].start()
    threading.Event().wait(0.3)  # the second arrives while the first is in flight
    threads[1].start()
    for t in threads:
        t.join(timeout=60)
    shop.admin(latency_ms=0)
    [done] = [a for a in answers if a["userErrors"] == []]
    assert [_codes(a) for a in answers if a is not done] == [["IDEMPOTENCY_CONCURRENT_REQUEST"]]
    again = _call(shop, variables)  # "please try again": the same key now gets the first answer
    assert again == done and _quantity(shop, item, location) == 6
    assert shop.stats()["idempotency_concurrent"] == 1


def test_a_blank_key_is_refused(stocked):
    shop, item, location = stocked
    body = shop.graphql(SET, {"input": _input(item, location, 5, change_from=None), "key": "  "}).json()
    assert body["data"] == {"inventorySetQuantities": None}
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST" and _quantity(shop, item, location) == 4


def test_inventory_activate_keys_follow_the_same_rules_without_codes(stocked):
    shop, item, _location = stocked
    doc = (
        "mutation($i: ID!, $l: ID!, $k: String!) { inventoryActivate(inventoryItemId: $i, locationId: $l) "
        "@idempotent(key: $k) { inventoryLevel { id } userErrors { field message } } }"
    )
    missing = {"i": "gid://shopify/InventoryItem/999", "l": location_ids(shop)[1], "k": "act-1"}
    assert shop.graphql(doc, missing).json()["data"]["inventoryActivate"]["inventoryLevel"] is None
    spent = shop.graphql(doc, missing).json()["data"]["inventoryActivate"]
    assert spent["userErrors"] == [
        {
            "field": None,
            "message": "A previous request with this idempotency key failed. Retry with a new idempotency key.",
        }
    ]
    ok = shop.graphql(doc, {**missing, "i": item, "k": "act-2"}).json()["data"]["inventoryActivate"]
    assert ok["userErrors"] == [] and ok["inventoryLevel"]["id"]
    reused = shop.graphql(doc, {**missing, "i": item, "l": location_ids(shop)[2], "k": "act-2"}).json()
    assert reused["data"]["inventoryActivate"]["userErrors"][0]["message"].startswith("The same idempotency key")
