"""Partial answers in the Shopify sandbox: a failing field is null in `data` and reported in `errors`."""

from __future__ import annotations

from boeinghub_dagster_tests.support.shopify_calls import define_part_number, publish

TWO_ROOTS = """
query Two($id: ID!) {
  locations(first: 1) { nodes { name } }
  product(id: $id) { title partNumber: metafield(namespace: "custom", key: "boeing_part_number") { value } }
}"""


def _product(shop) -> str:
    define_part_number(shop)
    return publish(shop, "PART-1")["data"]["productSet"]["product"]["id"]


def test_one_failing_root_field_leaves_the_others_answered(shopify):
    product = _product(shopify)
    shopify.admin(fail_field="product")
    body = shopify.graphql(TWO_ROOTS, {"id": product}).json()
    assert body["data"] == {"locations": {"nodes": [{"name": "Dallas Central"}]}, "product": None}
    [error] = body["errors"]
    assert error["path"] == ["product"] and error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert error["message"].startswith("Internal error. Looks like something went wrong on our end.")
    assert error["extensions"]["requestId"] in error["message"]
    assert body["extensions"]["cost"]["actualQueryCost"] is not None
    stats = shopify.stats()
    assert stats["partial_answers"] == 1 and stats["field_errors_injected"] == 1


def test_a_nested_field_can_fail_too(shopify):
    product = _product(shopify)
    shopify.admin(fail_field="Metafield.value")  # non-null: the metafield itself becomes null
    body = shopify.graphql(TWO_ROOTS, {"id": product}).json()
    assert body["data"]["product"] == {"title": "PART-1", "partNumber": None}
    assert body["errors"][0]["path"] == ["product", "partNumber", "value"]


def test_a_failing_non_null_root_field_nulls_data(shopify):
    product = _product(shopify)
    shopify.admin(fail_field="locations")
    body = shopify.graphql(TWO_ROOTS, {"id": product}).json()
    assert "data" in body and body["data"] is None and body["errors"][0]["path"] == ["locations"]
    assert shopify.stats()["partial_answers"] == 0


def test_a_failing_mutation_stores_nothing_and_the_knob_turns_off(shopify):
    define_part_number(shopify)
    shopify.admin(fail_field="productSet")
    body = publish(shopify, "PART-2")
    assert body["data"] == {"productSet": None} and body["errors"][0]["path"] == ["productSet"]
    assert shopify.stats()["products"] == 0
    shopify.admin(fail_field="")
    assert publish(shopify, "PART-2")["data"]["productSet"]["userErrors"] == []
