"""Products in the Shopify sandbox: productSet upserts by custom id, lookups, updates, /_stats."""

from __future__ import annotations

from boeinghub_dagster_tests.support.shopify_calls import (
    PRODUCT_SET,
    VARIANTS_BY_SKU,
    define_part_number,
    location_ids,
    part_identifier,
    product_input,
    publish,
)

RECONCILE = """
query Find($q: String) {
  products(first: 10, query: $q) {
    nodes {
      id status
      metafield(namespace: "custom", key: "boeing_part_number") { value }
      media(first: 5) { nodes { status } }
      variants(first: 1) { nodes { id sku price inventoryItem { id unitCost { amount }
        inventoryLevels(first: 5) { nodes { location { id name } quantities(names: ["available"]) { quantity } } } } } }
    }
  }
}"""


def _ok(body: dict) -> dict:
    assert "errors" not in body, body
    payload = body["data"]["productSet"]
    assert payload["userErrors"] == [], payload
    return payload["product"]


def test_definition_records_unique_values_capability(shopify):
    created = define_part_number(shopify)
    assert created["userErrors"] == []
    caps = created["createdDefinition"]["capabilities"]
    assert caps == {"uniqueValues": {"enabled": True}, "adminFilterable": {"enabled": True}}
    again = define_part_number(shopify)
    assert again["createdDefinition"] is None
    assert again["userErrors"] == [
        {
            "field": ["definition", "key"],
            "code": "TAKEN",
            "message": "Key is in use for Product metafields on the 'custom' namespace.",
        }
    ]


def test_product_set_by_custom_id_creates_then_updates_never_duplicates(shopify):
    define_part_number(shopify)
    dallas = location_ids(shopify)[0]
    created = _ok(publish(shopify, "WF338109=K3", sku="WF338109", price="11.00", stock=[(dallas, 4)]))
    for price in ("12.00", "13.50"):
        again = _ok(publish(shopify, "WF338109=K3", sku="WF338109", price=price, stock=[(dallas, 7)]))
        assert again["id"] == created["id"]
        assert again["variants"]["nodes"][0]["id"] == created["variants"]["nodes"][0]["id"]
    other = _ok(publish(shopify, "WF338109=K4", sku="WF338109"))  # same SKU, another part number: another product
    assert other["id"] != created["id"]
    stats = shopify.stats()
    assert stats["products"] == 2 and stats["variants"] == 2
    assert stats["products_per_part_number"] == {"WF338109=K3": 1, "WF338109=K4": 1}
    node = shopify.graphql(RECONCILE, {"q": 'metafields.custom.boeing_part_number:"WF338109=K3"'}).json()
    [product] = node["data"]["products"]["nodes"]
    variant = product["variants"]["nodes"][0]
    assert product["status"] == "ACTIVE" and product["metafield"] == {"value": "WF338109=K3"}
    assert variant["price"] == "13.50" and variant["sku"] == "WF338109"
    assert variant["inventoryItem"]["unitCost"] == {"amount": "10.0"}
    levels = variant["inventoryItem"]["inventoryLevels"]["nodes"]
    assert [(lv["location"]["id"], lv["quantities"][0]["quantity"]) for lv in levels] == [(dallas, 7)]


def test_custom_id_needs_a_unique_definition(shopify):
    define_part_number(shopify, unique=False)
    payload = publish(shopify, "ABC-1")["data"]["productSet"]
    assert payload["product"] is None
    [error] = payload["userErrors"]
    assert error["field"] == ["identifier", "customId"] and error["code"] == "NOT_FOUND"
    assert shopify.stats()["products"] == 0


def test_creating_needs_the_identifier_metafield_in_the_input(shopify):
    define_part_number(shopify)
    payload = product_input("ABC-2")
    del payload["metafields"]
    body = shopify.graphql(PRODUCT_SET, {"input": payload, "identifier": part_identifier("ABC-2")}).json()
    assert [e["code"] for e in body["data"]["productSet"]["userErrors"]] == ["MISSING_FIELD_REQUIRED"]
    payload["metafields"] = []  # a list that is sent must hold the identifier's metafield
    body = shopify.graphql(PRODUCT_SET, {"input": payload, "identifier": part_identifier("ABC-2")}).json()
    assert [e["code"] for e in body["data"]["productSet"]["userErrors"]] == ["METAFIELD_MISMATCH"]
    payload["metafields"] = product_input("OTHER")["metafields"]
    body = shopify.graphql(PRODUCT_SET, {"input": payload, "identifier": part_identifier("ABC-2")}).json()
    assert [e["code"] for e in body["data"]["productSet"]["userErrors"]] == ["INPUT_MISMATCH"]
    assert shopify.stats()["products"] == 0


def test_variants_and_options_come_together(shopify):
    define_part_number(shopify)
    payload = product_input("ABC-3")
    del payload["productOptions"]
    body = shopify.graphql(PRODUCT_SET, {"input": payload, "identifier": part_identifier("ABC-3")}).json()
    [error] = body["data"]["productSet"]["userErrors"]
    assert error == {
        "field": ["input", "productOptions"],
        "code": "PRODUCT_OPTIONS_INPUT_MISSING",
        "message": "Must specify product options when updating variants.",
    }


