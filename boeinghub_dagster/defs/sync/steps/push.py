"""Shopify side of the sync: push one answer's changed parts, and set product status.

Per changed part one `productVariantsBulkUpdate` (cost, and the price `pricing.decide_price`
gives: an operator's override, else cost × markup; none without a price, or when the price
guard holds it); its item is stocked (`inventoryActivate`) at every location
the map now sends stock to and it was not stocked at (a location added after publishing:
Shopify sets quantities only where an item is stocked). Then the stock of all of them in
`inventorySetQuantities` calls of at most 250 quantities, every quantity with an explicit
`changeFromQuantity`, each under `@idempotent(key:)` derived from its input, the sync hour
and the state each part changes from (`resources/shopify_idempotency.py`: a lost answer or
a crashed run replays, a failed key is replaced). A group Shopify answers
ITEM_NOT_STOCKED_AT_LOCATION for (a location deactivated on the shop) is stocked there and
sent once more. A part's failure is its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from boeinghub_dagster.domain.hashing import canonical_json, sha256_hex
from boeinghub_dagster.domain.payloads import (
    MAX_INPUT_ARRAY,
    idempotency_key,
    inventory_quantities_input,
    stock_quantities,
    variant_update_input,
)
from boeinghub_dagster.domain.pricing import decide_price, row_base_cost
from boeinghub_dagster.resources import faults
from boeinghub_dagster.resources.shopify import ShopifyClient, ShopifyError, ShopifyFatal
from boeinghub_dagster.resources.shopify_idempotency import IdempotentCalls
from boeinghub_dagster.resources.shopify_product import Held, ProductWriter
from boeinghub_dagster.resources.store.idempotency import IdempotencyStore
from boeinghub_dagster.resources.store.overrides import OverrideStore
from boeinghub_dagster.resources.store.publishing import PublishingStore

NOT_PUBLISHED = "no Shopify ids in products: publish the part again"
NOT_STOCKED = "ITEM_NOT_STOCKED_AT_LOCATION"
GONE = "the product is no longer on Shopify: publish the part again"


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
    stocked: list[str] | None = None  # locations the item is stocked at now, when this push stocked new ones


@dataclass
class ShopifyTally:
    points: float = 0.0


@dataclass
class Pusher:
    client: ShopifyClient
    publishing: PublishingStore
    settings: SyncSettings
    hour_start: datetime
    tally: ShopifyTally = field(default_factory=ShopifyTally)
    keys: IdempotentCalls | None = None

    def __post_init__(self):
        self.keys = self.keys or IdempotentCalls(IdempotencyStore(self.publishing.engine))
        self.writer = ProductWriter(self.client, self.keys, (), now=self.hour_start)

    def _spent(self, result) -> None:
        self.tally.points += float((result.cost or {}).get("actualQueryCost") or 0)

    def _call(self, send) -> str | None:
        """Run one Shopify call; its error text, or None when it went through."""
        try:
            result = send()
        except ShopifyFatal:
            raise
        except ShopifyError as exc:
            return str(exc)
        self._spent(result)
        return f"Shopify: {result.problem()}" if not result.ok else None

    def _guard(self, changes: list[Change]) -> None:
        """Each part's price (`pricing.decide_price`: an operator's override, else cost × markup); a jump the
        guard holds waits unless an operator approved exactly that price."""
        parts = [c.row["part_number"] for c in changes]
        holds, overrides = self.publishing.holds(parts), OverrideStore(self.publishing.engine).current(parts)
        new_holds = []
        for c in changes:
            c.base = row_base_cost(c.row)
            old, cost = c.sched.get("shop_price"), c.sched.get("shop_cost")
            decision = decide_price(
                c.base,
                markup=self.settings.markup,
                hold_pct=self.settings.hold_pct,
                published_price=Decimal(old) if old is not None else None,
                published_cost=Decimal(cost) if cost is not None else None,
                override=overrides.get(c.row["part_number"]),
                hold=holds.get(c.row["part_number"]),
            )
            c.price, c.held = decision.price, decision.held
            if decision.new_hold:
                new_holds.append((c.row["part_number"], decision.reference, c.price, c.held))
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
            variant = variant_update_input(
                c.sched["shopify_variant_id"], c.base, price_markup_factor=self.settings.markup, price=c.price
            )
            if variant is not None:
                c.error = self._call(
                    lambda c=c, variant=variant: self.client.variants_bulk_update(
                        c.sched["shopify_product_id"], [variant]
                    )
                )
                faults.point("sync.mid_push")
        self._push_stock([c for c in live if not c.error])

    def _stock(self, c: Change, quantities: list[dict]) -> None:
        """Stock the part's item at every location its quantities go to and it is not stocked at yet."""
        s = c.sched
        held = Held(
            s["shopify_product_id"],
            s.get("shopify_variant_id"),
            s["inventory_item_id"],
            stocked=s.get("stocked_locations"),
        )
        before = list(held.stocked) if held.stocked is not None else None
        try:
            stocked = self.writer.stock(held, [q["locationId"] for q in quantities])
        except ShopifyFatal:
            raise
        except ShopifyError as exc:
            c.error = str(exc)
            return
        if stocked is None:
            c.error = GONE
        elif stocked != before:
            c.stocked = stocked

    def _push_stock(self, changes: list[Change]) -> None:
        groups: list[list[tuple[Change, list[dict]]]] = [[]]
        size = 0
        for c in changes:
            quantities = stock_quantities(
                c.sched["inventory_item_id"],
                c.row,
                location_ids=self.settings.location_ids,
                location_map=self.settings.location_map,
            )
            self._stock(c, quantities)
            if c.error:
                continue
            if size + len(quantities) > MAX_INPUT_ARRAY and groups[-1]:
                groups.append([])
                size = 0
            groups[-1].append((c, quantities))
            size += len(quantities)
        for index, group in enumerate(g for g in groups if g):
            quantities = [q for _, qs in group for q in qs]
            if not quantities:
                continue
            (payload,) = inventory_quantities_input(quantities)
            error = self._set_stock(group, payload, index)
            for c, _ in group:
                c.error = error

    def _set_stock(self, group: list[tuple[Change, list[dict]]], payload: dict, index: int) -> str | None:
        """One `inventorySetQuantities` call for a group; stocks and resends once on ITEM_NOT_STOCKED_AT_LOCATION."""
        parts = ",".join(c.row["part_number"] for c, _ in group)
        changes_from = "".join(f"{c.sched.get('last_hash') or '-'}>{c.hash}" for c, _ in group)
        material = sha256_hex("|".join((parts, changes_from, canonical_json(payload), str(index))))
        key = idempotency_key(parts, self.hour_start, material, index)
        for resend in (False, True):
            outcome: list = []

            def send(outcome=outcome):
                result = self.keys.call("stock", key, lambda k: self.client.set_inventory_quantities(payload, k))
                outcome.append(result)
                return result

            error = self._call(send)
            if error is None or resend or not outcome or NOT_STOCKED not in outcome[0].codes():
                return error
            if not self._restock(group, payload, outcome[0].user_errors):
                return error
        return error

    def _restock(self, group: list[tuple[Change, list[dict]]], payload: dict, errors: list[dict]) -> bool:
        """Stock the (item, location) pairs Shopify named not stocked; whether every one now is."""
        by_item = {c.sched["inventory_item_id"]: c for c, _ in group}
        for e in errors:
            field_path = e.get("field") or []
            if e.get("code") != NOT_STOCKED or len(field_path) < 3 or not str(field_path[2]).isdigit():
                return False
            q = payload["quantities"][int(field_path[2])] if int(field_path[2]) < len(payload["quantities"]) else None
            c = by_item.get(q["inventoryItemId"]) if q else None
            if c is None:
                return False
            known = c.stocked or c.sched.get("stocked_locations") or []
            held = Held(
                c.sched["shopify_product_id"],
                inventory_item_id=q["inventoryItemId"],
                stocked=[x for x in known if x != q["locationId"]],
            )
            try:
                c.stocked = self.writer.stock(held, [q["locationId"]])
            except ShopifyFatal:
                raise
            except ShopifyError:
                return False
        return True

    def set_status(self, product_id: str | None, status: str) -> str | None:
        """ACTIVE or DRAFT on one product; the error text, or None."""
        if not product_id:
            return NOT_PUBLISHED
        return self._call(lambda: self.client.update_product_status(product_id, status))
