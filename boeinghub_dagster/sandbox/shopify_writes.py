"""Writes shared by the Shopify sandbox's product mutations: metafields, variants, items, media.

Each helper validates what Shopify validates for its part and raises `UserErrors`; callers
run inside the store's transaction, so a refused input leaves the shop unchanged. The
large-store variant throttle (docs/behaviour.md §7, §7a) lives here too, because every creating call checks it.
"""

from __future__ import annotations

import json
import re

from graphql import GraphQLError

from boeinghub_dagster.sandbox.shopify_context import (
    RequestContext,
    UserErrors,
    decimal_text,
    money,
    to_decimal,
    user_error,
)
from boeinghub_dagster.sandbox.shopify_store import ShopifyStore, now_iso, parse_gid

# Shopify's wording for the resource throttle (its REST answer and support pages). The GraphQL Admin
# API reports it as a top-level error with `extensions.code = "VARIANT_THROTTLE_EXCEEDED"` and the
# mutation's data null (community reports; docs/behaviour.md §7a): a wait, unlike the user error VARIANTS_OVER_LIMIT
# ("Number of product variants exceeds shop limit"), which is for more than 2,048 variants on one product.
VARIANT_THROTTLE_CODE = "VARIANT_THROTTLE_EXCEEDED"
DAILY_VARIANT_LIMIT_MESSAGE = (
    "Daily variant creation limit reached. Please try again later. See "
    "https://help.shopify.com/en/api/getting-started/api-call-limit for more "
    "information about rate limits and how to avoid them."
)
QUANTITY_NAMES = ("available", "on_hand")
MAX_QUANTITY = 1_000_000_000


def check_variant_throttle(c: RequestContext, new_variants: int) -> None:
    """Refuse creating variants once the shop holds `variant_threshold` and today's allowance is spent
    (productUpdate's description: a throttle "that takes effect when a store has 50,000 product variants.
    After this threshold is reached, no more than 1,000 new product variants can be updated per day")."""
    if new_variants <= 0:
        return
    k, store = c.knobs, c.store
    if (
        store.variant_count() >= k.variant_threshold
        and store.variants_created_on(c.day) + new_variants > k.variants_per_day
    ):
        c.count("variant_throttled")
        raise GraphQLError(DAILY_VARIANT_LIMIT_MESSAGE, extensions={"code": VARIANT_THROTTLE_CODE})


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "product"


def unique_handle(store: ShopifyStore, wanted: str, product_pk: int | None = None) -> str:
    """Shopify appends -1, -2, … to a generated handle that is taken."""
    base, n, handle = wanted, 0, wanted
    while (row := store.one("SELECT id FROM products WHERE handle = ?", (handle,))) and row["id"] != product_pk:
        n += 1
        handle = f"{base}-{n}"
    return handle


# productSet's codes for a bad metafield (ProductSetUserErrorCode); other mutations pass their own enum's.
PRODUCT_SET_METAFIELD_CODES = {
    "blank": "INVALID_METAFIELD",
    "type": "INVALID_METAFIELD",
    "value": "INVALID_METAFIELD",
    "unique": "CAPABILITY_VIOLATION",
}


def check_metafields(
    store: ShopifyStore, owner_type: str, owner_pk: int | None, inputs, prefix: list, codes: dict | None = None
) -> None:
    """Shopify's checks on `metafields` inputs (key, value, type, unique values) before any write.

    `codes` maps the kind of fault (blank, type, value, unique) to the calling mutation's error code.
    """
    codes = codes or PRODUCT_SET_METAFIELD_CODES
    errors = []

    def fail(i: int, message: str, name: str, kind: str) -> None:
        errors.append(user_error(message, [*prefix, i, name], codes[kind]))

    for i, m in enumerate(inputs or []):
        ns, key, value = m.get("namespace") or "$app", m.get("key"), m.get("value")
        if not key:
            fail(i, "Key can't be blank", "key", "blank")
            continue
        definition = store.definition(owner_type, ns, key)
        type_name = m.get("type") or (definition["type"] if definition else None)
        if value is None or value == "":
            fail(i, "Value can't be blank", "value", "blank")
        elif not type_name:
            fail(i, "Type can't be blank", "type", "blank")
        elif definition and type_name != definition["type"]:
            fail(i, f"Type must be {definition['type']} to match the metafield definition", "type", "type")
        elif type_name == "number_integer" and not re.fullmatch(r"-?\d+", value):
            fail(i, "Value must be an integer.", "value", "value")
        elif definition and definition["unique_values"]:
            other = store.owner_by_metafield(owner_type, ns, key, value)
            if other is not None and other != owner_pk:
                fail(i, "Value is already assigned to another resource.", "value", "unique")
    if errors:
        raise UserErrors(errors)


def write_metafields(store: ShopifyStore, owner_type: str, owner_pk: int, inputs) -> None:
    stamp = now_iso()
    for m in inputs or []:
        ns = m.get("namespace") or "$app"
        definition = store.definition(owner_type, ns, m["key"])
        type_name = m.get("type") or definition["type"]
        store.execute(
            "INSERT INTO metafields (owner_type, owner_id, namespace, key, type, value, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (owner_type, owner_id, namespace, key)"
            " DO UPDATE SET value = excluded.value, type = excluded.type, updated_at = excluded.updated_at",
            (owner_type, owner_pk, ns, m["key"], type_name, m["value"], stamp, stamp),
        )


