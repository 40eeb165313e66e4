"""`productSet` in the Shopify sandbox: the upsert the hub publishes with (docs/behaviour.md §6, §7a).

With `identifier: {customId: {namespace, key, value}}` the product holding that value in a
unique-valued metafield is updated, else a new one is created, so a publish retried after a
lost answer never duplicates. `variants` and `productOptions` come together; listed variants
are matched (id, then option values, then SKU). Everything is validated first and written in
one transaction.

Shopify's description of `productSet` is the rule for what an update keeps:
- "For list fields: Creates new entries, updates existing entries, and deletes existing entries
  that aren't included in the mutation's input" (collections, metafields, variants; also files,
  and a variant's own metafields). A list that is sent replaces; a list that is not sent is untouched.
- "For all other field types: Updates only the included fields. Any omitted fields will remain
  unchanged."
- `ProductSetUserErrorCode.METAFIELD_MISMATCH`: "The input argument `metafields` (if present) must
  contain the `customId` value", so a sent list cannot drop the identifying metafield.
- Mutation.productSet: "By default, stores have a limit of 2048 product variants for each product":
  more is the user error VARIANTS_OVER_LIMIT. The large-store daily variant throttle is not a user
  error but a top-level VARIANT_THROTTLE_EXCEEDED (see shopify_writes.check_variant_throttle).
- `ProductVariantSetInput.inventoryQuantities`: "If you're updating an existing variant, then you can
  only update the quantities at locations where the variant is already stocked." A quantity at any
  other location is refused (INVALID_VARIANT, the enum's code for a variant that is not valid; the
  schema names no narrower one) and nothing is written. A new variant is stocked at the locations
  its quantities name (`inventoryActivate` stocks an existing one elsewhere).
"""

from __future__ import annotations

import json

from graphql import GraphQLError

from boeinghub_dagster.sandbox.shopify_context import RequestContext, UserErrors, ctx
from boeinghub_dagster.sandbox.shopify_merchant import check_collections, replace_collections
from boeinghub_dagster.sandbox.shopify_objects import product_obj
from boeinghub_dagster.sandbox.shopify_product_set_checks import (
    P,
    check_input,
    find_target,
    option_values,
    plan_variants,
)
from boeinghub_dagster.sandbox.shopify_store import gid, now_iso, parse_gid
from boeinghub_dagster.sandbox.shopify_writes import (
    check_metafields,
    check_variant_throttle,
    create_variant,
    delete_variant,
    item_columns,
    replace_metafields,
    set_files,
    slug,
    unique_handle,
    variant_columns,
    write_metafields,
)

DEFAULT_OPTIONS = [{"name": "Title", "values": ["Default Title"]}]


def product_set(_root, info, input, synchronous=True, identifier=None):
    c = ctx(info)
    queued = len(c.media_to_fetch)
    try:
        with c.store.transaction():
            pk = _apply(c, input, identifier)
    except UserErrors as exc:
        del c.media_to_fetch[queued:]
        c.count("user_errors", len(exc.errors))
        return {"product": None, "productSetOperation": None, "userErrors": exc.errors}
    except GraphQLError:  # the variant throttle: a top-level error, productSet's data null, nothing stored
        del c.media_to_fetch[queued:]
        raise
    product = product_obj(c.store.get("products", pk))
    if synchronous:
        return {"product": product, "productSetOperation": None, "userErrors": []}
    operation = {"id": gid("ProductSetOperation", pk), "status": "COMPLETE", "product": product, "userErrors": []}
    return {"product": None, "productSetOperation": operation, "userErrors": []}


def _apply(c: RequestContext, input: dict, identifier: dict | None) -> int:
    store = c.store
    target = find_target(c, input, identifier)
    check_input(c, input, identifier, target)
    variants = input.get("variants")
    plan = plan_variants(c, target, variants) if variants is not None else []
    new_variants = sum(1 for _, m in plan if m is None) if variants is not None else int(target is None)
    check_variant_throttle(c, new_variants)

    stamp = now_iso()
    cols = {"updated_at": stamp}
    for name, column in (
        ("title", "title"),
        ("descriptionHtml", "description_html"),
        ("vendor", "vendor"),
        ("productType", "product_type"),
        ("status", "status"),
        ("category", "category"),
    ):
        if input.get(name) is not None:
            cols[column] = input[name]
    if input.get("tags") is not None:
        cols["tags"] = json.dumps(input["tags"])
    if input.get("productOptions") is not None:
        cols["options"] = json.dumps(
            [{"name": o["name"], "values": [v["name"] for v in o["values"]]} for o in input["productOptions"]]
        )
    if input.get("handle"):
        cols["handle"] = input["handle"]
    if target is None:
        cols.setdefault("handle", unique_handle(store, slug(input["title"])))
        cols.setdefault("options", json.dumps(DEFAULT_OPTIONS))
        cols.setdefault("status", "ACTIVE")
        pk = store.insert("products", created_at=stamp, **cols)
    else:
        pk = target
        store.update("products", pk, **cols)
    if input.get("metafields") is not None:
        write_metafields(store, "PRODUCT", pk, input["metafields"])
        replace_metafields(store, "PRODUCT", pk, input["metafields"])
    if input.get("collections") is not None:
        replace_collections(
            store, pk, check_collections(store, input["collections"], [*P, "collections"], "INVALID_INPUT")
        )

    if variants is not None:
        kept = set()
        for position, (v, match) in enumerate(plan, 1):
            vcols = {"position": position, **variant_columns(v), "option_values": json.dumps(option_values(v))}
            if match is None:
                vpk, ipk = create_variant(
                    c, pk, {k: x for k, x in vcols.items() if k != "option_values"}, option_values(v)
                )
            else:
                vpk, ipk = match, store.item_of_variant(match)["id"]
                store.update("variants", vpk, updated_at=stamp, **vcols)
            kept.add(vpk)
            store.update("inventory_items", ipk, updated_at=stamp, **item_columns(v.get("inventoryItem")))
            _stock(c, ipk, v.get("inventoryQuantities"), created=match is None)
            check_metafields(
                store, "PRODUCTVARIANT", vpk, v.get("metafields"), [*P, "variants", position - 1, "metafields"]
            )
            if v.get("metafields") is not None:
                write_metafields(store, "PRODUCTVARIANT", vpk, v["metafields"])
                replace_metafields(store, "PRODUCTVARIANT", vpk, v["metafields"])
        for row in store.variants_of(pk):
            if row["id"] not in kept:
                delete_variant(store, row["id"])
    elif target is None:
        _vpk, ipk = create_variant(c, pk, {"price": "0.00"}, [{"name": "Title", "value": "Default Title"}])
        _stock(c, ipk, None, created=True)
    store.add_variants_created(c.day, new_variants)

    if input.get("files") is not None:
        set_files(c, pk, input["files"], [*P, "files"])
    return pk


def _stock(c: RequestContext, item_pk: int, quantities, created: bool) -> None:
    """Set the given quantities (an existing item's are all at stocked locations, see shopify_product_set_checks);
    a new item is stocked where its quantities say, or without any at the shop's first location."""
    for q in quantities or []:
        c.store.set_level(item_pk, parse_gid(q["locationId"], "Location"), q["quantity"])
    if created and not quantities:
        first = c.store.one("SELECT id FROM locations WHERE is_active = 1 ORDER BY id LIMIT 1")
        if first:
            c.store.set_level(item_pk, first["id"], 0)
