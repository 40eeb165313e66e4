"""Validation of a `productSet` before anything is written, so a refused one leaves nothing half-done.

The rules and the sentences of Shopify's reference they follow are listed in `shopify_product_set.py`.
"""

from __future__ import annotations

import json

from boeinghub_dagster.sandbox.shopify_context import RequestContext, UserErrors, user_error
from boeinghub_dagster.sandbox.shopify_queries import find_product
from boeinghub_dagster.sandbox.shopify_store import parse_gid
from boeinghub_dagster.sandbox.shopify_writes import check_metafields, check_price, check_quantities

MAX_VARIANTS = 2048
P = ["input"]


def find_target(c: RequestContext, input: dict, identifier: dict | None) -> int | None:
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
                            f"No metafield definition with the unique values capability exists for namespace '{ns}' "
                            f"and key '{custom['key']}'.",
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


def check_input(c: RequestContext, input: dict, identifier: dict | None, target: int | None) -> None:
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


def option_values(v: dict) -> list[dict]:
    return [{"name": ov["optionName"], "value": ov["name"]} for ov in v["optionValues"]]


def plan_variants(c: RequestContext, target: int | None, variants: list[dict]) -> list[tuple[dict, int | None]]:
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
            match = by_options.get(json.dumps(option_values(v))) or by_sku.get(sku)
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