def test_unknown_location_is_a_user_error_and_nothing_is_stored(shopify):
    define_part_number(shopify)
    body = publish(shopify, "ABC-4", stock=[("gid://shopify/Location/999", 1)])
    [error] = body["data"]["productSet"]["userErrors"]
    assert error["field"] == ["input", "variants", "0", "inventoryQuantities", "0", "locationId"]
    assert shopify.stats()["products"] == 0


def test_product_variants_by_sku(shopify):
    define_part_number(shopify)
    first = _ok(publish(shopify, "PN-1", sku="SKU-A"))
    _ok(publish(shopify, "PN-2", sku="SKU-B"))
    nodes = shopify.graphql(VARIANTS_BY_SKU, {"q": "sku:SKU-A"}).json()["data"]["productVariants"]["nodes"]
    assert [(n["sku"], n["product"]["id"]) for n in nodes] == [("SKU-A", first["id"])]
    assert shopify.graphql(VARIANTS_BY_SKU, {"q": "sku:NOPE"}).json()["data"]["productVariants"]["nodes"] == []
    quoted = shopify.graphql(VARIANTS_BY_SKU, {"q": 'sku:"SKU-B"'}).json()["data"]["productVariants"]["nodes"]
    assert [n["sku"] for n in quoted] == ["SKU-B"]


def test_metafield_search_needs_the_filterable_capability(shopify):
    define_part_number(shopify, filterable=False)
    _ok(publish(shopify, "PN-1"))
    _ok(publish(shopify, "PN-2"))
    body = shopify.graphql(RECONCILE, {"q": 'metafields.custom.boeing_part_number:"PN-1"'}).json()
    assert len(body["data"]["products"]["nodes"]) == 2  # as on Shopify: the term is ignored, with a warning
    assert body["extensions"]["search"][0]["warnings"][0]["field"] == "metafields.custom.boeing_part_number"
    found = shopify.graphql(
        'query { productByIdentifier(identifier: {customId: {namespace: "custom", '
        'key: "boeing_part_number", value: "PN-2"}}) { title } }'
    ).json()
    assert found["data"]["productByIdentifier"] == {"title": "PN-2"}


def test_product_update_status_and_delete(shopify):
    define_part_number(shopify)
    product = _ok(publish(shopify, "PN-9"))
    body = shopify.graphql(
        "mutation($p: ProductUpdateInput) { productUpdate(product: $p) { product { status } "
        "userErrors { field message } } }",
        {"p": {"id": product["id"], "status": "DRAFT"}},
    ).json()
    assert body["data"]["productUpdate"] == {"product": {"status": "DRAFT"}, "userErrors": []}
    by_part = shopify.graphql(
        'mutation { productUpdate(identifier: {customId: {namespace: "custom", '
        'key: "boeing_part_number", value: "PN-9"}}, product: {status: ACTIVE}) '
        "{ product { status } userErrors { message } } }"
    ).json()
    assert by_part["data"]["productUpdate"]["product"] == {"status": "ACTIVE"}
    deleted = shopify.graphql(
        "mutation($i: ProductDeleteInput!) { productDelete(input: $i) { deletedProductId userErrors { message } } }",
        {"i": {"id": product["id"]}},
    ).json()
    assert deleted["data"]["productDelete"] == {"deletedProductId": product["id"], "userErrors": []}
    stats = shopify.stats()
    assert stats["products"] == 0 and stats["variants"] == 0 and stats["products_per_part_number"] == {}


def test_variants_bulk_update_sets_price_and_cost(shopify):
    define_part_number(shopify)
    product = _ok(publish(shopify, "PN-5", price="5.00", cost="4.00"))
    variant_id = product["variants"]["nodes"][0]["id"]
    doc = (
        "mutation($p: ID!, $v: [ProductVariantsBulkInput!]!) { productVariantsBulkUpdate(productId: $p, "
        "variants: $v) { productVariants { price inventoryItem { unitCost { amount } } } "
        "userErrors { field message code } } }"
    )
    body = shopify.graphql(
        doc, {"p": product["id"], "v": [{"id": variant_id, "price": "6.60", "inventoryItem": {"cost": "6.00"}}]}
    ).json()
    assert body["data"]["productVariantsBulkUpdate"] == {
        "productVariants": [{"price": "6.60", "inventoryItem": {"unitCost": {"amount": "6.0"}}}],
        "userErrors": [],
    }
    stock = shopify.graphql(
        doc,
        {
            "p": product["id"],
            "v": [
                {
                    "id": variant_id,
                    "inventoryQuantities": [{"locationId": location_ids(shopify)[0], "availableQuantity": 3}],
                }
            ],
        },
    ).json()
    [error] = stock["data"]["productVariantsBulkUpdate"]["userErrors"]
    assert error["code"] == "NO_INVENTORY_QUANTITIES_ON_VARIANTS_UPDATE"
