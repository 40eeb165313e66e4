"""Sales channels in the Shopify sandbox: publications, `publishablePublish` / `publishableUnpublish`.

Rules, from Shopify's Admin schema (2026-07):
- `ProductStatus.ACTIVE`: active products are not published to any sales channel (online store, apps)
  by themselves. So neither `productSet` nor `productUpdate` publishes anything, and every
  publication's `autoPublish` ("whether new products are automatically published") is false.
- `publishablePublish` puts a resource on one or more publications; a product must also be ACTIVE
  to be visible there. Publishing where it already is changes nothing (the call is repeatable).
- `PublicationInput.publishDate`: a future date schedules the publication; only online store
  channels support that, and `publishableUnpublish` ignores the field.
- `Product.onlineStoreUrl`: null means the product is not published to the online store.
- `Product.publishedAt`: when the product was published to the online store.
A new shop has an "Online Store" and a "Point of Sale" publication (`DEFAULT_PUBLICATIONS`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from boeinghub_dagster.sandbox.shopify_connections import connection, page_args
from boeinghub_dagster.sandbox.shopify_context import UserErrors, ctx, in_transaction, user_error
from boeinghub_dagster.sandbox.shopify_objects import product_obj
from boeinghub_dagster.sandbox.shopify_store import ONLINE_STORE, ShopifyStore, gid, now_iso, parse_gid


def publication_obj(r) -> dict:
    return {
        "_pk": r["id"],
        "id": gid("Publication", r["id"]),
        "name": r["name"],
        "autoPublish": bool(r["auto_publish"]),
        "supportsFuturePublishing": bool(r["supports_future"]),
        "catalog": {"id": gid("AppCatalog", r["id"]), "title": r["name"], "status": "ACTIVE"},
    }


def _is_published(publish_date: str) -> bool:
    return publish_date <= now_iso()


def _records(store: ShopifyStore, product_pk: int) -> list:
    return store.rows(
        "SELECT rp.publish_date, p.* FROM resource_publications rp JOIN publications p"
        " ON p.id = rp.publication_id WHERE rp.product_id = ? ORDER BY p.id",
        (product_pk,),
    )


def _utc(value: str) -> str | None:
    """Shopify's DateTime as the store keeps it (UTC, seconds), or None when unreadable."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- queries ------------------------------------------------------------------------------
def publications(_root, info, catalogType=None, **args):
    """Every publication here is an app's (the Online Store and Point of Sale are apps): catalog type APP."""
    rows = ctx(info).store.rows("SELECT * FROM publications ORDER BY id")
    items = [publication_obj(r) for r in rows] if catalogType in (None, "APP") else []
    return connection(items, **page_args(args))


def publication(_root, info, id):
    row = ctx(info).store.get("publications", parse_gid(id, "Publication"))
    return publication_obj(row) if row else None


def published_on(p, info, publicationId):
    pk = parse_gid(publicationId, "Publication")
    return any(r["id"] == pk and _is_published(r["publish_date"]) for r in _records(ctx(info).store, p["_pk"]))


def resource_publications(p, info, onlyPublished=True, **args):
    items = [
        {
            "_pk": r["id"],
            "isPublished": _is_published(r["publish_date"]),
            "publication": publication_obj(r),
            "publishDate": r["publish_date"],
            "publishable": p,
        }
        for r in _records(ctx(info).store, p["_pk"])
    ]
    items = [i for i in items if i["isPublished"] or not onlyPublished]
    return connection(items, **page_args(args))


def resource_publications_count(p, info, onlyPublished=True):
    records = _records(ctx(info).store, p["_pk"])
    n = sum(1 for r in records if _is_published(r["publish_date"]) or not onlyPublished)
    return {"count": n, "precision": "EXACT"}


def unpublished_publications(p, info, **args):
    store = ctx(info).store
    on = {r["id"] for r in _records(store, p["_pk"]) if _is_published(r["publish_date"])}
    rows = store.rows("SELECT * FROM publications ORDER BY id")
    return connection([publication_obj(r) for r in rows if r["id"] not in on], **page_args(args))


