"""`inventorySetQuantities` in the Shopify sandbox, with the 2026-04 rules (SPEC §7).

The mutation must carry `@idempotent(key: …)`, else the call fails (BAD_REQUEST); every
`quantities[]` item must carry `changeFromQuantity` explicitly (null skips the
compare-and-swap), else INVALID_FIELD_ARGUMENTS. A stale `changeFromQuantity` is the
userError CHANGE_FROM_QUANTITY_STALE and nothing is set. The same key with the same input
answers the stored result again without applying anything; with another input it is
IDEMPOTENCY_KEY_PARAMETER_MISMATCH.
"""

from __future__ import annotations

import hashlib
import json

from graphql import GraphQLError
from graphql.execution.values import get_directive_values

from .shopify_context import UserErrors, ctx, user_error
from .shopify_store import gid, now_iso, parse_gid
from .shopify_writes import MAX_QUANTITY, QUANTITY_NAMES

REASONS = {"correction", "cycle_count_available", "damaged", "movement_canceled", "movement_created",
           "movement_received", "movement_updated", "other", "promotion", "quality_control", "received",
           "reservation_created", "reservation_deleted", "reservation_updated", "restock", "safety_stock",
           "shrinkage"}
DIRECTIVE_REQUIRED = "The @idempotent directive is required for this mutation but was not provided."
CHANGE_FROM_REQUIRED = "InventoryQuantityInput must include the following argument: changeFromQuantity."


def idempotency_key(info) -> str:
    directive = info.schema.get_directive("idempotent")
    for node in info.field_nodes:
        values = get_directive_values(directive, node, info.variable_values)
        if values and values.get("key"):
            return values["key"]
    raise GraphQLError(DIRECTIVE_REQUIRED, extensions={"code": "BAD_REQUEST"})


def inventory_set_quantities(_root, info, input):
    c = ctx(info)
    key = idempotency_key(info)
    if any("changeFromQuantity" not in q for q in input["quantities"]):
        raise GraphQLError(CHANGE_FROM_REQUIRED, extensions={"code": "INVALID_FIELD_ARGUMENTS"})
    params = hashlib.sha256(json.dumps(input, sort_keys=True).encode()).hexdigest()
    try:
        with c.store.transaction():
            row = c.store.one("SELECT params_hash, payload FROM idempotency WHERE key = ?", (key,))
            if row is not None:
                if row["params_hash"] != params:
                    raise UserErrors([user_error("The same idempotency key cannot be used with different operation "
                                                 "parameters.", ["input"], "IDEMPOTENCY_KEY_PARAMETER_MISMATCH")])
                c.count("idempotent_replays")
                return {"inventoryAdjustmentGroup": json.loads(row["payload"]), "userErrors": []}
            group = _apply(c, input)
            c.store.execute("INSERT INTO idempotency (key, params_hash, payload, created_at) VALUES (?, ?, ?, ?)",
                            (key, params, json.dumps(group), now_iso()))
            return {"inventoryAdjustmentGroup": group, "userErrors": []}
    except UserErrors as exc:
        c.count("user_errors", len(exc.errors))
        return {"inventoryAdjustmentGroup": None, "userErrors": exc.errors}


def _apply(c, input: dict) -> dict | None:
    store, errors, seen, plan = c.store, [], set(), []
    if input["name"] not in QUANTITY_NAMES:
        errors.append(user_error("The quantity name must be either 'available' or 'on_hand'.", ["input", "name"],
                                 "INVALID_NAME"))
    if input["reason"] not in REASONS:
        errors.append(user_error("The specified reason is invalid.", ["input", "reason"], "INVALID_REASON"))
    for i, q in enumerate(input["quantities"]):
        at = ["input", "quantities", str(i)]
        item = parse_gid(q["inventoryItemId"], "InventoryItem")
        location = parse_gid(q["locationId"], "Location")
        if store.get("inventory_items", item) is None:
            errors.append(user_error("The specified inventory item could not be found.", [*at, "inventoryItemId"],
                                     "INVALID_INVENTORY_ITEM"))
            continue
        if store.get("locations", location) is None:
            errors.append(user_error("The specified location could not be found.", [*at, "locationId"],
                                     "INVALID_LOCATION"))
            continue
        if (item, location) in seen:
            errors.append(user_error("The combination of inventoryItemId and locationId must be unique.", at,
                                     "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR"))
        seen.add((item, location))
        level = store.level(item, location)
        if level is None:
            errors.append(user_error("The specified inventory item is not stocked at the location.", at,
                                     "ITEM_NOT_STOCKED_AT_LOCATION"))
            continue
        if q["quantity"] > MAX_QUANTITY:
            errors.append(user_error("The total quantity can't be higher than 1,000,000,000.", [*at, "quantity"],
                                     "INVALID_QUANTITY_TOO_HIGH"))
        elif q["quantity"] < -MAX_QUANTITY:
            errors.append(user_error("The total quantity can't be lower than -1,000,000,000.", [*at, "quantity"],
                                     "INVALID_QUANTITY_TOO_LOW"))
        if q["changeFromQuantity"] is not None and q["changeFromQuantity"] != level["quantity"]:
            errors.append(user_error("The changeFromQuantity value does not match persisted value.",
                                     [*at, "changeFromQuantity"], "CHANGE_FROM_QUANTITY_STALE"))
        plan.append((item, location, level["quantity"], q["quantity"]))
    if errors:
        raise UserErrors(errors)
    changes = []
    for item, location, before, after in plan:
        if after == before:
            continue
        store.set_level(item, location, after)
        for name in QUANTITY_NAMES:  # no committed stock here: available and on_hand move together
            changes.append({"name": name, "delta": after - before, "quantityAfterChange": after,
                            "ledgerDocumentUri": None, "_item": item, "_location": location})
    if not changes:
        return None
    number = store.one("SELECT COUNT(*) + 1 AS n FROM idempotency")["n"]
    return {"id": gid("InventoryAdjustmentGroup", number), "createdAt": now_iso(), "reason": input["reason"],
            "referenceDocumentUri": input.get("referenceDocumentUri"), "_changes": changes}
