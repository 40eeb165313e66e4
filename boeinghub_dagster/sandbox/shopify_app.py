"""The hub's side of the Shopify sandbox beside publishing: deleting metafields, and the admin page of a
product (what a merchant sees), which the hub links from each part's metadata.

From Shopify's Admin schema (2026-07):
- `metafieldsDelete` deletes metafields "by specifying combinations of owner ID, namespace, and
  key"; "If a specified metafield doesn't exist, then the mutation still succeeds but returns
  `null` for that identifier in the response."
- `GET /admin/products/<id>` is not Shopify's API: on a real shop it is the product's page in the
  admin. Here it answers the product as JSON (status, sales channels, variant, stock, metafields,
  media, collections), read through the sandbox's own resolvers.
"""

from __future__ import annotations

from graphql import execute, parse
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from boeinghub_dagster.sandbox.shopify_context import RequestContext, ctx, in_transaction
from boeinghub_dagster.sandbox.shopify_store import gid, parse_gid

OWNERS = (("Product", "PRODUCT"), ("ProductVariant", "PRODUCTVARIANT"))


def metafields_delete(_root, info, metafields):
    store = ctx(info).store

    def work():
        deleted = []
        for m in metafields:
            owner = next(((t, pk) for kind, t in OWNERS if (pk := parse_gid(m["ownerId"], kind)) is not None), None)
            row = store.metafield(owner[0], owner[1], m["namespace"], m["key"]) if owner else None
            if row is None:
                deleted.append(None)
                continue
            store.execute("DELETE FROM metafields WHERE id = ?", (row["id"],))
            deleted.append({"ownerId": m["ownerId"], "namespace": m["namespace"], "key": m["key"]})
        return {"deletedMetafields": deleted, "userErrors": []}

    return in_transaction(info, work, {"deletedMetafields": None})


ADMIN_VIEW = parse("""
query AdminView($id: ID!) {
  product(id: $id) {
    id title status tags vendor
    resourcePublications(first: 10) { nodes { isPublished publication { name } } }
    variants(first: 10) { nodes { id sku price inventoryItem { inventoryLevels(first: 20) {
      nodes { location { name } quantities(names: ["available"]) { quantity } } } } } }
    metafields(first: 50) { nodes { namespace key value } }
    media(first: 20) { nodes { id alt status } }
    collections(first: 20) { nodes { title } }
  }
}""")


def admin_route(sandbox) -> Route:
    """`GET /admin/products/<numeric id>`, served on the event loop like the GraphQL endpoint."""

    async def view(request: Request) -> Response:
        return admin_product_view(sandbox, request)

    return Route("/admin/products/{id:int}", view, methods=["GET"])


def admin_product_view(sandbox, request: Request) -> Response:
    """The product as the merchant sees it in the admin, as JSON; 404 when the shop has no such product."""
    number = request.path_params["id"]
    context = RequestContext(sandbox.store, sandbox.knobs, base_url=str(request.base_url).rstrip("/"))
    result = execute(sandbox.schema, ADMIN_VIEW, context_value=context, variable_values={"id": gid("Product", number)})
    product = (result.data or {}).get("product")
    if result.errors or product is None:
        return JSONResponse({"errors": "Not Found"}, status_code=404)

    def levels(v: dict) -> dict:
        return {
            lv["location"]["name"]: lv["quantities"][0]["quantity"]
            for lv in v["inventoryItem"]["inventoryLevels"]["nodes"]
        }

    return JSONResponse(
        {
            "id": product["id"],
            "title": product["title"],
            "status": product["status"],
            "tags": product["tags"],
            "sales_channels": [
                n["publication"]["name"] for n in product["resourcePublications"]["nodes"] if n["isPublished"]
            ],
            "variants": [
                {"id": v["id"], "sku": v["sku"], "price": v["price"], "available": levels(v)}
                for v in product["variants"]["nodes"]
            ],
            "metafields": {f"{m['namespace']}.{m['key']}": m["value"] for m in product["metafields"]["nodes"]},
            "media": product["media"]["nodes"],
            "collections": [c["title"] for c in product["collections"]["nodes"]],
        }
    )


MUTATIONS = {"metafieldsDelete": metafields_delete}
