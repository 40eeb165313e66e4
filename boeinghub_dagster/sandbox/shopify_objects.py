"""Shopify objects read from the sandbox store: a row becomes the dict of Shopify's field names.

Scalars live in the dicts under Shopify's field names (graphql-core's default resolver reads
them); relations (a product's variants, an item's levels, …) are resolved lazily from the
store by `shopify_resolvers.RESOLVERS`, keyed by type and field name.
"""

from __future__ import annotations

from boeinghub_dagster.sandbox.shopify_context import decimal_text
from boeinghub_dagster.sandbox.shopify_store import gid, loads


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
