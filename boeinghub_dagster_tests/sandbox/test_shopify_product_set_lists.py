"""productSet's list fields in the Shopify sandbox: a list that is sent replaces, a list not sent is untouched.

Each test plays the merchant (metafieldsSet, productUpdate media and collections) on a product the
hub published, then republishes the way a client might, and reads what is left.
"""

from __future__ import annotations

from boeinghub_dagster_tests.support.shopify_calls import (
    PRODUCT_SET,
    define_part_number,
    part_identifier,
    product_input,
    publish,
)

SET_METAFIELDS = """
mutation Set($m: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $m) { metafields { namespace key value } userErrors { field message code elementIndex } }
}"""
ADD_MEDIA = """
mutation Media($p: ProductUpdateInput, $m: [CreateMediaInput!]) {
  productUpdate(product: $p, media: $m) { product { id } userErrors { field message } }
}"""
CREATE_COLLECTION = """
mutation Col($c: CollectionCreateInput) {
  collectionCreate(collection: $c) { collection { id } userErrors { message } }
}"""
STATE = """
query State($id: ID!) {
  product(id: $id) {
    title vendor tags status
    metafields(first: 10) { nodes { namespace key value } }
    media(first: 10) { nodes { id ... on MediaImage { alt } } }
    collections(first: 10) { nodes { id } }
    variants(first: 10) { nodes { id sku price } }
  }
}"""
PART = "LIST-1"


def _set(shop, payload: dict) -> dict:
    body = shop.graphql(PRODUCT_SET, {"input": payload, "identifier": part_identifier(PART)}).json()
    assert "errors" not in body, body
    return body["data"]["productSet"]


def _state(shop, product_id: str) -> dict:
    return shop.graphql(STATE, {"id": product_id}).json()["data"]["product"]


def _published(shop) -> str:
    define_part_number(shop)
    payload = publish(shop, PART, files=["http://127.0.0.1:9/hub.png"])["data"]["productSet"]
    assert payload["userErrors"] == []
    return payload["product"]["id"]


def _without(payload: dict, *names: str) -> dict:
    return {k: v for k, v in payload.items() if k not in names}


def test_a_sent_metafield_list_deletes_the_merchants_metafields_an_omitted_one_keeps_them(shopify):
    product = _published(shopify)
    merchant = [
        {"ownerId": product, "namespace": "merchant", "key": "shelf", "type": "single_line_text_field", "value": "B7"},
        {
            "ownerId": product,
            "namespace": "custom",
            "key": "note",
            "type": "single_line_text_field",
            "value": "fragile",
        },
    ]
    body = shopify.graphql(SET_METAFIELDS, {"m": merchant}).json()["data"]["metafieldsSet"]
    assert body["userErrors"] == [] and len(body["metafields"]) == 2

    omitted = _set(shopify, _without(product_input(PART, price="12.00"), "metafields", "files"))
    assert omitted["userErrors"] == []
    keys = {(m["namespace"], m["key"]) for m in _state(shopify, product)["metafields"]["nodes"]}
    assert keys == {("custom", "boeing_part_number"), ("merchant", "shelf"), ("custom", "note")}

    sent = _set(shopify, _without(product_input(PART, price="13.00"), "files"))  # the hub's list: its key only
    assert sent["userErrors"] == []
    assert [(m["namespace"], m["key"]) for m in _state(shopify, product)["metafields"]["nodes"]] == [
        ("custom", "boeing_part_number")
    ]


def test_a_sent_metafield_list_must_keep_the_identifier(shopify):
    product = _published(shopify)
    payload = product_input(PART)
    payload["metafields"] = [{"namespace": "custom", "key": "other", "type": "single_line_text_field", "value": "x"}]
    refused = _set(shopify, payload)
    assert [e["code"] for e in refused["userErrors"]] == ["METAFIELD_MISMATCH"] and refused["product"] is None
    assert [m["key"] for m in _state(shopify, product)["metafields"]["nodes"]] == ["boeing_part_number"]


def test_a_sent_file_list_replaces_the_merchants_images_an_omitted_one_keeps_them(shopify):
    product = _published(shopify)
    added = shopify.graphql(
        ADD_MEDIA,
        {
            "p": {"id": product},
            "m": [
                {"originalSource": "http://127.0.0.1:9/merchant.png", "alt": "merchant", "mediaContentType": "IMAGE"}
            ],
        },
    ).json()
    assert added["data"]["productUpdate"]["userErrors"] == []
    media = _state(shopify, product)["media"]["nodes"]
    assert [m["alt"] for m in media] == [None, "merchant"]

    assert _set(shopify, _without(product_input(PART), "files"))["userErrors"] == []
    assert _state(shopify, product)["media"]["nodes"] == media

    keep = product_input(PART)
    keep["files"] = [{"id": media[1]["id"]}, {"originalSource": "http://127.0.0.1:9/hub-2.png", "contentType": "IMAGE"}]
    assert _set(shopify, keep)["userErrors"] == []  # the merchant's image kept by id, the hub's old one gone
    after = _state(shopify, product)["media"]["nodes"]
    assert after[0] == media[1] and len(after) == 2 and media[0]["id"] not in {m["id"] for m in after}

    assert _set(shopify, product_input(PART, files=["http://127.0.0.1:9/hub-3.png"]))["userErrors"] == []
    assert [m["alt"] for m in _state(shopify, product)["media"]["nodes"]] == [None]  # the merchant's is gone