def replace_metafields(store: ShopifyStore, owner_type: str, owner_pk: int, inputs) -> None:
    """productSet's rule for list fields: "creates new entries, updates existing entries, and deletes
    existing entries that aren't included in the mutation's input" (Mutation.productSet). So every
    metafield of the owner that the given list does not name goes, whatever its namespace."""
    kept = {(m.get("namespace") or "$app", m["key"]) for m in inputs}
    for row in store.rows(
        "SELECT id, namespace, key FROM metafields WHERE owner_type = ? AND owner_id = ?", (owner_type, owner_pk)
    ):
        if (row["namespace"], row["key"]) not in kept:
            store.execute("DELETE FROM metafields WHERE id = ?", (row["id"],))


def check_price(value, field: list, code: str) -> list[dict]:
    if value is not None and to_decimal(value) < 0:
        return [user_error("Price must be greater than or equal to 0", field, code)]
    return []


def check_quantities(store: ShopifyStore, quantities, prefix: list, code_location: str = "NOT_FOUND") -> list[dict]:
    errors = []
    for j, q in enumerate(quantities or []):
        if q["name"] not in QUANTITY_NAMES:
            errors.append(
                user_error(
                    "The quantity name must be either 'available' or 'on_hand'.", [*prefix, j, "name"], "INVALID_INPUT"
                )
            )
        if store.get("locations", parse_gid(q["locationId"], "Location")) is None:
            errors.append(
                user_error("The specified location could not be found.", [*prefix, j, "locationId"], code_location)
            )
        if abs(q["quantity"]) > MAX_QUANTITY:
            errors.append(
                user_error(
                    "The quantity can't be higher than 1,000,000,000.", [*prefix, j, "quantity"], "INVALID_INPUT"
                )
            )
    return errors


def variant_columns(v: dict) -> dict:
    """Variant table columns from a ProductVariantSetInput / ProductVariantsBulkInput (only those given)."""
    cols = {}
    item = v.get("inventoryItem") or {}
    sku = v.get("sku") if v.get("sku") is not None else item.get("sku")
    if sku is not None:
        cols["sku"] = sku
    for name, column in (("barcode", "barcode"), ("inventoryPolicy", "inventory_policy"), ("position", "position")):
        if v.get(name) is not None:
            cols[column] = v[name]
    if v.get("price") is not None:
        cols["price"] = money(v["price"])
    if "compareAtPrice" in v:
        cols["compare_at_price"] = money(v["compareAtPrice"]) if v["compareAtPrice"] is not None else None
    if v.get("taxable") is not None:
        cols["taxable"] = int(v["taxable"])
    return cols


def item_columns(item: dict | None) -> dict:
    """Inventory item columns from an InventoryItemInput (only those given)."""
    item = item or {}
    cols = {}
    if "cost" in item:
        cols["cost"] = decimal_text(item["cost"]) if item["cost"] is not None else None
    for name, column in (
        ("tracked", "tracked"),
        ("requiresShipping", "requires_shipping"),
        ("countryCodeOfOrigin", "country_code"),
        ("harmonizedSystemCode", "hs_code"),
    ):
        if item.get(name) is not None:
            cols[column] = int(item[name]) if isinstance(item[name], bool) else item[name]
    weight = (item.get("measurement") or {}).get("weight")
    if weight:
        cols["weight_value"], cols["weight_unit"] = float(weight["value"]), weight["unit"]
    return cols


def create_variant(c: RequestContext, product_pk: int, cols: dict, option_values: list[dict]) -> tuple[int, int]:
    """A new variant and its inventory item; returns (variant id, item id)."""
    stamp = now_iso()
    vpk = c.store.insert(
        "variants",
        product_id=product_pk,
        option_values=json.dumps(option_values),
        created_at=stamp,
        updated_at=stamp,
        **cols,
    )
    ipk = c.store.insert("inventory_items", variant_id=vpk, created_at=stamp, updated_at=stamp)
    return vpk, ipk


def delete_variant(store: ShopifyStore, variant_pk: int) -> None:
    store.execute("DELETE FROM metafields WHERE owner_type = 'PRODUCTVARIANT' AND owner_id = ?", (variant_pk,))
    store.execute("DELETE FROM variants WHERE id = ?", (variant_pk,))


def set_files(c: RequestContext, product_pk: int, files: list[dict], prefix: list) -> None:
    """Replace the product's media by `files` (a productSet list field: entries not included are deleted):
    an `id` keeps that media, an `originalSource` adds new media (fetched in the background after the
    answer, as Shopify does)."""
    store = c.store
    existing = {r["id"]: r for r in store.rows("SELECT * FROM media WHERE product_id = ?", (product_pk,))}
    errors, keep, stamp = [], set(), now_iso()
    for i, f in enumerate(files):
        if f.get("id") is not None:
            pk = parse_gid(f["id"], "MediaImage")
            if pk not in existing:
                errors.append(user_error("File does not exist.", [*prefix, i, "id"], "NOT_FOUND"))
            keep.add(pk)
        elif not f.get("originalSource"):
            errors.append(user_error("originalSource can't be blank.", [*prefix, i, "originalSource"], "INVALID_INPUT"))
        elif f.get("contentType") not in (None, "IMAGE"):
            errors.append(
                user_error(
                    "Only IMAGE files are supported by the sandbox.", [*prefix, i, "contentType"], "INVALID_INPUT"
                )
            )
    if errors:
        raise UserErrors(errors)
    for pk in set(existing) - keep:
        store.execute("DELETE FROM media WHERE id = ?", (pk,))
    for position, f in enumerate(files, 1):
        if f.get("id") is not None:
            cols = {"position": position, "updated_at": stamp}
            if f.get("alt") is not None:
                cols["alt"] = f["alt"]
            store.update("media", parse_gid(f["id"], "MediaImage"), **cols)
            continue
        pk = store.insert(
            "media",
            product_id=product_pk,
            position=position,
            alt=f.get("alt"),
            original_source=f["originalSource"],
            created_at=stamp,
            updated_at=stamp,
        )
        c.media_to_fetch.append(pk)
