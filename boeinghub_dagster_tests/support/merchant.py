"""The merchant's side of a shop for tests: what they add beside the hub, and what they see afterwards.

Every helper goes through the hub's own client (`ShopifyClient.execute`), so the same calls run
against the sandbox and against a real development store (the contract suite's live mode).
"""

from __future__ import annotations

MERCHANT_METAFIELDS = """
mutation MerchantMetafields($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) { metafields { key } userErrors { field message code } }
}"""

MERCHANT_MEDIA = """
mutation MerchantMedia($product: ProductUpdateInput!, $media: [CreateMediaInput!]) {
  productUpdate(product: $product, media: $media) { product { id } userErrors { field message } }
}"""

MERCHANT_COLLECTION = """
mutation MerchantCollection($collection: CollectionCreateInput!) {
  collectionCreate(collection: $collection) { collection { id } userErrors { field message } }
}"""

MERCHANT_JOIN = """
mutation MerchantJoin($product: ProductUpdateInput!) {
  productUpdate(product: $product) { product { id } userErrors { field message } }
}"""

MERCHANT_VIEW = """
query MerchantView($id: ID!) {
  product(id: $id) {
    id status tags
    metafields(first: 50) { nodes { namespace key value } }
    media(first: 20) { nodes { id alt } }
    collections(first: 20) { nodes { id title } }
    variants(first: 5) { nodes { id sku price inventoryItem { inventoryLevels(first: 20) {
      nodes { location { id } quantities(names: ["available"]) { quantity } } } } } }
  }
}"""


def _ok(result, root: str) -> dict:
    payload = result.data[root]
    assert not payload["userErrors"], payload["userErrors"]
    return payload


def add_metafields(client, product_id: str, values: dict[str, str]) -> None:
    """`{"namespace.key": value}` set as the merchant would (single-line text)."""
    metafields = [
        {
            "ownerId": product_id,
            "namespace": k.split(".", 1)[0],
            "key": k.split(".", 1)[1],
            "type": "single_line_text_field",
            "value": v,
        }
        for k, v in values.items()
    ]
    _ok(client.execute(MERCHANT_METAFIELDS, {"metafields": metafields}), "metafieldsSet")


def add_image(client, product_id: str, url: str, alt: str = "merchant photo") -> None:
    media = [{"originalSource": url, "alt": alt, "mediaContentType": "IMAGE"}]
    _ok(client.execute(MERCHANT_MEDIA, {"product": {"id": product_id}, "media": media}), "productUpdate")


def add_to_new_collection(client, product_id: str, title: str) -> str:
    collection = _ok(client.execute(MERCHANT_COLLECTION, {"collection": {"title": title}}), "collectionCreate")
    cid = collection["collection"]["id"]
    _ok(client.execute(MERCHANT_JOIN, {"product": {"id": product_id, "collectionsToJoin": [cid]}}), "productUpdate")
    return cid


def view(client, product_id: str) -> dict:
    """What the merchant sees: metafields by `namespace.key`, media alts, collection titles, variants, stock."""
    product = client.execute(MERCHANT_VIEW, {"id": product_id}).data["product"]
    variants = product["variants"]["nodes"]
    return {
        "status": product["status"],
        "tags": product["tags"],
        "metafields": {f"{m['namespace']}.{m['key']}": m["value"] for m in product["metafields"]["nodes"]},
        "media": [m["alt"] for m in product["media"]["nodes"]],
        "collections": [c["title"] for c in product["collections"]["nodes"]],
        "variants": [(v["sku"], v["price"]) for v in variants],
        "stock": {
            lv["location"]["id"]: lv["quantities"][0]["quantity"]
            for v in variants[:1]
            for lv in v["inventoryItem"]["inventoryLevels"]["nodes"]
        },
    }
