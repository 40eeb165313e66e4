"""Shopify side of the sync: push one answer's changed parts, and set product status.

Per changed part one `productVariantsBulkUpdate` (price and cost; none without a price, or
when the price guard holds it), then the stock of all of them in `inventorySetQuantities`
calls of at most 250 quantities, each under `@idempotent(key:)` derived from the parts, the
sync hour and their change hashes (a retry in the same hour replays instead of applying
twice), every quantity with an explicit `changeFromQuantity`. A part's failure is its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from boeinghub_dagster.domain.hashing import sha256_hex
from boeinghub_dagster.domain.payloads import (
    MAX_INPUT_ARRAY,
    idempotency_key,
    inventory_quantities_input,
    stock_quantities,
    variant_update_input,
)
from boeinghub_dagster.domain.price_guard import price_jump
from boeinghub_dagster.domain.pricing import row_base_cost, shop_price
from boeinghub_dagster.resources import faults
from boeinghub_dagster.resources.shopify import ShopifyAuthError, ShopifyClient, ShopifyError
from boeinghub_dagster.resources.store.publishing import PublishingStore

NOT_PUBLISHED = "no Shopify ids in products: publish the part again"


@dataclass(frozen=True)
class SyncSettings:
    markup: str
    hold_pct: str
    max_failures: int
    location_ids: dict[str, str]
    location_map: dict[str, str]


@dataclass
class Change:
    row: dict  # the normalized staging-like row
    sched: dict  # the schedule row joined with products
    hash: str
    base: Decimal | None = None
    price: Decimal | None = None
    held: str | None = None
    error: str | None = None


@dataclass
class ShopifyTally:
    points: float = 0.0


def _errors(result) -> str:
    return "; ".join(f"{e.get('message')} (field {e.get('field')})" for e in result.user_errors)


@dataclass
class Pusher:
    client: ShopifyClient
    publishing: PublishingStore
    settings: SyncSettings
    hour_start: datetime
    tally: ShopifyTally = field(default_factory=ShopifyTally)

    def _spent(self, result) -> None:
        self.tally.points += float((result.cost or {}).get("actualQueryCost") or 0)

    def _call(self, send) -> str | None:
        """Run one Shopify call; its error text, or None when it went through."""
        try:
            result = send()
        except ShopifyAuthError:
            raise
        except ShopifyError as exc:
            return str(exc)
        self._spent(result)
        return f"Shopify: {_errors(result)}" if result.user_errors else None

    def _guard(self, changes: list[Change]) -> None:
        """Hold prices that jump more than the guard allows, unless an operator approved exactly that price."""
        holds = self.publishing.holds([c.row["part_number"] for c in changes])
        new_holds = []
        for c in changes:
            c.base = row_base_cost(c.row)
            c.price = shop_price(c.base, self.settings.markup) if c.base is not None else None
            old = c.sched.get("shop_price")
            jump = price_jump(Decimal(old) if old is not None else None, c.price, self.settings.hold_pct)
            hold = holds.get(c.row["part_number"])
            if not jump or (hold and hold["approved_at"] is not None and Decimal(hold["new_price"]) == c.price):
                continue
            c.held = jump
            if not (hold and hold["approved_at"] is None and Decimal(hold["new_price"]) == c.price):
                new_holds.append((c.row["part_number"], old, c.price, jump))
        self.publishing.hold(new_holds)

    def push(self, changes: list[Change]) -> None:
        """Send the changes; sets `error` on each part that did not go through, `held` on held prices."""
        for c in changes:
            s = c.sched
            if not (s.get("shopify_product_id") and s.get("shopify_variant_id") and s.get("inventory_item_id")):
                c.error = NOT_PUBLISHED
        live = [c for c in changes if not c.error]
        self._guard(live)
        for c in live:
            if c.held:
                continue
            variant = variant_update_input(c.sched["shopify_variant_id"], c.base, price_markup_factor=self.settings.markup)
            if variant is not None:
                c.error = self._call(lambda: self.client.variants_bulk_update(c.sched["shopify_product_id"], [variant]))
                faults.point("sync.mid_push")
        self._push_stock([c for c in live if not c.error])

    def _push_stock(self, changes: list[Change]) -> None:
        groups: list[list[tuple[Change, list[dict]]]] = [[]]
        size = 0
        for c in changes:
            quantities = stock_quantities(c.sched["inventory_item_id"], c.row, location_ids=self.settings.location_ids,
                                          location_map=self.settings.location_map)
            if size + len(quantities) > MAX_INPUT_ARRAY and groups[-1]:
                groups.append([])
                size = 0
            groups[-1].append((c, quantities))
            size += len(quantities)
        for index, group in enumerate(g for g in groups if g):
            parts = ",".join(c.row["part_number"] for c, _ in group)
            material = sha256_hex("".join(c.hash for c, _ in group))
            key = idempotency_key(parts, self.hour_start, material, index)
            quantities = [q for _, qs in group for q in qs]
            if not quantities:
                continue
            (payload,) = inventory_quantities_input(quantities)
            error = self._call(lambda: self.client.set_inventory_quantities(payload, key))
            for c, _ in group:
                c.error = error

    def set_status(self, product_id: str | None, status: str) -> str | None:
        """ACTIVE or DRAFT on one product; the error text, or None."""
        if not product_id:
            return NOT_PUBLISHED
        return self._call(lambda: self.client.update_product_status(product_id, status))
