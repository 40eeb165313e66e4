"""Knobs of the Shopify sandbox (see `shopify.py`): limits, faults, the simulated day, versions.

Every knob can be set by a CLI flag and changed live with `POST /_admin` (JSON). Defaults
are the Standard plan (docs/behaviour.md §7): a 2,000-point bucket refilled at 100 points/s, 1,000 points
per query, 250 items per input array, and the large-store variant throttle (1,000 new
variants a day once the shop holds 50,000). `api_versions` is what the shop supports (a JSON
list, or a comma-separated string); `fail_field` makes one field fail on every call.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields, replace

# Shopify releases an API version each quarter (YYYY-01, -04, -07, -10) and supports each for at least
# a year; these four, ending at the hub's pinned 2026-07, are what the sandbox serves by default.
DEFAULT_API_VERSIONS = ("2025-10", "2026-01", "2026-04", "2026-07")
QUARTERLY = re.compile(r"\d{4}-(01|04|07|10)")
# What the hub's token needs (read_* come with write_*); the access_scopes knob takes some away.
ACCESS_SCOPES = (
    "read_products",
    "write_products",
    "read_inventory",
    "write_inventory",
    "read_locations",
    "read_publications",
    "write_publications",
)


@dataclass
class ShopifyKnobs:
    """Behaviour switches; all appear in `/_stats` under `config` (the access token does not)."""

    bucket_size: float = 2000.0
    restore_rate: float = 100.0  # points per second
    max_query_cost: int = 1000
    max_input_array: int = 250
    error_rate: float = 0.0  # fraction answered 5xx before anything is applied
    latency_ms: float = 0.0  # per call: half before the document runs, half after (keys stay in flight)
    throttle_storm: int = 0  # the next N GraphQL calls are answered THROTTLED whatever the bucket holds
    apply_then_fail_rate: float = 0.0  # fraction of mutations stored, then answered 502
    outage: bool = False
    variant_threshold: int = 50_000
    variants_per_day: int = 1_000
    day_offset: int = 0  # added to the real UTC day number: turns the simulated day
    media_fetch_timeout: float = 10.0
    seed: int = 0
    api_versions: tuple[str, ...] = DEFAULT_API_VERSIONS  # supported; any other in the URL gets the oldest
    access_scopes: tuple[str, ...] = ACCESS_SCOPES  # granted to the token (shopify_access.py)
    fail_field: str = ""  # "locations" or "Product.media": that field fails on every call (shopify_partial.py)


_COERCE = {f.name: f.type for f in fields(ShopifyKnobs)}
_TYPES = {"float": float, "int": int, "bool": bool, "str": str, "tuple[str, ...]": tuple}
ONE_SHOT = {"advance_day"}  # actions, not settings: advance_day=N adds N to day_offset


def apply_changes(knobs: ShopifyKnobs, changes: dict) -> ShopifyKnobs:
    """A copy of `knobs` with `changes` applied; ValueError on unknown names or bad values."""
    unknown = sorted(set(changes) - set(_COERCE) - ONE_SHOT)
    if unknown:
        raise ValueError(f"unknown knobs: {', '.join(unknown)}")
    new = replace(knobs)
    for name, value in changes.items():
        if name == "advance_day":
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"advance_day: bad value {value!r}")
            new.day_offset += value
            continue
        kind = _TYPES[_COERCE[name]]
        if kind is tuple:
            setattr(new, name, _strings(name, value))
            continue
        if kind is str:
            if not isinstance(value, str):
                raise ValueError(f"{name}: bad value {value!r}")
            setattr(new, name, value)
            continue
        if value is None or isinstance(value, bool) != (kind is bool) or isinstance(value, str):
            raise ValueError(f"{name}: bad value {value!r}")
        if kind is int and isinstance(value, float) and not value.is_integer():
            raise ValueError(f"{name}: must be an integer")
        setattr(new, name, kind(value))
    for rate in ("error_rate", "apply_then_fail_rate"):
        if not 0.0 <= getattr(new, rate) <= 1.0:
            raise ValueError(f"{rate} must be within 0..1")
    if new.bucket_size <= 0 or new.restore_rate < 0 or new.max_query_cost < 1 or new.max_input_array < 1:
        raise ValueError("bucket_size > 0, restore_rate >= 0, max_query_cost and max_input_array >= 1")
    if new.latency_ms < 0 or new.throttle_storm < 0 or new.variants_per_day < 0 or new.variant_threshold < 0:
        raise ValueError("latency_ms, throttle_storm, variants_per_day and variant_threshold must be >= 0")
    bad = [v for v in new.api_versions if not QUARTERLY.fullmatch(v)]
    if not new.api_versions or bad:
        raise ValueError(f"api_versions: at least one quarterly version (YYYY-01/04/07/10); bad: {bad}")
    return new


def _strings(name: str, value) -> tuple[str, ...]:
    """A list knob: a JSON list of strings, or (from the command line) one comma-separated string."""
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{name}: bad value {value!r} (a list of strings)")
    return tuple(value)


def as_dict(knobs: ShopifyKnobs) -> dict:
    return asdict(knobs)
