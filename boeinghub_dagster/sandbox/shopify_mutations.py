"""The Shopify sandbox's smaller mutations: productUpdate, productDelete, productVariantsBulkUpdate,
metafieldDefinitionCreate.

Each changes only the fields it is given; productUpdate's lists (tags aside) add rather than replace.

The sync sets a product to DRAFT/ACTIVE with productUpdate and pushes price and cost with
productVariantsBulkUpdate; the setup job creates the `custom.*` metafield definitions (the
part-number one with the unique-values capability) with metafieldDefinitionCreate.
"""

from __future__ import annotations

import json
import re

from boeinghub_dagster.sandbox.shopify_context import UserErrors, ctx, in_transaction, user_error
from boeinghub_dagster.sandbox.shopify_merchant import add_media, check_collections, join_collections
from boeinghub_dagster.sandbox.shopify_objects import definition_obj, product_obj, variant_obj
from boeinghub_dagster.sandbox.shopify_queries import find_product
from boeinghub_dagster.sandbox.shopify_store import gid, now_iso, parse_gid
from boeinghub_dagster.sandbox.shopify_writes import (
    check_metafields,
    check_price,
    item_columns,
    variant_columns,
    write_metafields,
)

# Metafield types whose definitions may carry the unique-values capability (`id` always has it).
UNIQUE_ELIGIBLE = {"single_line_text_field", "id", "number_integer", "url"}
KNOWN_TYPES = {
    "single_line_text_field",
    "multi_line_text_field",
    "number_integer",
    "number_decimal",
    "boolean",
    "url",
    "id",
    "json",
    "date",
    "date_time",
    "list.single_line_text_field",
    "rich_text_field",
}


def product_update(_root, info, product=None, media=None, identifier=None):
    """Changes only what it is given: `collectionsToJoin`/`collectionsToLeave` add and remove just
    those collections, `metafields` sets just those metafields, `media` adds media."""
    c = ctx(info)
    store = c.store
    product = product or {}

    def work():
        if identifier:
            pk = find_product(store, identifier)
        else:
            pk = parse_gid(product.get("id"), "Product")
            pk = pk if store.get("products", pk) else None
        if pk is None:
            raise UserErrors([user_error("Product does not exist", ["id"])])
        if product.get("title") is not None and not product["title"].strip():
            raise UserErrors([user_error("Title can't be blank", ["title"])])
        if product.get("handle"):
            row = store.one("SELECT id FROM products WHERE handle = ?", (product["handle"],))
            if row and row["id"] != pk:
                raise UserErrors([user_error("Handle has already been taken", ["handle"])])
        check_metafields(store, "PRODUCT", pk, product.get("metafields"), ["metafields"])
        join = check_collections(store, product.get("collectionsToJoin"), ["collectionsToJoin"])
        leave = check_collections(store, product.get("collectionsToLeave"), ["collectionsToLeave"])
        cols = {"updated_at": now_iso()}
        for name, column in (
            ("title", "title"),
            ("handle", "handle"),
            ("descriptionHtml", "description_html"),
            ("vendor", "vendor"),
            ("productType", "product_type"),
            ("status", "status"),
            ("category", "category"),
        ):
            if product.get(name) is not None:
                cols[column] = product[name]
        if product.get("tags") is not None:
            cols["tags"] = json.dumps(product["tags"])
        store.update("products", pk, **cols)
        write_metafields(store, "PRODUCT", pk, product.get("metafields"))
        join_collections(store, pk, join, leave)
        if media:
            add_media(c, pk, media, ["media"])
        return {"product": product_obj(store.get("products", pk)), "userErrors": []}

    queued = len(c.media_to_fetch)
    out = in_transaction(info, work, {"product": None})
    if out["product"] is None:
        del c.media_to_fetch[queued:]  # refused: the media rows were rolled back
    return out


def product_delete(_root, info, input, synchronous=True):
    store = ctx(info).store

    def work():
        pk = parse_gid(input["id"], "Product")
        if store.get("products", pk) is None:
            raise UserErrors([user_error("Product does not exist", ["id"])])
        store.delete_product(pk)
        return {"deletedProductId": gid("Product", pk), "userErrors": []}

    return in_transaction(info, work, {"deletedProductId": None})


