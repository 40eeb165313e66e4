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

from boeinghub_dagster.sandbox.shopify_context import RequestContext, UserErrors, ctx, user_error
from boeinghub_dagster.sandbox.shopify_merchant import check_collections, replace_collections
from boeinghub_dagster.sandbox.shopify_objects import product_obj
from boeinghub_dagster.sandbox.shopify_queries import find_product
from boeinghub_dagster.sandbox.shopify_store import gid, now_iso, parse_gid
from boeinghub_dagster.sandbox.shopify_writes import (
    check_metafields,
    check_price,
    check_quantities,
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
MAX_VARIANTS = 2048
P = ["input"]


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


def _target(c: RequestContext, input: dict, identifier: dict | None) -> int | None:
    store = c.store
    if identifier:
        if input.get("id") is not None:
            raise UserErrors(
                [user_error("The id field is not allowed if identifier is provided.", [*P, "id"], "ID_NOT_ALLOWED")]
            )
        custom = identifier.get("customId")
        if custom:
            ns = custom.get("namespace") or "$app"
            definition = store.definition("PRODUCT", ns, custom["key"])
            if definition is None or not definition["unique_values"]:
                raise UserErrors(
                    [
                        user_error(
                            f"No metafield definition with the unique values capability exists for namespace '{ns}' and "
                            f"key '{custom['key']}'.",
                            ["identifier", "customId"],
                            "NOT_FOUND",
                        )
                    ]
                )
        found = find_product(store, identifier)
        if found is None and identifier.get("id") is not None:
            raise UserErrors([user_error("Product does not exist", ["identifier", "id"], "PRODUCT_DOES_NOT_EXIST")])
        return found
    if input.get("id") is not None:
        pk = parse_gid(input["id"], "Product")
        if store.get("products", pk) is None:
            raise UserErrors([user_error("Product does not exist", [*P, "id"], "PRODUCT_DOES_NOT_EXIST")])
        return pk
    return None


def _check(c: RequestContext, input: dict, identifier: dict | None, target: int | None) -> None:
    errors = []
    custom = (identifier or {}).get("customId")
    if custom:
        ns = custom.get("namespace") or "$app"
        given = [
            (i, m)
            for i, m in enumerate(input.get("metafields") or [])
            if (m.get("namespace") or "$app") == ns and m.get("key") == custom["key"]
        ]
        for i, m in given:
            if m.get("value") != custom["value"]:
                errors.append(
                    user_error(
                        "The identifier value does not match the value of the corresponding field in the input.",
                        [*P, "metafields", i, "value"],
                        "INPUT_MISMATCH",
                    )
                )
        if input.get("metafields") is not None and not given:
            errors.append(
                user_error(
                    "The input argument `metafields` (if present) must contain the `customId` value.",
                    [*P, "metafields"],
                    "METAFIELD_MISMATCH",
                )
            )
        elif target is None and not given:
            errors.append(
                user_error(
                    "The input field corresponding to the identifier is required.",
                    [*P, "metafields"],
                    "MISSING_FIELD_REQUIRED",
                )
            )
    if target is None and not (input.get("title") or "").strip():
        errors.append(user_error("Title can't be blank", [*P, "title"], "INVALID_PRODUCT"))
    if input.get("handle"):
        row = c.store.one("SELECT id FROM products WHERE handle = ?", (input["handle"],))
        if row and row["id"] != target:
            errors.append(
                user_error("Handle already in use. Please provide a new handle.", [*P, "handle"], "HANDLE_NOT_UNIQUE")
            )
    options, variants = input.get("productOptions"), input.get("variants")
    if variants is not None and options is None:
        errors.append(
            user_error(
                "Must specify product options when updating variants.",
                [*P, "productOptions"],
                "PRODUCT_OPTIONS_INPUT_MISSING",
            )
        )
    elif options is not None and variants is None:
        errors.append(
            user_error("Must specify variants when updating options.", [*P, "variants"], "VARIANTS_INPUT_MISSING")
        )
    elif variants is not None:
        errors += _check_variants(c, options, variants)
    if errors:
        raise UserErrors(errors)
    check_metafields(c.store, "PRODUCT", target, input.get("metafields"), [*P, "metafields"])


def _check_variants(c: RequestContext, options: list[dict], variants: list[dict]) -> list[dict]:
    errors = []
    names = [o.get("name") for o in options]
    if len(set(names)) != len(names):
        errors.append(user_error("Duplicated option name.", [*P, "productOptions"], "DUPLICATED_OPTION_NAME"))
    for i, o in enumerate(options):
        if not o.get("name") or not o.get("values"):
            errors.append(
                user_error(
                    "Each option must have a name and at least one option value specified.",
                    [*P, "productOptions", i],
                    "OPTION_VALUES_MISSING",
                )
            )
    if len(variants) > MAX_VARIANTS:
        errors.append(
            user_error("Number of product variants exceeds shop limit.", [*P, "variants"], "VARIANTS_OVER_LIMIT")
        )
    for i, v in enumerate(variants):
        at = [*P, "variants", i]
        if len(v["optionValues"]) != len(options):
            errors.append(
                user_error(
                    "Each variant must have one value for every product option.",
                    [*at, "optionValues"],
                    "OPTION_VALUES_MISSING",
                )
            )
        for j, ov in enumerate(v["optionValues"]):
            if ov.get("optionName") not in names:
                errors.append(
                    user_error("Option does not exist", [*at, "optionValues", j, "optionName"], "OPTION_DOES_NOT_EXIST")
                )
            elif not ov.get("name"):
                errors.append(
                    user_error("Option value name can't be blank", [*at, "optionValues", j, "name"], "INVALID_VARIANT")
                )
        errors += check_price(v.get("price"), [*at, "price"], "INVALID_VARIANT")
        errors += check_quantities(c.store, v.get("inventoryQuantities"), [*at, "inventoryQuantities"])
    return errors


def _option_values(v: dict) -> list[dict]:
    return [{"name": ov["optionName"], "value": ov["name"]} for ov in v["optionValues"]]


def _plan(c: RequestContext, target: int | None, variants: list[dict]) -> list[tuple[dict, int | None]]:
    existing = c.store.variants_of(target) if target is not None else []
    by_options = {json.dumps(json.loads(r["option_values"])): r["id"] for r in existing}
    by_sku = {r["sku"]: r["id"] for r in existing if r["sku"]}
    plan, taken = [], set()
    for i, v in enumerate(variants):
        match = None
        if v.get("id") is not None:
            match = parse_gid(v["id"], "ProductVariant")
            if match not in {r["id"] for r in existing}:
                raise UserErrors(
                    [
                        user_error(
                            "Product variant does not exist",
                            [*P, "variants", i, "id"],
                            "PRODUCT_VARIANT_DOES_NOT_EXIST",
                        )
                    ]
                )
        else:
            sku = v.get("sku") if v.get("sku") is not None else (v.get("inventoryItem") or {}).get("sku")
            match = by_options.get(json.dumps(_option_values(v))) or by_sku.get(sku)
        if match in taken:
            match = None
        taken.add(match)
        plan.append((v, match))
    _check_stocked(c.store, plan)
    return plan


def _check_stocked(store, plan: list[tuple[dict, int | None]]) -> None:
    errors = []
    for i, (v, match) in enumerate(plan):
        if match is None:
            continue
        item = store.item_of_variant(match)["id"]
        for j, q in enumerate(v.get("inventoryQuantities") or []):
            location = parse_gid(q["locationId"], "Location")
            if store.level(item, location) is None:
                errors.append(
                    user_error(
                        f"The variant is not stocked at location {q['locationId']}: quantities of an existing variant "
                        "can only be updated where it is already stocked (inventoryActivate stocks it there).",
                        [*P, "variants", i, "inventoryQuantities", j, "locationId"],
                        "INVALID_VARIANT",
                    )
                )
    if errors:
        raise UserErrors(errors)


def _apply(c: RequestContext, input: dict, identifier: dict | None) -> int:
    store = c.store
    target = _target(c, input, identifier)
    _check(c, input, identifier, target)
    variants = input.get("variants")
    plan = _plan(c, target, variants) if variants is not None else []
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
            vcols = {"position": position, **variant_columns(v), "option_values": json.dumps(_option_values(v))}
            if match is None:
                vpk, ipk = create_variant(
                    c, pk, {k: x for k, x in vcols.items() if k != "option_values"}, _option_values(v)
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
    """Set the given quantities (an existing item's are all at stocked locations, see _check_stocked);
    a new item is stocked where its quantities say, or without any at the shop's first location."""
    for q in quantities or []:
        c.store.set_level(item_pk, parse_gid(q["locationId"], "Location"), q["quantity"])
    if created and not quantities:
        first = c.store.one("SELECT id FROM locations WHERE is_active = 1 ORDER BY id LIMIT 1")
        if first:
            c.store.set_level(item_pk, first["id"], 0)
