"""`set_price_overrides` as plain steps (issue 15 item 8): an operator's price, recorded and on the shop now.

Each entry is recorded first (`price_overrides`: who, when, a price or a markup, or a clear;
history kept), then the part's price goes to Shopify at once rather than at its next sync:
one `productVariantsBulkUpdate` with the price `pricing.decide_price` gives under the new
override (a clear: Boeing's cost × markup again) and the cost the hub last published. The
price guard does not hold it: setting or clearing an override is the operator's decision.
From then on publishing and the sync price the part by the same decision, while its stock
still follows Boeing. A part not on Shopify yet takes the override at its first publish.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from boeinghub_dagster.domain.payloads import variant_update_input
from boeinghub_dagster.domain.pricing import Override, decide_price, row_base_cost
from boeinghub_dagster.resources.shopify import ShopifyClient, ShopifyError, ShopifyFatal
from boeinghub_dagster.resources.store.extraction import StagingStore
from boeinghub_dagster.resources.store.overrides import OverrideStore
from boeinghub_dagster.resources.store.publishing import PublishingStore


@dataclass(frozen=True)
class Request:
    part: str
    override: Override | None  # None: clear


@dataclass
class OverrideOutcome:
    pushed: list[dict] = field(default_factory=list)  # part, price now on Shopify
    waiting: list[tuple[str, str]] = field(default_factory=list)  # recorded, not pushed now: why
    failed: list[tuple[str, str]] = field(default_factory=list)  # recorded, Shopify refused the push


def describe(override: Override | None) -> str:
    if override is None:
        return "cleared"
    return f"price {override.price}" if override.price is not None else f"markup × {override.markup}"


def apply(
    requests: Sequence[Request],
    set_by: str,
    run_id: str,
    client: ShopifyClient,
    publishing: PublishingStore,
    staging: StagingStore,
    markup: str,
    now: datetime,
) -> OverrideOutcome:
    out = OverrideOutcome()
    overrides = OverrideStore(publishing.engine)
    overrides.record(
        [
            {
                "part_number": r.part,
                "price": r.override.price if r.override else None,
                "markup": r.override.markup if r.override else None,
                "cleared": r.override is None,
                "set_by": set_by,
                "set_at": now,
                "run_id": run_id,
            }
            for r in requests
        ]
    )
    parts = [r.part for r in requests]
    products = publishing.products(parts)
    staged = {r["part_number"]: r for r in staging.rows(parts)}
    done: list[dict] = []
    try:
        for r in requests:
            row = products.get(r.part)
            if row is None or not row.get("shopify_variant_id") or row.get("retired_at") is not None:
                why = "retired" if row and row.get("retired_at") else "not on Shopify yet"
                out.waiting.append((r.part, f"{why}: its next publish uses this price"))
                continue
            cost = row["cost"] if row["cost"] is not None else row_base_cost(staged.get(r.part) or {})
            price = decide_price(cost, markup=markup, hold_pct="0", override=r.override).price
            if price is None or cost is None:
                out.waiting.append((r.part, "no Boeing cost known yet: its next publish or sync sets the price"))
                continue
            error = _push(client, row, cost, price, markup)
            if error:
                out.failed.append((r.part, error))
            else:
                out.pushed.append({"part_number": r.part, "price": price, "override": describe(r.override)})
                done.append({"part_number": r.part, "price": price, "cost": cost, "payload_hash": None})
    finally:
        overrides.apply_prices(done, now)
    return out


def _push(client: ShopifyClient, row: dict, cost: Decimal, price: Decimal, markup: str) -> str | None:
    variant = variant_update_input(row["shopify_variant_id"], cost, price_markup_factor=markup, price=price)
    try:
        result = client.variants_bulk_update(row["shopify_product_id"], [variant])
    except ShopifyFatal:
        raise
    except ShopifyError as exc:
        return f"{exc} (the override is recorded; run set_price_overrides again to push it now)"
    return None if result.ok else f"Shopify: {result.problem()}"
