"""The Shopify sandbox answers like Shopify's Admin GraphQL API: auth, validation, cost, throttling."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from boeinghub_dagster.domain.shopify_api import SHOPIFY_API_VERSION
from boeinghub_dagster_tests.support.sandboxes import running_shopify
from boeinghub_dagster_tests.support.shopify_calls import (
    PRODUCT_SET,
    define_part_number,
    location_ids,
    part_identifier,
    product_input,
)

LOCATIONS = "{ locations(first: 10) { nodes { id name } } }"


@pytest.fixture
def small_bucket(tmp_path):
    """A bucket of 30 points refilled at 1 point/s, set by the CLI-equivalent knobs (3 calls fit in 2 s)."""
    with running_shopify(str(tmp_path / "shop.db"), bucket_size=30, restore_rate=1) as handle:
        yield handle


def test_pinned_api_version_is_2026_07_or_later():
    assert SHOPIFY_API_VERSION >= "2026-07"


def test_missing_or_wrong_token_is_401(shopify):
    for token in ("", "shpat_wrong"):
        r = shopify.graphql(LOCATIONS, token=token)
        assert r.status_code == 401
        assert r.json() == {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
    assert shopify.graphql(LOCATIONS).status_code == 200
    assert shopify.stats()["unauthorized"] == 2


def test_every_answer_carries_the_cost_extension(shopify):
    r = shopify.graphql(LOCATIONS)
    assert r.status_code == 200 and r.headers["x-shopify-api-version"] == SHOPIFY_API_VERSION
    cost = r.json()["extensions"]["cost"]
    assert set(cost) == {"requestedQueryCost", "actualQueryCost", "throttleStatus"}
    assert cost["requestedQueryCost"] == 2 + 10 * 1 and cost["actualQueryCost"] == 2 + 3 * 1  # three locations
    status = cost["throttleStatus"]
    assert status["maximumAvailable"] == 2000.0 and status["restoreRate"] == 100.0
    assert 2000 - 12 <= status["currentlyAvailable"] <= 2000
    refused = shopify.graphql("{ locations(first: 1) { nodes { nope } } }").json()
    assert "data" not in refused and refused["extensions"]["cost"]["requestedQueryCost"] == 0


def test_mutations_cost_ten_points_plus_their_selection(shopify):
    body = shopify.graphql(
        'mutation { productDelete(input: {id: "gid://shopify/Product/9"}) '
        "{ deletedProductId userErrors { field message } } }"
    ).json()
    assert body["extensions"]["cost"]["requestedQueryCost"] == 10 + 1
    assert body["data"]["productDelete"]["userErrors"] == [{"field": ["id"], "message": "Product does not exist"}]


def test_connections_need_first_or_last(shopify):
    body = shopify.graphql("{ locations { nodes { id } } }").json()
    assert "data" not in body and body["errors"][0]["message"] == "you must provide one of first or last"


def test_query_over_1000_points_is_max_cost_exceeded(shopify):
    body = shopify.graphql("{ products(first: 250) { nodes { id variants(first: 10) { nodes { id } } } } }").json()
    assert "data" not in body
    error = body["errors"][0]
    assert error["extensions"]["code"] == "MAX_COST_EXCEEDED" and error["extensions"]["maxCost"] == 1000
    assert error["message"].startswith(f"Query cost is {error['extensions']['cost']}, which exceeds")
    assert shopify.stats()["max_cost_exceeded"] == 1


def test_input_arrays_over_250_items_are_refused(shopify):
    define_part_number(shopify)
    payload = product_input("BIG-1")
    payload["tags"] = [f"t{i}" for i in range(251)]
    body = shopify.graphql(PRODUCT_SET, {"input": payload, "identifier": part_identifier("BIG-1")}).json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "MAX_INPUT_SIZE_EXCEEDED"
    assert "251" in body["errors"][0]["message"] and shopify.stats()["products"] == 0
    payload["tags"] = payload["tags"][:250]
    body = shopify.graphql(PRODUCT_SET, {"input": payload, "identifier": part_identifier("BIG-1")}).json()
    assert body["data"]["productSet"]["userErrors"] == []


def test_variant_without_option_values_is_a_validation_error(shopify):
    payload = product_input("NOOPT-1")
    del payload["variants"][0]["optionValues"]
    body = shopify.graphql(PRODUCT_SET, {"input": payload, "identifier": part_identifier("NOOPT-1")}).json()
    assert "data" not in body
    assert "optionValues" in body["errors"][0]["message"]
    literal = (
        'mutation { productSet(input: {title: "X", productOptions: [{name: "Title", values: [{name: "A"}]}], '
        'variants: [{price: "1.00"}]}) { userErrors { message } } }'
    )
    body = shopify.graphql(literal).json()
    assert "data" not in body and "optionValues" in body["errors"][0]["message"]
    assert shopify.stats()["products"] == 0


def test_inventory_quantity_without_name_is_a_validation_error(shopify):
    payload = product_input("NONAME-1", stock=[(location_ids(shopify)[0], 3)])
    del payload["variants"][0]["inventoryQuantities"][0]["name"]
    body = shopify.graphql(PRODUCT_SET, {"input": payload, "identifier": part_identifier("NONAME-1")}).json()
    assert "data" not in body and "name" in body["errors"][0]["message"]
    body = shopify.graphql(
        'mutation { productSet(input: {title: "X", productOptions: [{name: "Title", values: '
        '[{name: "A"}]}], variants: [{optionValues: [{optionName: "Title", name: "A"}], '
        'inventoryQuantities: [{name: "available", quantity: 1}]}]}) { userErrors { message } } }'
    ).json()
    assert "data" not in body and "locationId" in body["errors"][0]["message"]


def test_unknown_fields_and_bad_money_are_refused(shopify):
    payload = product_input("BAD-1")
    payload["variants"][0]["cost"] = "1.00"  # cost lives on inventoryItem, not on the variant
    body = shopify.graphql(PRODUCT_SET, {"input": payload, "identifier": part_identifier("BAD-1")}).json()
    assert "data" not in body and "cost" in body["errors"][0]["message"]
    payload = product_input("BAD-1", price="twelve")
    body = shopify.graphql(PRODUCT_SET, {"input": payload, "identifier": part_identifier("BAD-1")}).json()
    assert "data" not in body


def test_small_bucket_throttles_without_data_then_refills(small_bucket):
    query = "{ locations(first: 20) { nodes { id } } }"  # requests 22 points, actually costs 5 (3 locations)
    answers = [small_bucket.graphql(query) for _ in range(3)]  # 30 -> 25 -> 20: the third cannot pay 22
    assert [("data" in a.json()) for a in answers] == [True, True, False]
    throttled = answers[2]
    body = throttled.json()
    assert throttled.status_code == 200 and "data" not in body
    assert body["errors"] == [
        {
            "message": "Throttled",
            "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"},
        }
    ]
    cost = body["extensions"]["cost"]
    assert cost["actualQueryCost"] is None and cost["requestedQueryCost"] == 22
    assert cost["throttleStatus"]["currentlyAvailable"] < 22 and cost["throttleStatus"]["maximumAvailable"] == 30
    time.sleep((22 - cost["throttleStatus"]["currentlyAvailable"]) / 1 + 0.3)
    assert "data" in small_bucket.graphql(query).json()
    assert small_bucket.stats()["throttled"] == 1


def test_throttle_storm_knob(shopify):
    shopify.admin(throttle_storm=2)
    codes = [
        shopify.graphql(LOCATIONS).json().get("errors", [{}])[0].get("extensions", {}).get("code") for _ in range(3)
    ]
    assert codes == ["THROTTLED", "THROTTLED", None]


def test_admin_refuses_unknown_or_bad_knobs(shopify):
    assert httpx.post(f"{shopify.url}/_admin", json={"nope": 1}).status_code == 400
    assert httpx.post(f"{shopify.url}/_admin", json={"error_rate": 2}).status_code == 400
    assert shopify.admin(error_rate=0.5)["error_rate"] == 0.5


def test_stats_never_show_the_access_token(shopify):
    shopify.graphql(LOCATIONS)
    assert shopify.token not in json.dumps(shopify.stats())


def test_product_set_costs_by_its_input(shopify):
    """ProductSetInput: 0.2 per variant, 0.4 per metafield, 1.9 per file; 0.6 per variant file and 0.4 per
    variant metafield; the sum rounded up, on top of the mutation's 10."""
    define_part_number(shopify)
    doc = (
        "mutation($i: ProductSetInput!, $id: ProductSetIdentifiers) { productSet(input: $i, identifier: $id) "
        "{ userErrors { code } } }"
    )
    small = shopify.graphql(doc, {"i": product_input("COST-1"), "id": part_identifier("COST-1")}).json()
    assert small["extensions"]["cost"]["requestedQueryCost"] == 10 + 1 + 1  # 0.2 + 0.4 -> 1, userErrors 1
    big = product_input("COST-2", files=[f"http://127.0.0.1:9/{n}.png" for n in range(3)])
    big["metafields"] += [
        {"namespace": "merchant", "key": f"k{n}", "type": "single_line_text_field", "value": "v"} for n in range(4)
    ]
    big["variants"][0]["metafields"] = [
        {"namespace": "merchant", "key": "v", "type": "single_line_text_field", "value": "1"}
    ]
    big["variants"][0]["file"] = {"originalSource": "http://127.0.0.1:9/0.png", "contentType": "IMAGE"}
    body = shopify.graphql(doc, {"i": big, "id": part_identifier("COST-2")}).json()
    assert body["data"]["productSet"]["userErrors"] == []
    cost = body["extensions"]["cost"]  # 0.2 + 5 x 0.4 + 3 x 1.9 + 0.6 + 0.4 = 8.9 -> 9
    assert (cost["requestedQueryCost"], cost["actualQueryCost"]) == (10 + 9 + 1, 10 + 9)
