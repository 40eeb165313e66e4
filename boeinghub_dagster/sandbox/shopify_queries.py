"""QueryRoot resolvers of the Shopify sandbox: what a publish and a reconciliation read.

`products(query:)` with the metafield filter and `productByIdentifier(customId)` find a part's
product; `nodes(ids:)` reads objects by id; `productVariants(query: "sku:…")` finds variants by
SKU; `locations` lists the shop's locations. Connections page with Shopify's `first/after/last/before/reverse`.
"""

from __future__ import annotations

from boeinghub_dagster.sandbox.shopify_connections import connection, page_args
from boeinghub_dagster.sandbox.shopify_context import ctx
from boeinghub_dagster.sandbox.shopify_objects import definition_obj, item_obj, location_obj, product_obj, variant_obj
from boeinghub_dagster.sandbox.shopify_search import product_ids, variant_ids
from boeinghub_dagster.sandbox.shopify_store import ShopifyStore, parse_gid


def find_product(store: ShopifyStore, identifier: dict) -> int | None:
    """The product an identifier ({id} | {handle} | {customId}) names, if it exists."""
    if identifier.get("id") is not None:
        pk = parse_gid(identifier["id"], "Product")
        return pk if store.get("products", pk) else None
    if identifier.get("handle") is not None:
        row = store.one("SELECT id FROM products WHERE handle = ?", (identifier["handle"],))
        return row["id"] if row else None
    custom = identifier.get("customId")
    if custom:
        return store.owner_by_metafield("PRODUCT", custom.get("namespace") or "$app", custom["key"], custom["value"])
    return None


def _warn(info, path: str, query: str | None, warnings: list[dict]) -> None:
    if warnings:
        ctx(info).search_warnings.append({"path": [path], "query": query, "warnings": warnings})


def products(_root, info, query=None, **args):
    store, warnings = ctx(info).store, []
    ids = product_ids(store, query, warnings)
    _warn(info, "products", query, warnings)
    rows = {r["id"]: r for r in store.rows("SELECT * FROM products")} if ids else {}
    return connection([product_obj(rows[i]) for i in ids], **page_args(args))


def product(_root, info, id):
    row = ctx(info).store.get("products", parse_gid(id, "Product"))
    return product_obj(row) if row else None


def product_by_identifier(_root, info, identifier):
    store = ctx(info).store
    row = store.get("products", find_product(store, identifier))
    return product_obj(row) if row else None


def product_variants(_root, info, query=None, **args):
    store, warnings = ctx(info).store, []
    ids = variant_ids(store, query, warnings)
    _warn(info, "productVariants", query, warnings)
    rows = {r["id"]: r for r in store.rows("SELECT * FROM variants")} if ids else {}
    return connection([variant_obj(rows[i]) for i in ids], **page_args(args))


def nodes(_root, info, ids):
    """Each id's object, in order; None for an id that names no Product or ProductVariant of this shop."""
    store, out = ctx(info).store, []
    for value in ids:
        product, variant = parse_gid(value, "Product"), parse_gid(value, "ProductVariant")
        if product is not None and (row := store.get("products", product)):
            out.append(product_obj(row))
        elif variant is not None and (row := store.get("variants", variant)):
            out.append(variant_obj(row))
        else:
            out.append(None)
    return out


def node_type(obj, _info, _type) -> str:
    """`Node`'s concrete type, from the object's gid (`gid://shopify/<Type>/<n>`)."""
    return obj["id"].split("/")[3]


def product_variant(_root, info, id):
    row = ctx(info).store.get("variants", parse_gid(id, "ProductVariant"))
    return variant_obj(row) if row else None


def inventory_item(_root, info, id):
    store = ctx(info).store
    row = store.get("inventory_items", parse_gid(id, "InventoryItem"))
    return item_obj(row, store.get("variants", row["variant_id"])["sku"]) if row else None


def locations(_root, info, query=None, includeInactive=False, includeLegacy=False, **args):
    rows = ctx(info).store.rows("SELECT * FROM locations ORDER BY id")
    items = [location_obj(r) for r in rows if includeInactive or r["is_active"]]
    if query:
        name = query.split(":", 1)[1].strip("\"' ") if query.startswith("name:") else query.strip("\"' ")
        items = [o for o in items if o["name"].lower() == name.lower()]
    return connection(items, **page_args(args))


def metafield_definitions(_root, info, ownerType, namespace=None, key=None, query=None, **args):
    rows = ctx(info).store.rows("SELECT * FROM metafield_definitions WHERE owner_type = ? ORDER BY id", (ownerType,))
    items = [
        definition_obj(r)
        for r in rows
        if (namespace is None or r["namespace"] == namespace) and (key is None or r["key"] == key)
    ]
    return connection(items, **page_args(args))


QUERY_RESOLVERS = {
    "products": products,
    "product": product,
    "productByIdentifier": product_by_identifier,
    "productVariants": product_variants,
    "productVariant": product_variant,
    "inventoryItem": inventory_item,
    "locations": locations,
    "metafieldDefinitions": metafield_definitions,
    "nodes": nodes,
}