def test_collections_join_leave_and_replace(shopify):
    product = _published(shopify)
    a, b = (
        shopify.graphql(CREATE_COLLECTION, {"c": {"title": t}}).json()["data"]["collectionCreate"]["collection"]["id"]
        for t in ("Brakes", "Sale")
    )
    joined = shopify.graphql(ADD_MEDIA, {"p": {"id": product, "collectionsToJoin": [a, b]}}).json()
    assert joined["data"]["productUpdate"]["userErrors"] == []
    assert _set(shopify, product_input(PART))["userErrors"] == []  # collections not sent: membership kept
    assert {c["id"] for c in _state(shopify, product)["collections"]["nodes"]} == {a, b}

    shopify.graphql(ADD_MEDIA, {"p": {"id": product, "collectionsToLeave": [a]}})
    assert [c["id"] for c in _state(shopify, product)["collections"]["nodes"]] == [b]
    with_list = {**product_input(PART), "collections": [a]}
    assert _set(shopify, with_list)["userErrors"] == []
    assert [c["id"] for c in _state(shopify, product)["collections"]["nodes"]] == [a]
    member = shopify.graphql(
        "query($c: ID!, $p: ID!) { collection(id: $c) { hasProduct(id: $p) productsCount { count } } }",
        {"c": a, "p": product},
    ).json()["data"]["collection"]
    assert member == {"hasProduct": True, "productsCount": {"count": 1}}

    bad = _set(shopify, {**product_input(PART), "collections": ["gid://shopify/Collection/999"]})
    assert bad["userErrors"] == [
        {"field": ["input", "collections", "0"], "message": "Collection does not exist", "code": "INVALID_INPUT"}
    ]
    assert [c["id"] for c in _state(shopify, product)["collections"]["nodes"]] == [a]


def test_variants_replace_when_sent_and_other_fields_change_only_when_sent(shopify):
    product = _published(shopify)
    two = product_input(PART)
    two["productOptions"] = [{"name": "Title", "values": [{"name": "Default Title"}, {"name": "Kit"}]}]
    two["variants"].append(
        {
            **two["variants"][0],
            "optionValues": [{"optionName": "Title", "name": "Kit"}],
            "inventoryItem": {"sku": f"{PART}-KIT"},
            "inventoryQuantities": [],
        }
    )
    assert _set(shopify, two)["userErrors"] == []
    assert len(_state(shopify, product)["variants"]["nodes"]) == 2

    only_title = _set(shopify, {"title": "Renamed"})
    assert only_title["userErrors"] == []
    state = _state(shopify, product)
    assert (state["title"], state["vendor"], state["tags"], state["status"]) == (
        "Renamed",
        "BDI",
        ["boeing", "aerospace"],
        "ACTIVE",
    )
    assert len(state["variants"]["nodes"]) == 2  # variants not sent: untouched

    assert _set(shopify, product_input(PART))["userErrors"] == []  # one variant sent: the other goes
    assert [v["sku"] for v in _state(shopify, product)["variants"]["nodes"]] == [PART]


def test_metafields_set_is_atomic_and_answers_in_its_own_codes(shopify):
    product = _published(shopify)
    mixed = [
        {"ownerId": product, "namespace": "merchant", "key": "ok", "type": "single_line_text_field", "value": "1"},
        {
            "ownerId": product,
            "namespace": "custom",
            "key": "boeing_part_number",
            "type": "number_integer",
            "value": "7",
        },
        {
            "ownerId": "gid://shopify/Product/999",
            "namespace": "merchant",
            "key": "x",
            "value": "1",
            "type": "single_line_text_field",
        },
    ]
    body = shopify.graphql(SET_METAFIELDS, {"m": mixed}).json()["data"]["metafieldsSet"]
    assert body["metafields"] is None
    assert [(e["code"], e["elementIndex"]) for e in body["userErrors"]] == [("INVALID", 2)]
    body = shopify.graphql(SET_METAFIELDS, {"m": mixed[:2]}).json()["data"]["metafieldsSet"]
    assert body["userErrors"] == [
        {
            "field": ["metafields", "1", "type"],
            "code": "INVALID_TYPE",
            "elementIndex": 1,
            "message": "Type must be single_line_text_field to match the metafield definition",
        }
    ]
    assert [m["key"] for m in _state(shopify, product)["metafields"]["nodes"]] == ["boeing_part_number"]
    too_many = [{**mixed[0], "key": f"k{i}"} for i in range(26)]
    body = shopify.graphql(SET_METAFIELDS, {"m": too_many}).json()["data"]["metafieldsSet"]
    assert [e["code"] for e in body["userErrors"]] == ["LESS_THAN_OR_EQUAL_TO"]
