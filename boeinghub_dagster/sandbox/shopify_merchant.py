"""What the merchant does in the Shopify sandbox beside the hub: collections, metafieldsSet, media.

Tests play the merchant with these, then check what the hub's next call leaves of it.
- `collectionCreate` makes a custom collection (unpublished, as Shopify's description says);
  membership comes from `productSet(input: {collections})` (the product's full list: it replaces)
  or `productUpdate(product: {collectionsToJoin, collectionsToLeave})` (adds and removes only those).
- `metafieldsSet` sets metafields "regardless if they were previously created or not", at most 25
  a call, atomically: one bad entry and nothing is persisted (Mutation.metafieldsSet).
- `productUpdate(media:)` adds media to a product, fetched after the answer like productSet's files.
"""

from __future__ import annotations

from boeinghub_dagster.sandbox.shopify_connections import connection, page_args
from boeinghub_dagster.sandbox.shopify_context import RequestContext, UserErrors, ctx, in_transaction, user_error
from boeinghub_dagster.sandbox.shopify_objects import metafield_obj, product_obj
from boeinghub_dagster.sandbox.shopify_store import ShopifyStore, gid, now_iso, parse_gid
from boeinghub_dagster.sandbox.shopify_writes import check_metafields, slug, write_metafields

MAX_METAFIELDS_SET = 25
METAFIELDS_SET_CODES = {
    "blank": "BLANK",
    "type": "INVALID_TYPE",
    "value": "INVALID_VALUE",
    "unique": "CAPABILITY_VIOLATION",
}


def collection_obj(r) -> dict:
    return {
        "_pk": r["id"],
        "id": gid("Collection", r["id"]),
        "title": r["title"],
        "handle": r["handle"],
        "descriptionHtml": r["description_html"],
    }


def _member_ids(store: ShopifyStore, product_pk: int) -> list[int]:
    rows = store.rows(
        "SELECT collection_id FROM collection_products WHERE product_id = ? ORDER BY collection_id", (product_pk,)
    )
    return [r["collection_id"] for r in rows]


def check_collections(store: ShopifyStore, ids, prefix: list, code: str | None = None) -> list[int]:
    """The collection ids named (all must exist, else UserErrors)."""
    pks, errors = [], []
    for i, value in enumerate(ids or []):
        pk = parse_gid(value, "Collection")
        if store.get("collections", pk) is None:
            errors.append(user_error("Collection does not exist", [*prefix, i], code))
        pks.append(pk)
    if errors:
        raise UserErrors(errors)
    return pks


def join_collections(store: ShopifyStore, product_pk: int, join: list[int] = (), leave: list[int] = ()) -> None:
    for pk in join:
        store.execute(
            "INSERT OR IGNORE INTO collection_products (collection_id, product_id) VALUES (?, ?)", (pk, product_pk)
        )
    for pk in leave:
        store.execute("DELETE FROM collection_products WHERE collection_id = ? AND product_id = ?", (pk, product_pk))


def replace_collections(store: ShopifyStore, product_pk: int, wanted: list[int]) -> None:
    """productSet's `collections`: a list field, so membership becomes exactly the list given."""
    current = _member_ids(store, product_pk)
    join_collections(
        store, product_pk, [pk for pk in wanted if pk not in current], [pk for pk in current if pk not in wanted]
    )


def add_media(c: RequestContext, product_pk: int, media: list[dict], prefix: list) -> None:
    """productUpdate's `media`: new media after the existing ones, fetched in the background."""
    errors = [
        user_error("Only IMAGE media is supported by the sandbox.", [*prefix, i, "mediaContentType"])
        for i, m in enumerate(media)
        if m["mediaContentType"] != "IMAGE"
    ]
    errors += [
        user_error("Image URL is invalid", [*prefix, i, "originalSource"])
        for i, m in enumerate(media)
        if not m["originalSource"].strip()
    ]
    if errors:
        raise UserErrors(errors)
    stamp = now_iso()
    last = c.store.one("SELECT COALESCE(MAX(position), 0) AS n FROM media WHERE product_id = ?", (product_pk,))["n"]
    for position, m in enumerate(media, last + 1):
        pk = c.store.insert(
            "media",
            product_id=product_pk,
            position=position,
            alt=m.get("alt"),
            original_source=m["originalSource"],
            created_at=stamp,
            updated_at=stamp,
        )
        c.media_to_fetch.append(pk)


