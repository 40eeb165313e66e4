"""Field resolvers of the Shopify sandbox: relations are read from the store only when a query asks."""

from __future__ import annotations

from boeinghub_dagster.sandbox.shopify_connections import connection, page_args
from boeinghub_dagster.sandbox.shopify_context import ctx
from boeinghub_dagster.sandbox.shopify_objects import (
    definition_obj,
    item_obj,
    level_obj,
    location_obj,
    media_obj,
    metafield_obj,
    product_obj,
    variant_obj,
)
from boeinghub_dagster.sandbox.shopify_store import gid, parse_gid


def _store(info):
    return ctx(info).store


def product_variants(p, info, **args):
    return connection([variant_obj(r) for r in _store(info).variants_of(p["_pk"])], **page_args(args))


def product_total_inventory(p, info):
    row = _store(info).one(
        "SELECT COALESCE(SUM(l.quantity), 0) AS n FROM inventory_levels l"
        " JOIN inventory_items i ON i.id = l.item_id JOIN variants v ON v.id = i.variant_id"
        " WHERE v.product_id = ?",
        (p["_pk"],),
    )
    return row["n"]


def product_options(p, info, first=None):
    options = [
        {
            "id": gid("ProductOption", p["_pk"] * 100 + i),
            "name": o["name"],
            "position": i + 1,
            "values": o["values"],
            "optionValues": [
                {"id": gid("ProductOptionValue", (p["_pk"] * 100 + i) * 1000 + j), "name": v, "hasVariants": True}
                for j, v in enumerate(o["values"])
            ],
        }
        for i, o in enumerate(p["_options"])
    ]
    return options[:first] if first is not None else options


def owner_metafield(owner_type):
    def resolve(o, info, key, namespace=None):
        row = _store(info).metafield(owner_type, o["_pk"], namespace or "$app", key)
        return metafield_obj(row) if row else None

    return resolve


def product_metafields(p, info, namespace=None, keys=None, **args):
    rows = _store(info).rows(
        "SELECT * FROM metafields WHERE owner_type = 'PRODUCT' AND owner_id = ? ORDER BY id", (p["_pk"],)
    )
    items = [
        metafield_obj(r)
        for r in rows
        if (namespace is None or r["namespace"] == namespace)
        and (keys is None or f"{r['namespace']}.{r['key']}" in keys)
    ]
    return connection(items, **page_args(args))


def product_media(p, info, query=None, **args):
    rows = _store(info).rows("SELECT * FROM media WHERE product_id = ? ORDER BY position, id", (p["_pk"],))
    return connection([media_obj(r) for r in rows], **page_args(args))


def _count(sql):
    def resolve(p, info):
        return {"count": _store(info).one(sql, (p["_pk"],))["n"], "precision": "EXACT"}

    return resolve


def variant_product(v, info):
    return product_obj(_store(info).get("products", v["_product"]))


def variant_display_name(v, info):
    return f"{_store(info).get('products', v['_product'])['title']} - {v['title']}"


def variant_item(v, info):
    return item_obj(_store(info).item_of_variant(v["_pk"]), v["sku"])


def variant_quantity(v, info):
    row = _store(info).one(
        "SELECT COALESCE(SUM(l.quantity), 0) AS n FROM inventory_levels l JOIN inventory_items i"
        " ON i.id = l.item_id WHERE i.variant_id = ?",
        (v["_pk"],),
    )
    return row["n"]


def item_variant(i, info):
    return variant_obj(_store(info).get("variants", i["_variant"]))


def item_levels(i, info, query=None, includeInactive=False, **args):
    return connection(
        [level_obj(r) for r in _store(info).levels_of(i["_pk"])], key=lambda o: o["_location"], **page_args(args)
    )


def item_level(i, info, locationId, includeInactive=False):
    row = _store(info).level(i["_pk"], parse_gid(locationId, "Location") or -1)
    return level_obj(row) if row else None


def level_item(level, info):
    row = _store(info).get("inventory_items", level["_item"])
    return item_obj(row, _store(info).get("variants", row["variant_id"])["sku"])


def level_location(level, info):
    return location_obj(_store(info).get("locations", level["_location"]))


def level_quantities(level, info, names):
    return [
        {
            "id": f"gid://shopify/InventoryQuantity/{level['_location']}?inventory_item_id={level['_item']}&name={n}",
            "name": n,
            "quantity": level["_quantity"] if n in ("available", "on_hand") else 0,
            "updatedAt": level["updatedAt"],
        }
        for n in names
    ]


def metafield_definition(m, info):
    row = _store(info).definition(m["ownerType"], m["namespace"], m["key"])
    return definition_obj(row) if row else None


def definition_count(d, info):
    return _store(info).one(
        "SELECT COUNT(*) AS n FROM metafields WHERE owner_type = ? AND namespace = ? AND key = ?",
        (d["ownerType"], d["namespace"], d["key"]),
    )["n"]


def change_item(change, info):
    return level_item({"_item": change["_item"]}, info)


def change_location(change, info):
    return location_obj(_store(info).get("locations", change["_location"]))


def group_changes(group, info, inventoryItemIds=None, locationIds=None, quantityNames=None):
    out = group["_changes"]
    if inventoryItemIds is not None:
        out = [c for c in out if gid("InventoryItem", c["_item"]) in inventoryItemIds]
    if locationIds is not None:
        out = [c for c in out if gid("Location", c["_location"]) in locationIds]
    if quantityNames is not None:
        out = [c for c in out if c["name"] in quantityNames]
    return out


RESOLVERS = {
    "Product": {
        "variants": product_variants,
        "totalInventory": product_total_inventory,
        "options": product_options,
        "metafield": owner_metafield("PRODUCT"),
        "metafields": product_metafields,
        "media": product_media,
        "variantsCount": _count("SELECT COUNT(*) AS n FROM variants WHERE product_id = ?"),
        "mediaCount": _count("SELECT COUNT(*) AS n FROM media WHERE product_id = ?"),
    },
    "ProductVariant": {
        "product": variant_product,
        "displayName": variant_display_name,
        "inventoryItem": variant_item,
        "inventoryQuantity": variant_quantity,
        "metafield": owner_metafield("PRODUCTVARIANT"),
    },
    "InventoryItem": {"variant": item_variant, "inventoryLevels": item_levels, "inventoryLevel": item_level},
    "InventoryLevel": {"item": level_item, "location": level_location, "quantities": level_quantities},
    "Metafield": {"definition": metafield_definition},
    "MetafieldDefinition": {"metafieldsCount": definition_count},
    "InventoryChange": {"item": change_item, "location": change_location},
    "InventoryAdjustmentGroup": {"changes": group_changes},
}