def _online_store_date(info, p) -> str | None:
    for r in _records(ctx(info).store, p["_pk"]):
        if r["name"] == ONLINE_STORE and _is_published(r["publish_date"]):
            return r["publish_date"]
    return None


def published_at(p, info):
    return _online_store_date(info, p)


def online_store_url(p, info):
    """Only an ACTIVE product is visible on a channel (publishablePublish's description)."""
    if p["status"] != "ACTIVE" or _online_store_date(info, p) is None:
        return None
    return f"{ctx(info).base_url}/products/{p['handle']}"


# -- mutations ----------------------------------------------------------------------------
def _target(store: ShopifyStore, id: str) -> int:
    pk = parse_gid(id, "Product")
    if store.get("products", pk) is None:
        raise UserErrors([user_error("Product does not exist", ["id"])])
    return pk


def _publications(store: ShopifyStore, inputs: list[dict]) -> list:
    rows, errors = [], []
    for i, item in enumerate(inputs):
        row = store.get("publications", parse_gid(item.get("publicationId"), "Publication"))
        if row is None:
            errors.append(user_error("Publication does not exist", ["input", str(i), "publicationId"]))
        rows.append(row)
    if errors:
        raise UserErrors(errors)
    return rows


def publishable_publish(_root, info, id, input):
    c = ctx(info)
    store = c.store

    def work():
        pk = _target(store, id)
        rows, errors, dates = _publications(store, input), [], []
        for i, (item, row) in enumerate(zip(input, rows, strict=False)):
            date = now_iso()
            if item.get("publishDate") is not None:
                date = _utc(item["publishDate"])
                if date is None:
                    errors.append(user_error("Publish date is invalid", ["input", str(i), "publishDate"]))
                elif date > now_iso() and not row["supports_future"]:
                    errors.append(
                        user_error(
                            "Only online store channels support future publishing", ["input", str(i), "publishDate"]
                        )
                    )
            dates.append(date)
        if errors:
            raise UserErrors(errors)
        for item, row, date in zip(input, rows, dates, strict=False):
            if item.get("publishDate") is None and store.one(
                "SELECT 1 FROM resource_publications WHERE product_id = ? AND publication_id = ?", (pk, row["id"])
            ):
                continue  # already there: publishing again changes nothing
            store.execute(
                "INSERT INTO resource_publications (product_id, publication_id, publish_date)"
                " VALUES (?, ?, ?) ON CONFLICT (product_id, publication_id)"
                " DO UPDATE SET publish_date = excluded.publish_date",
                (pk, row["id"], date),
            )
        c.count("publishes", len(rows))
        return {"publishable": product_obj(store.get("products", pk)), "userErrors": []}

    return in_transaction(info, work, {"publishable": None})


def publishable_unpublish(_root, info, id, input):
    c = ctx(info)
    store = c.store

    def work():
        pk = _target(store, id)
        rows = _publications(store, input)
        for row in rows:
            store.execute(
                "DELETE FROM resource_publications WHERE product_id = ? AND publication_id = ?", (pk, row["id"])
            )
        c.count("unpublishes", len(rows))
        return {"publishable": product_obj(store.get("products", pk)), "userErrors": []}

    return in_transaction(info, work, {"publishable": None})


def products_per_publication(store: ShopifyStore) -> dict[str, int]:
    """For /_stats: how many products each publication shows now (scheduled ones not yet)."""
    rows = store.rows(
        "SELECT p.name, COUNT(rp.product_id) AS n FROM publications p LEFT JOIN resource_publications rp"
        " ON rp.publication_id = p.id AND rp.publish_date <= ? GROUP BY p.id ORDER BY p.id",
        (now_iso(),),
    )
    return {r["name"]: r["n"] for r in rows}


QUERIES = {"publications": publications, "publication": publication}
MUTATIONS = {"publishablePublish": publishable_publish, "publishableUnpublish": publishable_unpublish}
OBJECTS = {
    "Product": {
        "publishedOnPublication": published_on,
        "resourcePublications": resource_publications,
        "resourcePublicationsCount": resource_publications_count,
        "unpublishedPublications": unpublished_publications,
        "publishedAt": published_at,
        "onlineStoreUrl": online_store_url,
    }
}
