"""What the publisher plans and reports, per part and per chunk: its own module so the
report, the per-part work and the checks can name these types without the Publisher."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from boeinghub_dagster.resources.shopify_product import Held


@dataclass(frozen=True)
class PublishSettings:
    markup: str
    hold_pct: str
    location_ids: dict[str, str]
    location_map: dict[str, str]
    location_codes: dict[str, str]
    publication_ids: tuple[str, ...] = ()


@dataclass
class Plan:
    part: str
    sku: str
    price: Decimal
    cost: Decimal
    quantity: int
    image_url: str
    input: dict
    hash: str
    held: Held | None = None
    relist: dict | None = None  # an unchanged products row only to be put on its sales channels


@dataclass
class ChunkResult:
    """What one chunk did, for the asset to turn into events."""

    published: list[dict] = field(default_factory=list)  # products rows written
    unchanged: list[dict] = field(default_factory=list)  # stored products rows, no call
    held: list[tuple[str, str]] = field(default_factory=list)
    deferred: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    stored: list[dict] = field(default_factory=list)  # rows written for a product not all of whose change went
    relisted: list[dict] = field(default_factory=list)  # unchanged rows whose sales channels changed


@dataclass
class Started:
    """A chunk whose `pending` rows are written and whose calls are queued."""

    result: ChunkResult
    submitted: list


@dataclass
class PublishStats:
    calls: int = 0
    points: float = 0.0
    throttled: int = 0
