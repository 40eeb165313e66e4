"""Shopify Admin GraphQL inputs built from staging rows (docs/behaviour.md §6, §7, §8). Stdlib only.

Every function returns plain dicts shaped exactly as the named GraphQL input
type (API version `shopify_api.SHOPIFY_API_VERSION`), so the client sends them
as variables unchanged and the sandbox validates them against the same schema.
The markup, the location config and the image URL come in as arguments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from boeinghub_dagster.domain.hashing import canonical_json, sha256_hex
from boeinghub_dagster.domain.metafields import METAFIELD_DEFINITIONS, product_metafields
from boeinghub_dagster.domain.normalization import DEFAULT_VENDOR
from boeinghub_dagster.domain.part_numbers import sku_of
from boeinghub_dagster.domain.pricing import CENT, row_base_cost, shop_price
from boeinghub_dagster.domain.shopify_api import PART_NUMBER_METAFIELD_KEY, PART_NUMBER_METAFIELD_NAMESPACE
from boeinghub_dagster.domain.units import parse_number, parse_quantity

__all__ = [
    "BASE_TAGS", "PRODUCT_CATEGORY", "MAX_INPUT_ARRAY", "DEFAULT_OPTION", "DEFAULT_OPTION_VALUE",
    "METAFIELD_DEFINITIONS",
    "origin_tag", "weight_unit", "location_quantities", "product_set_input", "product_identifier",
    "payload_hash", "variant_update_input", "inventory_quantity", "stock_quantities", "inventory_quantities_input",
    "idempotency_key",
]  # fmt: skip

BASE_TAGS = ("boeing", "aerospace", "Aircraft Parts & Accessories")
PRODUCT_CATEGORY = "gid://shopify/TaxonomyCategory/vp-1-1"
DEFAULT_OPTION = "Title"  # Shopify's own name for the option of a single-variant product
DEFAULT_OPTION_VALUE = "Default Title"
AVAILABLE = "available"  # the inventory quantity name the hub sets
MAX_INPUT_ARRAY = 250  # docs/behaviour.md §7: a Shopify input array holds at most 250 items
SYNC_REASON = "correction"  # Boeing is the source of truth: the shop's count is corrected to it
_KILOGRAMS = frozenset({"kg", "kgs", "kilogram", "kilograms"})


def _money(value: Decimal) -> str:
    """A Shopify Money/Decimal string with two places: Decimal('28.05') → '28.05'."""
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def origin_tag(country: object) -> str | None:
    """'United States' → 'origin-united-states'; None without a country."""
    words = str(country or "").lower().split()
    return "origin-" + "-".join(words) if words else None


def weight_unit(unit: object) -> str:
    """`KILOGRAMS` for kg, kgs, kilogram(s) in any case; `POUNDS` for anything else (docs/behaviour.md §6)."""
    return "KILOGRAMS" if str(unit or "").strip().lower() in _KILOGRAMS else "POUNDS"


def location_quantities(
    row: Mapping, location_ids: Mapping[str, str], location_map: Mapping[str, str]
) -> dict[str, int]:
    """Shopify location gid → stock, for every location in `location_ids` (in its order).

    A Shopify location gets the sum of the Boeing locations that
    `location_map` maps to it, 0 when none. With no map at all the part's whole
    `inventory_quantity` goes to the first location of `location_ids` (the
    resource lists the shop's primary location first) rather than publishing
    a stocked part with no stock anywhere. A mapped Shopify location missing from
    `location_ids` is a configuration error and raises ValueError: its stock
    would otherwise vanish silently.
    """
    missing = sorted({name for name in location_map.values() if name not in location_ids})
    if missing:
        raise ValueError(f"SHOPIFY_LOCATION_MAP names Shopify locations with no id: {', '.join(missing)}")
    totals = dict.fromkeys(location_ids.values(), 0)
    if not location_map:
        if location_ids:
            first = next(iter(location_ids.values()))
            totals[first] = max(parse_quantity(row.get("inventory_quantity")) or 0, 0)
        return totals
    for loc in row.get("locations") or []:
        name = location_map.get(loc.get("location"))
        if name is not None:
            totals[location_ids[name]] += max(parse_quantity(loc.get("quantity")) or 0, 0)
    return totals


def product_set_input(
    row: Mapping,
    *,
    price_markup_factor: str | Decimal,
    location_ids: Mapping[str, str],
    location_map: Mapping[str, str],
    location_codes: Mapping[str, str],
    image_url: str | None,
    part_number: str,
    price: Decimal | None = None,
) -> dict:
    """The `ProductSetInput` for one publishable staging row (docs/behaviour.md §6).

    Title and SKU are the part number before `=`; price is `price` when given (`pricing.decide_price`:
    an operator's override), else base cost × markup, half-up to cents; cost is the base cost.
    Raises ValueError when the row has no price: only `fetched` rows publish, and they always have one.
    """
    base = row_base_cost(row)
    if base is None:
        raise ValueError(f"{part_number}: no price from Boeing, nothing to publish")
    price = price if price is not None else shop_price(base, price_markup_factor)
    sku = row.get("sku") or sku_of(part_number)

    inventory_item: dict = {"sku": sku, "cost": _money(base), "tracked": True}
    weight = parse_number(row.get("weight"))
    if weight is not None:
        inventory_item["measurement"] = {"weight": {"value": weight, "unit": weight_unit(row.get("weight_unit"))}}
    variant = {
        "optionValues": [{"optionName": DEFAULT_OPTION, "name": DEFAULT_OPTION_VALUE}],
        "price": _money(price),  # type: ignore[arg-type]
        "inventoryPolicy": "DENY",
        "inventoryItem": inventory_item,
        "inventoryQuantities": [
            {"locationId": gid, "name": AVAILABLE, "quantity": qty}
            for gid, qty in location_quantities(row, location_ids, location_map).items()
        ],
    }
    tags = list(BASE_TAGS)
    origin = origin_tag(row.get("country_of_origin"))
    if origin:
        tags.append(origin)

    product: dict = {
        "title": sku,
        "descriptionHtml": row.get("body_html") or "",
        "vendor": row.get("vendor") or DEFAULT_VENDOR,
        "tags": tags,
        "category": PRODUCT_CATEGORY,
        "status": "ACTIVE",
        "productOptions": [{"name": DEFAULT_OPTION, "values": [{"name": DEFAULT_OPTION_VALUE}]}],
        "variants": [variant],
        "metafields": product_metafields(row, part_number, location_codes),
    }
    if image_url:
        product["files"] = [{"originalSource": image_url, "contentType": "IMAGE", "alt": sku}]
    return product


def product_identifier(part_number: str) -> dict:
    """The `ProductSetIdentifiers` that upserts by the unique part-number metafield."""
    return {
        "customId": {
            "namespace": PART_NUMBER_METAFIELD_NAMESPACE,
            "key": PART_NUMBER_METAFIELD_KEY,
            "value": part_number,
        }
    }


def payload_hash(product_input: Mapping) -> str:
    """sha256 of the input's canonical JSON (image URL included).

    Stored after a good publish: a republish whose hash is unchanged needs no call.
    """
    return sha256_hex(canonical_json(product_input))


# --- hourly sync -------------------------------------------------------------


def variant_update_input(
    variant_id: str, base: Decimal | None, *, price_markup_factor: str | Decimal, price: Decimal | None = None
) -> dict | None:
    """The `ProductVariantsBulkInput` setting price and cost, or None without a base cost.

    docs/behaviour.md §8: a null price leaves the shop price alone (only stock is updated);
    0 counts as no price (docs/behaviour.md §5). `price` (the decided price) replaces base × markup when given.
    """
    if base is None or base == 0:
        return None
    price = price if price is not None else shop_price(base, price_markup_factor)
    return {
        "id": variant_id,
        "price": _money(price),  # type: ignore[arg-type]
        "inventoryItem": {"cost": _money(base)},
    }


def inventory_quantity(
    inventory_item_id: str, location_id: str, quantity: int, change_from_quantity: int | None = None
) -> dict:
    """One `InventoryQuantityInput`; `changeFromQuantity` is always present (docs/behaviour.md §7).

    None (the default) skips Shopify's compare-and-swap: Boeing is the source
    of truth, and the shop's count moves with every sale, so the hub's last
    written value would often be stale and the set would fail.
    """
    return {
        "inventoryItemId": inventory_item_id,
        "locationId": location_id,
        "quantity": int(quantity),
        "changeFromQuantity": change_from_quantity,
    }


def stock_quantities(
    inventory_item_id: str, row: Mapping, *, location_ids: Mapping[str, str], location_map: Mapping[str, str]
) -> list[dict]:
    """The part's `inventory_quantity` entries, one per Shopify location, as publishing sets them."""
    return [
        inventory_quantity(inventory_item_id, gid, qty)
        for gid, qty in location_quantities(row, location_ids, location_map).items()
    ]


def inventory_quantities_input(
    quantities: Sequence[Mapping], *, reference_document_uri: str | None = None, chunk_size: int = MAX_INPUT_ARRAY
) -> list[dict]:
    """`InventorySetQuantitiesInput`s setting `available`, at most `chunk_size` quantities each.

    `quantities` are `inventory_quantity(...)` dicts; one input per chunk, in order.
    """
    if not 1 <= chunk_size <= MAX_INPUT_ARRAY:
        raise ValueError(f"chunk_size must be 1..{MAX_INPUT_ARRAY}, got {chunk_size}")
    inputs = []
    for start in range(0, len(quantities), chunk_size):
        chunk: dict = {
            "name": AVAILABLE,
            "reason": SYNC_REASON,
            "quantities": [dict(q) for q in quantities[start : start + chunk_size]],
        }
        if reference_document_uri:
            chunk["referenceDocumentUri"] = reference_document_uri
        inputs.append(chunk)
    return inputs


def idempotency_key(part_number: str, hour_start: datetime, change_hash: str, chunk: int = 0) -> str:
    """The `@idempotent(key:)` for a part's stock update in one sync hour.

    Derived from (part, UTC hour, change hash, chunk index): a retried call in
    the same hour for the same change replays instead of applying twice, and a
    different change gets a different key. `hour_start` must be timezone-aware.
    """
    if hour_start.tzinfo is None:
        raise ValueError("hour_start must be timezone-aware")
    hour = hour_start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    material = "|".join((part_number, hour.strftime("%Y-%m-%dT%H"), change_hash, str(chunk)))
    return "boeinghub-sync-" + sha256_hex(material)[:40]
