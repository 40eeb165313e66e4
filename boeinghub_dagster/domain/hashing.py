"""Change detection for the hourly sync (docs/behaviour.md §8). Stdlib only.

A part's *change hash* is sha256 over the canonical JSON of exactly what the
sync pushes to Shopify: base cost, quantity, stock status and per-location
stock. Equal hashes mean there is nothing to send, so an unchanged part costs
no Shopify call. `canonical_json` is also what `payloads.payload_hash` uses, so
both hashes follow one serialisation rule.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal

from boeinghub_dagster.domain.pricing import row_base_cost
from boeinghub_dagster.domain.units import parse_quantity

__all__ = ["canonical_json", "sha256_hex", "change_fields", "change_hash"]


def canonical_json(value: object) -> str:
    """JSON with sorted keys and no blanks (`,` and `:`), so equal data gives equal text.

    Decimals are written as their string form; anything else JSON cannot hold
    is an error rather than a silent `str()`.
    """

    def _default(obj: object) -> str:
        if isinstance(obj, Decimal):
            return str(obj)
        raise TypeError(f"not JSON-serialisable for a hash: {type(obj).__name__}")

    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def sha256_hex(text: str) -> str:
    """Hex sha256 of `text` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _location_pairs(locations: Iterable[Mapping] | None) -> list[list]:
    """[{location, quantity}, ...] → sorted [[location, qty], ...]; a bad quantity counts as 0."""
    pairs = []
    for loc in locations or []:
        name = loc.get("location")
        if name is None:
            continue
        pairs.append([str(name), max(parse_quantity(loc.get("quantity")) or 0, 0)])
    return sorted(pairs)


def change_fields(row: Mapping) -> dict:
    """The four hashed fields of a staging-row-like dict.

    `price` is the base cost (list price, else net price; docs/behaviour.md §6) as a
    2-decimal string, or None when Boeing gave no price. The row's prices may
    be Decimals, numbers or numeric strings.
    """
    base = row_base_cost(row)
    return {
        "price": None if base is None else str(base),
        "quantity": parse_quantity(row.get("inventory_quantity")) or 0,
        "status": row.get("inventory_status"),
        "locations": _location_pairs(row.get("locations")),
    }


def change_hash(row: Mapping) -> str:
    """sha256 hex of `canonical_json(change_fields(row))` (docs/behaviour.md §8)."""
    return sha256_hex(canonical_json(change_fields(row)))
