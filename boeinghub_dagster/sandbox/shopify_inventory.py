"""Inventory mutations of the Shopify sandbox: `inventorySetQuantities` and `inventoryActivate`
(docs/behaviour.md §7, §7a).

Both need `@idempotent(key: …)` (shopify_idempotency.py). `inventorySetQuantities`: every
`quantities[]` item must carry `changeFromQuantity` explicitly (null skips the compare-and-swap;
InventoryQuantityInput: "This field is mandatory"), else INVALID_FIELD_ARGUMENTS; a stale one is
CHANGE_FROM_QUANTITY_STALE and nothing is set; a location where the item is not stocked is
ITEM_NOT_STOCKED_AT_LOCATION ("The specified inventory item is not stocked at the location").
`inventoryActivate` stocks an item at a location, "creating an InventoryLevel that tracks stock
quantities"; `available` and `onHand` default to zero. Activating where the item is already
stocked changes nothing and answers the existing level.
"""

from __future__ import annotations

from graphql import GraphQLError

from boeinghub_dagster.sandbox.shopify_context import UserErrors, ctx, user_error
from boeinghub_dagster.sandbox.shopify_idempotency import run_idempotent
from boeinghub_dagster.sandbox.shopify_objects import level_obj
from boeinghub_dagster.sandbox.shopify_store import gid, now_iso, parse_gid
from boeinghub_dagster.sandbox.shopify_writes import MAX_QUANTITY, QUANTITY_NAMES

REASONS = {
    "correction",
    "cycle_count_available",
    "damaged",
    "movement_canceled",
    "movement_created",
    "movement_received",
    "movement_updated",
    "other",
    "promotion",
    "quality_control",
    "received",
    "reservation_created",
    "reservation_deleted",
    "reservation_updated",
    "restock",
    "safety_stock",
    "shrinkage",
}
CHANGE_FROM_REQUIRED = "InventoryQuantityInput must include the following argument: changeFromQuantity."


def inventory_set_quantities(_root, info, input):
    if any("changeFromQuantity" not in q for q in input["quantities"]):
        raise GraphQLError(CHANGE_FROM_REQUIRED, extensions={"code": "INVALID_FIELD_ARGUMENTS"})
    c = ctx(info)

    def work():
        return {"inventoryAdjustmentGroup": _apply(c, input), "userErrors": []}

    return run_idempotent(info, {"input": input}, work, {"inventoryAdjustmentGroup": None})


def inventory_activate(
    _root, info, inventoryItemId, locationId, available=None, onHand=None, stockAtLegacyLocation=False
):
    store = ctx(info).store
    params = {"inventoryItemId": inventoryItemId, "locationId": locationId, "available": available, "onHand": onHand}

    def work():
        item, location = parse_gid(inventoryItemId, "InventoryItem"), parse_gid(locationId, "Location")
        errors = []
        if store.get("inventory_items", item) is None:
            errors.append(user_error("The specified inventory item could not be found.", ["inventoryItemId"]))
        if store.get("locations", location) is None:
            errors.append(user_error("The specified location could not be found.", ["locationId"]))
        given = [q for q in (available, onHand) if q is not None]
        if len(set(given)) > 1:  # nothing is committed here, so on_hand is always what is available
            errors.append(
                user_error("available and onHand must be equal: the sandbox holds no committed stock.", ["onHand"])
            )
        if any(abs(q) > MAX_QUANTITY for q in given):
            errors.append(user_error("The quantity can't be higher than 1,000,000,000.", ["available"]))
        if errors:
            raise UserErrors(errors)
        if store.level(item, location) is None:
            store.set_level(item, location, given[0] if given else 0)
        return {"inventoryLevel": level_obj(store.level(item, location)), "userErrors": []}

    return run_idempotent(info, params, work, {"inventoryLevel": None}, codes=False)


def _apply(c, input: dict) -> dict | None:
    store, errors, seen, plan = c.store, [], set(), []
    if input["name"] not in QUANTITY_NAMES:
        errors.append(
            user_error("The quantity name must be either 'available' or 'on_hand'.", ["input", "name"], "INVALID_NAME")
        )
    if input["reason"] not in REASONS:
        errors.append(user_error("The specified reason is invalid.", ["input", "reason"], "INVALID_REASON"))
    for i, q in enumerate(input["quantities"]):
        at = ["input", "quantities", str(i)]
        item = parse_gid(q["inventoryItemId"], "InventoryItem")
        location = parse_gid(q["locationId"], "Location")
        if store.get("inventory_items", item) is None:
            errors.append(
                user_error(
                    "The specified inventory item could not be found.",
                    [*at, "inventoryItemId"],
                    "INVALID_INVENTORY_ITEM",
                )
            )
            continue
        if store.get("locations", location) is None:
            errors.append(
                user_error("The specified location could not be found.", [*at, "locationId"], "INVALID_LOCATION")
            )
            continue
        if (item, location) in seen:
            errors.append(
                user_error(
                    "The combination of inventoryItemId and locationId must be unique.",
                    at,
                    "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR",
                )
            )
        seen.add((item, location))
        level = store.level(item, location)
        if level is None:
            errors.append(
                user_error(
                    "The specified inventory item is not stocked at the location.", at, "ITEM_NOT_STOCKED_AT_LOCATION"
                )
            )
            continue
        if q["quantity"] > MAX_QUANTITY:
            errors.append(
                user_error(
                    "The total quantity can't be higher than 1,000,000,000.",
                    [*at, "quantity"],
                    "INVALID_QUANTITY_TOO_HIGH",
                )
            )
        elif q["quantity"] < -MAX_QUANTITY:
            errors.append(
                user_error(
                    "The total quantity can't be lower than -1,000,000,000.",
                    [*at, "quantity"],
                    "INVALID_QUANTITY_TOO_LOW",
                )
            )
        if q["changeFromQuantity"] is not None and q["changeFromQuantity"] != level["quantity"]:
            errors.append(
                user_error(
                    "The changeFromQuantity value does not match persisted value.",
                    [*at, "changeFromQuantity"],
                    "CHANGE_FROM_QUANTITY_STALE",
                )
            )
        plan.append((item, location, level["quantity"], q["quantity"]))
    if errors:
        raise UserErrors(errors)
    changes = []
    for item, location, before, after in plan:
        if after == before:
            continue
        store.set_level(item, location, after)
        for name in QUANTITY_NAMES:  # no committed stock here: available and on_hand move together
            changes.append(
                {
                    "name": name,
                    "delta": after - before,
                    "quantityAfterChange": after,
                    "ledgerDocumentUri": None,
                    "_item": item,
                    "_location": location,
                }
            )
    if not changes:
        return None
    number = store.one("SELECT COUNT(*) + 1 AS n FROM idempotency_keys")["n"]
    return {
        "id": gid("InventoryAdjustmentGroup", number),
        "createdAt": now_iso(),
        "reason": input["reason"],
        "referenceDocumentUri": input.get("referenceDocumentUri"),
        "_changes": changes,
    }
