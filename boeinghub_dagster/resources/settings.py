"""docs/behaviour.md §2 limits, read from the environment when a run starts (never at import).

Each business constant is defined once here with its default (docs/behaviour.md §2); resources
take an explicit value when given one and fall back to these.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from boeinghub_dagster.domain.intake_chunks import INTAKE_CHUNK_PARTS


def _num(name: str, default: float, cast=float):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return cast(raw)
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r} is not a number") from exc


DEFAULT_PUBLICATIONS = ("Online Store",)
MAX_PUBLISH_CONCURRENCY = 16  # the shared limiter paces them; more threads only wait for the bucket


@dataclass(frozen=True)
class Limits:
    boeing_rate_per_min: float = 2.0
    boeing_batch_size: int = 10
    shopify_rate_per_min: float = 30.0
    max_parts_per_file: int = 50_000
    price_markup_factor: str = "1.1"
    max_consecutive_sync_failures: int = 5
    sync_stuck_minutes: int = 60
    sync_mode: str = "production"
    max_parts_per_publish: int = 10_000
    intake_chunk_parts: int = INTAKE_CHUNK_PARTS
    price_jump_hold_pct: str = "50"  # sync holds a price that moves more than this % (domain/price_guard.py)
    shopify_publish_concurrency: int = 4  # Shopify calls one publishing run keeps in flight (latency-bound shops)

    @classmethod
    def from_env(cls) -> Limits:
        d = cls()
        batch = _num("BOEING_BATCH_SIZE", d.boeing_batch_size, int)
        if not 1 <= batch <= 20:
            raise ValueError(f"BOEING_BATCH_SIZE must be 1..20 (Boeing accepts at most 20 codes), got {batch}")
        return cls(
            boeing_rate_per_min=_num("BOEING_RATE_PER_MIN", d.boeing_rate_per_min),
            boeing_batch_size=batch,
            shopify_rate_per_min=_num("SHOPIFY_RATE_PER_MIN", d.shopify_rate_per_min),
            max_parts_per_file=_num("MAX_PARTS_PER_FILE", d.max_parts_per_file, int),
            price_markup_factor=os.environ.get("PRICE_MARKUP_FACTOR", d.price_markup_factor),
            max_consecutive_sync_failures=_num("MAX_CONSECUTIVE_SYNC_FAILURES", d.max_consecutive_sync_failures, int),
            sync_stuck_minutes=_num("SYNC_STUCK_MINUTES", d.sync_stuck_minutes, int),
            sync_mode=os.environ.get("SYNC_MODE", d.sync_mode),
            max_parts_per_publish=_num("MAX_PARTS_PER_PUBLISH", d.max_parts_per_publish, int),
            intake_chunk_parts=max(1, _num("INTAKE_CHUNK_PARTS", d.intake_chunk_parts, int)),
            price_jump_hold_pct=os.environ.get("PRICE_JUMP_HOLD_PCT", d.price_jump_hold_pct),
            shopify_publish_concurrency=_concurrency(
                _num("SHOPIFY_PUBLISH_CONCURRENCY", d.shopify_publish_concurrency, int)
            ),
        )


def _concurrency(value: int) -> int:
    if not 1 <= value <= MAX_PUBLISH_CONCURRENCY:
        raise ValueError(f"SHOPIFY_PUBLISH_CONCURRENCY must be 1..{MAX_PUBLISH_CONCURRENCY}, got {value}")
    return value


def location_map_from_env() -> dict[str, str]:
    """`SHOPIFY_LOCATION_MAP`: Boeing location -> Shopify location (JSON object), empty when unset."""
    raw = os.environ.get("SHOPIFY_LOCATION_MAP", "").strip()
    if not raw:
        return {}
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError("SHOPIFY_LOCATION_MAP must be a JSON object")
    return {str(k): str(v) for k, v in value.items()}


def location_codes_from_env() -> dict[str, str]:
    """`SHOPIFY_INVENTORY_LOCATION_CODES`: Boeing location -> short code such as `1D1` (JSON), empty when unset."""
    raw = os.environ.get("SHOPIFY_INVENTORY_LOCATION_CODES", "").strip()
    if not raw:
        return {}
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError("SHOPIFY_INVENTORY_LOCATION_CODES must be a JSON object")
    return {str(k): str(v) for k, v in value.items()}


def publications_from_env() -> tuple[str, ...]:
    """`SHOPIFY_PUBLICATIONS`: the sales channels (publication names, comma-separated) every product is
    published to; default the Online Store. Empty entries are dropped, order and first spelling kept."""
    raw = os.environ.get("SHOPIFY_PUBLICATIONS")
    if raw is None or not raw.strip():
        return DEFAULT_PUBLICATIONS
    names: list[str] = []
    for name in raw.split(","):
        name = " ".join(name.split())
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return tuple(names) or DEFAULT_PUBLICATIONS
