"""Sales channels in the Shopify sandbox: ACTIVE is not on sale until publishablePublish puts it somewhere."""

from __future__ import annotations

from boeinghub_dagster_tests.support.sandboxes import start_shopify
from boeinghub_dagster_tests.support.shopify_calls import (
    PUBLICATIONS,
    define_part_number,
    publication_ids,
    publish,
    publish_to,
)

# The merchant's view of one product: where it is published and whether the storefront shows it.
WHERE = """
query Where($id: ID!, $online: ID!, $pos: ID!) {
  product(id: $id) {
    status onlineStoreUrl publishedAt
    online: publishedOnPublication(publicationId: $online)
    pos: publishedOnPublication(publicationId: $pos)
    resourcePublicationsCount { count }
    resourcePublications(first: 5, onlyPublished: false) { nodes { isPublished publication { id } } }
    unpublishedPublications(first: 5) { nodes { id } }
  }
}"""


def _where(shop, product_id: str) -> dict:
    ids = publication_ids(shop)
    body = shop.graphql(WHERE, {"id": product_id, "online": ids["Online Store"], "pos": ids["Point of Sale"]}).json()
    assert "errors" not in body, body
    return body["data"]["product"]


def _product(shop, part: str, **kw) -> str:
    payload = publish(shop, part, **kw)["data"]["productSet"]
    assert payload["userErrors"] == [], payload
    return payload["product"]["id"]


def test_a_new_shop_has_an_online_store_and_a_point_of_sale(shopify):
    nodes = shopify.graphql(PUBLICATIONS).json()["data"]["publications"]["nodes"]
    assert [(n["catalog"]["title"], n["name"], n["autoPublish"]) for n in nodes] == [
        ("Online Store", "Online Store", False),
        ("Point of Sale", "Point of Sale", False),
    ]
    assert [n["supportsFuturePublishing"] for n in nodes] == [True, False]
    markets = shopify.graphql("{ publications(first: 5, catalogType: MARKET) { nodes { id } } }").json()
    assert markets["data"]["publications"]["nodes"] == []


def test_an_active_product_is_published_nowhere_until_published(shopify):
    define_part_number(shopify)
    product = _product(shopify, "PUB-1", status="ACTIVE")
    before = _where(shopify, product)
    assert before["status"] == "ACTIVE" and (before["online"], before["pos"]) == (False, False)
    assert before["onlineStoreUrl"] is None and before["publishedAt"] is None
    assert before["resourcePublicationsCount"] == {"count": 0} and len(before["unpublishedPublications"]["nodes"]) == 2
    assert shopify.stats()["products_per_publication"] == {"Online Store": 0, "Point of Sale": 0}

    online = publication_ids(shopify)["Online Store"]
    for _ in range(2):  # publishing again where it already is changes nothing
        assert publish_to(shopify, product, online) == {"publishable": {"id": product}, "userErrors": []}
    after = _where(shopify, product)
    assert (after["online"], after["pos"]) == (True, False) and after["publishedAt"]
    assert after["onlineStoreUrl"].startswith(shopify.url) and after["onlineStoreUrl"].endswith("/products/pub-1")
    assert after["resourcePublications"]["nodes"] == [{"isPublished": True, "publication": {"id": online}}]
    stats = shopify.stats()
    assert stats["products_per_publication"] == {"Online Store": 1, "Point of Sale": 0} and stats["publishes"] == 2

    _product(shopify, "PUB-1", price="12.00")  # a republish does not touch the channels
    assert _where(shopify, product)["online"] is True
    assert publish_to(shopify, product, online, unpublish=True)["userErrors"] == []
    assert _where(shopify, product)["online"] is False and shopify.stats()["unpublishes"] == 1


def test_a_draft_product_is_published_but_not_visible_until_active(shopify):
    define_part_number(shopify)
    product = _product(shopify, "PUB-2", status="DRAFT")
    ids = publication_ids(shopify)
    assert publish_to(shopify, product, ids["Online Store"], ids["Point of Sale"])["userErrors"] == []
    draft = _where(shopify, product)
    assert (draft["online"], draft["pos"], draft["onlineStoreUrl"]) == (True, True, None)
    shopify.graphql(
        "mutation($p: ProductUpdateInput) { productUpdate(product: $p) { userErrors { message } } }",
        {"p": {"id": product, "status": "ACTIVE"}},
    )
    assert _where(shopify, product)["onlineStoreUrl"] is not None


def test_future_publishing_only_on_the_online_store(shopify):
    define_part_number(shopify)
    product = _product(shopify, "PUB-3")
    ids = publication_ids(shopify)
    doc = (
        "mutation($id: ID!, $in: [PublicationInput!]!) { publishablePublish(id: $id, input: $in) "
        "{ userErrors { field message } } }"
    )
    later = "2099-01-01T00:00:00Z"
    refused = shopify.graphql(
        doc, {"id": product, "in": [{"publicationId": ids["Point of Sale"], "publishDate": later}]}
    ).json()
    assert refused["data"]["publishablePublish"]["userErrors"] == [
        {"field": ["input", "0", "publishDate"], "message": "Only online store channels support future publishing"}
    ]
    scheduled = shopify.graphql(
        doc, {"id": product, "in": [{"publicationId": ids["Online Store"], "publishDate": later}]}
    ).json()
    assert scheduled["data"]["publishablePublish"]["userErrors"] == []
    where = _where(shopify, product)
    assert where["online"] is False and where["resourcePublicationsCount"] == {"count": 0}
    assert where["resourcePublications"]["nodes"] == [
        {"isPublished": False, "publication": {"id": ids["Online Store"]}}
    ]


def test_unknown_product_or_publication_is_a_user_error(shopify):
    define_part_number(shopify)
    product = _product(shopify, "PUB-4")
    online = publication_ids(shopify)["Online Store"]
    missing = publish_to(shopify, "gid://shopify/Product/999", online)
    assert missing == {"publishable": None, "userErrors": [{"field": ["id"], "message": "Product does not exist"}]}
    bad = publish_to(shopify, product, online, "gid://shopify/Publication/999")
    assert bad["userErrors"] == [{"field": ["input", "1", "publicationId"], "message": "Publication does not exist"}]
    assert _where(shopify, product)["online"] is False  # all or nothing


def test_a_shop_can_start_without_a_point_of_sale(tmp_path):
    """What a test of the hub's setup check needs: a shop missing a channel the hub is told to use."""
    server, shop = start_shopify(str(tmp_path / "shop.db"), publications=("Online Store", "Wholesale"))
    try:
        assert list(publication_ids(shop)) == ["Online Store", "Wholesale"]
        assert shop.reset(wipe=True)["products_per_publication"] == {"Online Store": 0, "Wholesale": 0}
    finally:
        server.stop()
        server.app.state.sandbox.store.close()
