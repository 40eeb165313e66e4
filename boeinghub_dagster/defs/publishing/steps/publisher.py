"""The publishing step as plain functions: staged rows -> Shopify -> the store.

Per chunk of parts: decide each price (`pricing.decide_price`: an operator's override, else
cost × markup; a jump not approved is held), build each payload (image stored first), skip
the unchanged (payload hash equal to the stored one: no call, no download; only put on a
configured sales channel it is not on yet), write `pending` reconciliation
rows, then make the chunk's Shopify calls several at a time (`inflight.py`): create the
product, or update only what the hub owns, stock new locations and publish it to the sales
channels (`resources/shopify_product.py`). Then the products rows, their sync-schedule rows
and the reconciliation's completion go in one transaction. A run that dies between an
answer and that write leaves `pending` rows: `publish_reconciliation_job` finds those
products by their unique metafield. A product is only ever created by
`productSet(identifier: customId)`, an upsert, so a retried call never duplicates.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from boeinghub_dagster.defs.publishing.steps.inflight import InFlight
from boeinghub_dagster.defs.publishing.steps.plans import ChunkResult, Plan, PublishSettings, PublishStats, Started
from boeinghub_dagster.defs.publishing.steps.work import Outcome, PartWork
from boeinghub_dagster.domain.images import pick_image_url
from boeinghub_dagster.domain.payloads import location_quantities, payload_hash, product_set_input
from boeinghub_dagster.domain.pricing import PriceDecision, decide_price, row_base_cost
from boeinghub_dagster.resources import faults
from boeinghub_dagster.resources.images import ProductImages
from boeinghub_dagster.resources.shopify import ShopifyClient
from boeinghub_dagster.resources.shopify_product import Held
from boeinghub_dagster.resources.store.extraction import StagingStore
from boeinghub_dagster.resources.store.overrides import OverrideStore
from boeinghub_dagster.resources.store.publishing import PublishingStore

STAGE = "publishing"
STREAM_TAG = (
    "boeinghub/publish-stream"  # on the runs publish_intake_sensor starts: their ranges may pass unstaged parts
)
CHUNK = 25  # parts per store round trip (pending rows before, results after), at least
NOT_STAGED = "not staged: materialize staged_products for this part first"
MAX_UNREACHABLE = 3  # consecutive parts whose call could not be completed: then the run stops


def next_day(now: datetime | None = None) -> datetime:
    """The next UTC midnight: when a part refused by the variant throttle is tried again."""
    now = now or datetime.now(UTC)
    return (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


class Publisher:
    def __init__(
        self,
        make_client: Callable[[], ShopifyClient],
        store: PublishingStore,
        staging: StagingStore,
        images: ProductImages,
        settings: PublishSettings,
        run_id: str,
        concurrency: int = 1,
    ):
        self.store, self.staging, self.images = store, staging, images
        self.settings, self.run_id = settings, run_id
        self.stats = PublishStats()
        self.inflight: InFlight[Plan, Outcome] = InFlight(make_client, max(1, concurrency))
        self.work = PartWork(store.engine, settings.publication_ids)
        self.chunk = max(CHUNK, 12 * self.inflight.concurrency)
        self._unreachable = 0
        self._lock = threading.Lock()

    def split(self, parts: list[str]) -> tuple[list[dict], list[tuple[str, str]], list[tuple[str, str]]]:
        """(fetched rows, blocked (part, reason), not staged (part, reason)), in part order."""
        rows = {r["part_number"]: r for r in self.staging.rows(parts)}
        fetched = [rows[p] for p in parts if p in rows and rows[p]["status"] == "fetched"]
        blocked = [
            (p, rows[p]["status_reason"] or rows[p]["status"])
            for p in parts
            if p in rows and rows[p]["status"] != "fetched"
        ]
        missing = [(p, NOT_STAGED) for p in parts if p not in rows]
        return fetched, blocked, missing

    def _input(self, row: dict, image_url: str | None, price: Decimal | None) -> dict:
        s = self.settings
        return product_set_input(
            row,
            price_markup_factor=s.markup,
            location_ids=s.location_ids,
            location_map=s.location_map,
            location_codes=s.location_codes,
            image_url=image_url,
            part_number=row["part_number"],
            price=price,
        )

    def _plan(
        self,
        row: dict,
        image_url: str,
        warning: str | None,
        result: ChunkResult,
        old: dict | None,
        price: Decimal | None,
    ) -> Plan:
        product = self._input(row, image_url, price)
        quantity = sum(location_quantities(row, self.settings.location_ids, self.settings.location_map).values())
        if warning:
            result.warnings.append((row["part_number"], warning))
        return Plan(
            row["part_number"],
            product["variants"][0]["inventoryItem"]["sku"],
            price,
            row_base_cost(row),
            quantity,
            image_url,
            product,
            payload_hash(product),
            Held.from_row(old),
        )

    def _decide(self, row: dict, old: dict | None, overrides: dict, holds: dict) -> PriceDecision:
        """`pricing.decide_price` for one part; a retired product's old price does not count (it comes back new)."""
        live = old if old and old.get("retired_at") is None else None
        return decide_price(
            row_base_cost(row),
            markup=self.settings.markup,
            hold_pct=self.settings.hold_pct,
            published_price=live and live["price"],
            published_cost=live and live["cost"],
            override=overrides.get(row["part_number"]),
            hold=holds.get(row["part_number"]),
        )

    def _listed(self, old: dict) -> bool:
        return set(self.settings.publication_ids) <= set(old.get("publications") or [])

    def publish(self, rows: list[dict]) -> Iterator[ChunkResult]:
        """One ChunkResult per chunk, in order; chunk k+1 is prepared and queued while chunk k's calls run."""
        chunks = [rows[start : start + self.chunk] for start in range(0, len(rows), self.chunk)]
        try:
            ahead: Started | None = None
            for index, rows_now in enumerate(chunks):
                current = ahead or self._start(rows_now)
                more = index + 1 < len(chunks) and self.inflight.stop is None
                ahead = self._start(chunks[index + 1]) if more else None
                yield self._finish(current)
                if self.inflight.stop is not None:
                    if ahead is not None:  # queued already: its parts never start, a few may have been in flight
                        yield self._finish(ahead)
                    raise self.inflight.stop.error
        finally:
            self.inflight.close()
            self._count()

    def _count(self) -> None:
        self.stats.calls, self.stats.throttled = self.inflight.calls(), self.inflight.throttled()
        self.stats.points = self.inflight.points()

    def _unchanged(self, old: dict, result: ChunkResult, relist: list[Plan]) -> None:
        if self._listed(old):
            result.unchanged.append(old)
        else:
            relist.append(
                Plan(
                    old["part_number"],
                    old["sku"],
                    old["price"],
                    old["cost"],
                    old["quantity"],
                    old["image_url"],
                    {},
                    old["payload_hash"],
                    Held.from_row(old),
                    relist=old,
                )
            )

    def _start(self, rows: list[dict]) -> Started:
        """Plan a chunk, write its holds and `pending` rows, queue its calls."""
        result = ChunkResult()
        parts = [r["part_number"] for r in rows]
        existing, holds = self.store.products(parts), self.store.holds(parts)
        overrides = OverrideStore(self.store.engine).current(parts)
        plans: list[Plan] = []
        relist: list[Plan] = []
        new_holds = []
        for row in rows:
            part, old = row["part_number"], existing.get(row["part_number"])
            decision = self._decide(row, old, overrides, holds)
            if old and old["payload_hash"] and old["image_url"]:
                if payload_hash(self._input(row, old["image_url"], decision.price)) == old["payload_hash"]:
                    self._unchanged(old, result, relist)
                    continue
            if decision.held:
                if decision.new_hold:
                    new_holds.append((part, decision.reference, decision.price, decision.held))
                result.held.append((part, decision.held))
                continue
            sku = row["sku"]
            try:
                image = self.images.store(
                    sku, pick_image_url(row.get("boeing_image_url"), row.get("boeing_thumbnail_url"))
                )
                plan = self._plan(row, image.url, image.warning, result, old, decision.price)
            except ValueError as exc:
                result.failed.append((part, str(exc)))
                continue
            if old and old["payload_hash"] == plan.hash:
                self._unchanged(old, result, relist)
                continue
            plans.append(plan)
        self.store.hold(new_holds)
        self.store.mark_pending(
            [{"part_number": p.part, "sku": p.sku, "price": p.price, "image_url": p.image_url} for p in plans],
            self.run_id,
        )
        return Started(result, self.inflight.submit(plans + relist, self._work, self.work.not_started))

    def _work(self, client: ShopifyClient, plan: Plan) -> Outcome:
        """One part's calls (on a worker thread); MAX_UNREACHABLE unreachable parts in a row halt the run."""
        outcome = self.work.run(client, plan)
        with self._lock:
            if outcome.unreachable:
                self._unreachable += 1
                if self._unreachable >= MAX_UNREACHABLE and outcome.exception is not None:
                    self.inflight.halt(outcome.exception)
            elif outcome.row is not None or outcome.settle is not None:
                self._unreachable = 0
        return outcome

    def _finish(self, started: Started) -> ChunkResult:
        """Collect a chunk's outcomes, then write them in one go."""
        result, settled = started.result, {}
        try:
            for plan, outcome in self.inflight.collect(started.submitted, self.work.broke):
                self._take(plan, outcome, result, settled)
        finally:
            self._write(result, settled)
            self._count()
        return result

    def _take(self, plan: Plan, outcome: Outcome, result: ChunkResult, settled: dict) -> None:
        """One part's outcome into the chunk's result."""
        if plan.relist is not None:
            if outcome.error:
                result.failed.append((plan.part, outcome.error))
            elif outcome.publications is not None:
                result.relisted.append({"part_number": plan.part, "publications": outcome.publications})
                result.unchanged.append({**plan.relist, "publications": outcome.publications})
            return
        if outcome.row is not None:  # Shopify answered and applied: a crash here leaves the row pending
            faults.point("publish.after_answer")
        if outcome.settle is not None:
            settled[plan.part] = outcome.settle
        if outcome.deferred:
            result.deferred.append((plan.part, outcome.deferred))
        elif outcome.row is not None and not outcome.error:
            result.published.append(outcome.row)
        elif outcome.row is not None:
            result.stored.append(outcome.row)
        if outcome.error:
            result.failed.append((plan.part, outcome.error))

    def _write(self, result: ChunkResult, settled: dict) -> None:
        self.store.record_published(result.published + result.stored)
        self.store.update_products(result.relisted)
        self.store.settle(settled)
        self.store.defer(dict(result.deferred), next_day())
        self.staging.record_failures(self.run_id, STAGE, result.failed)
