"""Shopify's search syntax for `products(query:)` and `productVariants(query:)`, on the store.

Terms are `field:value` (value optionally quoted, `\\` escapes, trailing `*` for a prefix),
joined by spaces or AND; a bare word searches titles. Shopify's search syntax: "Connective =
"AND" | "OR"" and "When a connective is not specified between two terms, AND is implied"
(`state:enabled OR state:disabled`): a query is a list of alternatives split at each OR, each
alternative the AND of its terms (AND binding tighter: the sandbox's reading, the syntax page
gives no precedence; the hub only sends `sku:A OR sku:B …`). As on Shopify, a metafield term
(`metafields.custom.boeing_part_number:"X"`) filters only when the definition has the
admin-filterable capability, and a field the resource does not know is ignored with a
warning (returned in `extensions.search`) instead of failing the query.
"""

from __future__ import annotations

import json

from boeinghub_dagster.sandbox.shopify_store import ShopifyStore, parse_gid

PRODUCT_FIELDS = {"id", "sku", "status", "title", "vendor", "handle", "product_type", "tag"}
VARIANT_FIELDS = {"id", "sku", "product_id", "title"}
INVALID_FIELD = "Invalid search field for this query."


def tokens(query: str) -> list[tuple[str, str]]:
    """(field, value) pairs; field is '' for a bare word. AND is dropped, OR kept as a bare word."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(query)
    while i < n:
        if query[i].isspace():
            i += 1
            continue
        field, buf = None, []
        while i < n and not query[i].isspace():
            c = query[i]
            if c == "\\" and i + 1 < n:
                buf.append(query[i + 1])
                i += 2
            elif c == ":" and field is None:
                field, buf = "".join(buf), []
                i += 1
            elif c in "\"'" and not buf:
                i += 1
                while i < n and query[i] != c:
                    if query[i] == "\\" and i + 1 < n:
                        i += 1
                    buf.append(query[i])
                    i += 1
                i += 1
            else:
                buf.append(c)
                i += 1
        value = "".join(buf)
        if field is None and value == "AND":
            continue
        out.append((field or "", value))
    return out


def _match_sql(column: str, value: str) -> tuple[str, tuple]:
    if value.endswith("*"):
        return f"{column} LIKE ? ESCAPE '\\'", (_like(value[:-1]) + "%",)
    return f"{column} = ? COLLATE NOCASE", (value,)


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


OR = ("", "OR")


def alternatives(query: str | None) -> list[list[tuple[str, str]]]:
    """The query's terms, split into OR-alternatives (an empty query: one alternative matching everything)."""
    groups: list[list[tuple[str, str]]] = [[]]
    for term in tokens(query or ""):
        if term == OR:
            groups.append([])
        else:
            groups[-1].append(term)
    return [g for g in groups if g] or [[]]


def _union(all_ids: list[int], groups: list[list[tuple[str, str]]], term) -> list[int]:
    matched: set[int] = set()
    for group in groups:
        ids = all_ids
        for field, value in group:
            found = term(field, value)
            if found is not None:
                ids = [i for i in ids if i in found]
        matched.update(ids)
    return [i for i in all_ids if i in matched]


def product_ids(store: ShopifyStore, query: str | None, warnings: list[dict]) -> list[int]:
    """Ids of the products matching `query`, ascending."""
    ids = [r["id"] for r in store.rows("SELECT id FROM products ORDER BY id")]
    return _union(ids, alternatives(query), lambda field, value: _product_term(store, field, value, warnings))


def _product_term(store: ShopifyStore, field: str, value: str, warnings: list[dict]) -> set[int] | None:
    if field.startswith("metafields."):
        parts = field.split(".")
        if len(parts) != 3:
            warnings.append({"field": field, "message": INVALID_FIELD})
            return None
        definition = store.definition("PRODUCT", parts[1], parts[2])
        if definition is None or not definition["admin_filterable"]:
            warnings.append({"field": field, "message": INVALID_FIELD})
            return None
        sql = "SELECT owner_id FROM metafields WHERE owner_type = 'PRODUCT' AND namespace = ? AND key = ?"
        if value == "*":
            return {r["owner_id"] for r in store.rows(sql, (parts[1], parts[2]))}
        if value.endswith("*"):
            rows = store.rows(sql + " AND value LIKE ? ESCAPE '\\'", (parts[1], parts[2], _like(value[:-1]) + "%"))
        else:
            rows = store.rows(sql + " AND value = ?", (parts[1], parts[2], value))
        return {r["owner_id"] for r in rows}
    if field == "":
        rows = store.rows("SELECT id FROM products WHERE title LIKE ? ESCAPE '\\'", (f"%{_like(value)}%",))
        return {r["id"] for r in rows}
    if field not in PRODUCT_FIELDS:
        warnings.append({"field": field, "message": INVALID_FIELD})
        return None
    if field == "id":
        pk = parse_gid(value, "Product") or (int(value) if value.isdigit() else None)
        return {pk} if pk is not None else set()
    if field == "sku":
        where, args = _match_sql("sku", value)
        rows = store.rows(f"SELECT product_id FROM variants WHERE {where}", args)
        return {r["product_id"] for r in rows}
    if field == "status":
        wanted = [s.strip().upper() for s in value.split(",") if s.strip()]
        marks = ", ".join("?" for _ in wanted) or "''"
        rows = store.rows(f"SELECT id FROM products WHERE status IN ({marks})", tuple(wanted))
        return {r["id"] for r in rows}
    if field == "tag":
        return {
            r["id"]
            for r in store.rows("SELECT id, tags FROM products")
            if value.lower() in (t.lower() for t in json.loads(r["tags"]))
        }
    column = {"title": "title", "vendor": "vendor", "handle": "handle", "product_type": "product_type"}[field]
    where, args = _match_sql(column, value)
    return {r["id"] for r in store.rows(f"SELECT id FROM products WHERE {where}", args)}


def variant_ids(store: ShopifyStore, query: str | None, warnings: list[dict]) -> list[int]:
    """Ids of the variants matching `query`, ascending."""
    ids = [r["id"] for r in store.rows("SELECT id FROM variants ORDER BY id")]
    return _union(ids, alternatives(query), lambda field, value: _variant_term(store, field, value, warnings))


def _variant_term(store: ShopifyStore, field: str, value: str, warnings: list[dict]) -> set[int] | None:
    if field not in VARIANT_FIELDS and field != "":
        warnings.append({"field": field, "message": INVALID_FIELD})
        return None
    if field == "id":
        pk = parse_gid(value, "ProductVariant") or (int(value) if value.isdigit() else None)
        return {pk} if pk is not None else set()
    if field == "product_id":
        pk = parse_gid(value, "Product") or (int(value) if value.isdigit() else None)
        return {r["id"] for r in store.rows("SELECT id FROM variants WHERE product_id = ?", (pk,))}
    if field == "sku":
        where, args = _match_sql("sku", value)
        return {r["id"] for r in store.rows(f"SELECT id FROM variants WHERE {where}", args)}
    rows = store.rows(
        "SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id"  # a bare word: the title
        " WHERE p.title LIKE ? ESCAPE '\\'",
        (f"%{_like(value)}%",),
    )
    return {r["id"] for r in rows}