# -- resolvers ----------------------------------------------------------------------------
def collections(_root, info, query=None, **args):
    rows = ctx(info).store.rows("SELECT * FROM collections ORDER BY id")
    items = [collection_obj(r) for r in rows]
    if query:
        items = [o for o in items if query.split(":", 1)[-1].strip("\"' ").lower() in o["title"].lower()]
    return connection(items, **page_args(args))


def collection(_root, info, id):
    row = ctx(info).store.get("collections", parse_gid(id, "Collection"))
    return collection_obj(row) if row else None


def product_collections(p, info, query=None, **args):
    store = ctx(info).store
    return connection(
        [collection_obj(store.get("collections", pk)) for pk in _member_ids(store, p["_pk"])], **page_args(args)
    )


def in_collection(p, info, id):
    return parse_gid(id, "Collection") in _member_ids(ctx(info).store, p["_pk"])


def collection_products(col, info, **args):
    store = ctx(info).store
    rows = store.rows(
        "SELECT p.* FROM products p JOIN collection_products cp ON cp.product_id = p.id"
        " WHERE cp.collection_id = ? ORDER BY p.id",
        (col["_pk"],),
    )
    return connection([product_obj(r) for r in rows], **page_args(args))


def collection_has_product(col, info, id):
    return col["_pk"] in _member_ids(ctx(info).store, parse_gid(id, "Product") or -1)


def collection_count(col, info):
    n = ctx(info).store.one("SELECT COUNT(*) AS n FROM collection_products WHERE collection_id = ?", (col["_pk"],))
    return {"count": n["n"], "precision": "EXACT"}


def collection_create(_root, info, collection=None):
    store = ctx(info).store
    given = collection or {}

    def work():
        title = (given.get("title") or "").strip()
        if not title:
            raise UserErrors([user_error("Title can't be blank", ["title"])])
        handle = given.get("handle") or slug(title)
        if store.one("SELECT 1 FROM collections WHERE handle = ?", (handle,)):
            raise UserErrors([user_error("Handle has already been taken", ["handle"])])
        stamp = now_iso()
        pk = store.insert(
            "collections",
            title=title,
            handle=handle,
            created_at=stamp,
            updated_at=stamp,
            description_html=given.get("descriptionHtml") or "",
        )
        return {"collection": collection_obj(store.get("collections", pk)), "userErrors": []}

    return in_transaction(info, work, {"collection": None})


def _owner(store: ShopifyStore, owner_id: str) -> tuple[str, int] | None:
    kinds = (("Product", "PRODUCT", "products"), ("ProductVariant", "PRODUCTVARIANT", "variants"))
    for kind, owner_type, table in kinds:
        pk = parse_gid(owner_id, kind)
        if pk is not None and store.get(table, pk) is not None:
            return owner_type, pk
    return None


def metafields_set(_root, info, metafields):
    store = ctx(info).store

    def work():
        if len(metafields) > MAX_METAFIELDS_SET:
            raise UserErrors(
                [
                    user_error(
                        f"Exceeded the maximum metafields input limit of {MAX_METAFIELDS_SET}.",
                        ["metafields"],
                        "LESS_THAN_OR_EQUAL_TO",
                    )
                ]
            )
        owners, errors = [], []
        for i, m in enumerate(metafields):
            owner = _owner(store, m["ownerId"])
            if owner is None:
                errors.append(
                    {**user_error("Owner does not exist.", ["metafields", i, "ownerId"], "INVALID"), "elementIndex": i}
                )
            owners.append(owner)
        if errors:
            raise UserErrors(errors)
        for i, (m, (owner_type, pk)) in enumerate(zip(metafields, owners, strict=False)):
            try:
                check_metafields(store, owner_type, pk, [m], ["metafields"], METAFIELDS_SET_CODES)
            except UserErrors as exc:  # each entry's own index, not 0
                errors += [
                    {**e, "elementIndex": i, "field": ["metafields", str(i), *e["field"][2:]]} for e in exc.errors
                ]
        if errors:
            raise UserErrors(errors)
        out = []
        for m, (owner_type, pk) in zip(metafields, owners, strict=False):
            write_metafields(store, owner_type, pk, [m])
            out.append(metafield_obj(store.metafield(owner_type, pk, m.get("namespace") or "$app", m["key"])))
        return {"metafields": out, "userErrors": []}

    return in_transaction(info, work, {"metafields": None})


QUERIES = {"collections": collections, "collection": collection}
MUTATIONS = {"collectionCreate": collection_create, "metafieldsSet": metafields_set}
OBJECTS = {
    "Product": {"collections": product_collections, "inCollection": in_collection},
    "Collection": {
        "products": collection_products,
        "hasProduct": collection_has_product,
        "productsCount": collection_count,
    },
}