def product_variants_bulk_update(_root, info, productId, variants, allowPartialUpdates=False):
    store = ctx(info).store

    def work():
        pk = parse_gid(productId, "Product")
        if store.get("products", pk) is None:
            raise UserErrors([user_error("Product does not exist", ["productId"], "PRODUCT_DOES_NOT_EXIST")])
        own = {r["id"] for r in store.variants_of(pk)}
        errors = []
        for i, v in enumerate(variants):
            at = ["variants", str(i)]
            vpk = parse_gid(v.get("id"), "ProductVariant")
            if v.get("id") is None:
                errors.append(
                    user_error("Product variant is missing ID attribute", [*at, "id"], "PRODUCT_VARIANT_ID_MISSING")
                )
            elif store.get("variants", vpk) is None:
                errors.append(
                    user_error("Product variant does not exist", [*at, "id"], "PRODUCT_VARIANT_DOES_NOT_EXIST")
                )
            elif vpk not in own:
                errors.append(
                    user_error("Product variant is not for this product", [*at, "id"], "MUST_BE_FOR_THIS_PRODUCT")
                )
            if v.get("inventoryQuantities") is not None:
                errors.append(
                    user_error(
                        "Inventory quantities can only be provided during create. To update inventory"
                        " for existing variants, use inventoryAdjustQuantities.",
                        [*at, "inventoryQuantities"],
                        "NO_INVENTORY_QUANTITIES_ON_VARIANTS_UPDATE",
                    )
                )
            errors += check_price(v.get("price"), [*at, "price"], "GREATER_THAN_OR_EQUAL_TO")
        if errors:
            raise UserErrors(errors)
        stamp, out = now_iso(), []
        for i, v in enumerate(variants):
            vpk = parse_gid(v["id"], "ProductVariant")
            check_metafields(store, "PRODUCTVARIANT", vpk, v.get("metafields"), ["variants", str(i), "metafields"])
            store.update("variants", vpk, updated_at=stamp, **variant_columns(v))
            item = store.item_of_variant(vpk)
            store.update("inventory_items", item["id"], updated_at=stamp, **item_columns(v.get("inventoryItem")))
            write_metafields(store, "PRODUCTVARIANT", vpk, v.get("metafields"))
            out.append(variant_obj(store.get("variants", vpk)))
        return {"product": product_obj(store.get("products", pk)), "productVariants": out, "userErrors": []}

    return in_transaction(info, work, {"product": None, "productVariants": None})


def metafield_definition_create(_root, info, definition):
    store = ctx(info).store
    d = definition

    def work():
        ns, key, type_name = d.get("namespace") or "$app", d["key"], d["type"]
        caps = d.get("capabilities") or {}
        unique = bool((caps.get("uniqueValues") or {}).get("enabled")) or type_name == "id"
        errors = []
        if not re.fullmatch(r"[A-Za-z0-9_-]{2,64}", key):
            errors.append(
                user_error(
                    "Key must be 2-64 characters long and only contain alphanumeric, hyphen, and "
                    "underscore characters.",
                    ["definition", "key"],
                    "INVALID",
                )
            )
        if not d["name"].strip():
            errors.append(user_error("Name can't be blank", ["definition", "name"], "PRESENT"))
        if type_name not in KNOWN_TYPES:
            errors.append(user_error("Type name is not included in the list.", ["definition", "type"], "INCLUSION"))
        elif unique and type_name not in UNIQUE_ELIGIBLE:
            errors.append(
                user_error(
                    f"The unique values capability is not supported for the {type_name} type.",
                    ["definition", "capabilities", "uniqueValues"],
                    "INVALID_CAPABILITY",
                )
            )
        if store.definition(d["ownerType"], ns, key) is not None:
            owner = d["ownerType"].title()
            errors.append(
                user_error(
                    f"Key is in use for {owner} metafields on the '{ns}' namespace.", ["definition", "key"], "TAKEN"
                )
            )
        if errors:
            raise UserErrors(errors)
        pk = store.insert(
            "metafield_definitions",
            owner_type=d["ownerType"],
            namespace=ns,
            key=key,
            name=d["name"],
            type=type_name,
            description=d.get("description"),
            unique_values=int(unique),
            admin_filterable=int(bool((caps.get("adminFilterable") or {}).get("enabled"))),
            smart_collection=int(bool((caps.get("smartCollectionCondition") or {}).get("enabled"))),
            created_at=now_iso(),
        )
        return {"createdDefinition": definition_obj(store.get("metafield_definitions", pk)), "userErrors": []}

    return in_transaction(info, work, {"createdDefinition": None})
