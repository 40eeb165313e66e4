"""Shopify objects read from the sandbox store: row -> object dicts, connections, field resolvers.

Scalars live in the dicts under Shopify's field names (graphql-core's default resolver reads
them); relations (a product's variants, an item's levels, …) are resolved lazily from the
store by the functions in `RESOLVERS`, keyed by type and field name.
"""

from __future__ import annotations

import base64
import json

from boeinghub_dagster.sandbox.shopify_context import ctx, decimal_text
from boeinghub_dagster.sandbox.shopify_store import gid, loads, parse_gid


def category_obj(category_id: str | None) -> dict | None:
    if not category_id:
        return None
    tail = category_id.rsplit("/", 1)[-1]
    return {"id": category_id, "name": tail, "fullName": tail}


def product_obj(r) -> dict:
    return {
        "_pk": r["id"],
        "id": gid("Product", r["id"]),
        "legacyResourceId": str(r["id"]),
        "title": r["title"],
        "handle": r["handle"],
        "descriptionHtml": r["description_html"],
        "vendor": r["vendor"],
        "productType": r["product_type"],
        "status": r["status"],
        "tags": loads(r["tags"], []),
        "category": category_obj(r["category"]),
        "createdAt": r["created_at"],
        "updatedAt": r["updated_at"],
        "_options": loads(r["options"], []),
    }


def variant_obj(r) -> dict:
    values = loads(r["option_values"], [])
    return {
        "_pk": r["id"],
        "_product": r["product_id"],
        "id": gid("ProductVariant", r["id"]),
        "legacyResourceId": str(r["id"]),
        "title": " / ".join(v["value"] for v in values),
        "sku": r["sku"],
        "barcode": r["barcode"],
        "price": r["price"],
        "compareAtPrice": r["compare_at_price"],
        "taxable": bool(r["taxable"]),
        "position": r["position"],
        "inventoryPolicy": r["inventory_policy"],
        "selectedOptions": [{"name": v["name"], "value": v["value"]} for v in values],
        "createdAt": r["created_at"],
        "updatedAt": r["updated_at"],
    }


def item_obj(r, sku: str | None) -> dict:
    weight = None
    if r["weight_value"] is not None:
        weight = {"unit": r["weight_unit"] or "POUNDS", "value": r["weight_value"]}
    return {
        "_pk": r["id"],
        "_variant": r["variant_id"],
        "id": gid("InventoryItem", r["id"]),
        "legacyResourceId": str(r["id"]),
        "sku": sku,
        "tracked": bool(r["tracked"]),
        "requiresShipping": bool(r["requires_shipping"]),
        "unitCost": {"amount": decimal_text(r["cost"]), "currencyCode": "USD"} if r["cost"] is not None else None,
        "countryCodeOfOrigin": r["country_code"],
        "harmonizedSystemCode": r["hs_code"],
        "measurement": {"id": gid("InventoryItemMeasurement", r["id"]), "weight": weight},
        "createdAt": r["created_at"],
        "updatedAt": r["updated_at"],
    }


def location_obj(r) -> dict:
    return {
        "_pk": r["id"],
        "id": gid("Location", r["id"]),
        "legacyResourceId": str(r["id"]),
        "name": r["name"],
        "isActive": bool(r["is_active"]),
        "fulfillsOnlineOrders": True,
    }


def level_obj(r) -> dict:
    return {
        "_item": r["item_id"],
        "_location": r["location_id"],
        "_quantity": r["quantity"],
        "isActive": True,
        "id": f"gid://shopify/InventoryLevel/{r['location_id']}?inventory_item_id={r['item_id']}",
        "createdAt": r["created_at"],
        "updatedAt": r["updated_at"],
    }


def metafield_obj(r) -> dict:
    return {
        "_pk": r["id"],
        "id": gid("Metafield", r["id"]),
        "namespace": r["namespace"],
        "key": r["key"],
        "value": r["value"],
        "type": r["type"],
        "ownerType": r["owner_type"],
        "createdAt": r["created_at"],
        "updatedAt": r["updated_at"],
    }


def definition_obj(r) -> dict:
    def cap(flag) -> dict:
        return {"eligible": True, "enabled": bool(flag)}

    return {
        "_pk": r["id"],
        "id": gid("MetafieldDefinition", r["id"]),
        "name": r["name"],
        "namespace": r["namespace"],
        "key": r["key"],
        "description": r["description"],
        "ownerType": r["owner_type"],
        "type": {"name": r["type"], "category": _type_category(r["type"])},
        "capabilities": {
            "adminFilterable": cap(r["admin_filterable"]),
            "smartCollectionCondition": cap(r["smart_collection"]),
            "uniqueValues": cap(r["unique_values"]),
        },
    }


def _type_category(type_name: str) -> str:
    return "NUMBER" if type_name.startswith("number") else "TEXT"


def media_obj(r) -> dict:
    ready = r["status"] == "READY"
    image = (
        {
            "id": gid("ImageSource", r["id"]),
            "altText": r["alt"],
            "url": r["original_source"],
            "width": None,
            "height": None,
        }
        if ready
        else None
    )
    errors = (
        [{"code": r["error_code"], "details": r["error_message"], "message": r["error_message"] or ""}]
        if r["status"] == "FAILED"
        else []
    )
    return {
        "_pk": r["id"],
        "id": gid("MediaImage", r["id"]),
        "alt": r["alt"],
        "mediaContentType": "IMAGE",
        "status": r["status"],
        "mediaErrors": errors,
        "image": image,
        "preview": {"image": image, "status": r["status"]},
        "createdAt": r["created_at"],
    }


# -- connections --------------------------------------------------------------------------
def _cursor(pk: int) -> str:
    return base64.b64encode(json.dumps({"last_id": pk}).encode()).decode()


def _uncursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        return int(json.loads(base64.b64decode(cursor))["last_id"])
    except (ValueError, KeyError, TypeError):
        return None


def connection(
    items: list[dict], first=None, after=None, last=None, before=None, reverse=False, key=lambda o: o["_pk"]
) -> dict:
    """Relay connection over `items` (already filtered and ordered ascending)."""
    if reverse:
        items = items[::-1]
    keys = [key(o) for o in items]
    start, end = 0, len(items)
    if (a := _uncursor(after)) is not None and a in keys:
        start = keys.index(a) + 1
    if (b := _uncursor(before)) is not None and b in keys:
        end = keys.index(b)
    window = items[start:end]
    has_next, has_prev = end < len(items), start > 0
    if first is not None:
        has_next = has_next or len(window) > first
        window = window[: max(first, 0)]
    if last is not None:
        has_prev = has_prev or len(window) > last
        window = window[len(window) - max(last, 0) :] if last else []
    edges = [{"cursor": _cursor(key(o)), "node": o} for o in window]
    return {
        "edges": edges,
        "nodes": window,
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": has_prev,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def page_args(args: dict) -> dict:
    return {k: args.get(k) for k in ("first", "after", "last", "before", "reverse")}


# -- field resolvers --------------------------------------------------------------------
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
