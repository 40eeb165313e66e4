"""The sync step as plain functions: due rows -> Boeing answers (shared queue) -> hash -> Shopify -> store.

The parts go into the shared Boeing request queue (`boeing_queue.ask_boeing`) at `PRIORITY_SYNC`,
so whoever holds the dispatch lease (this run, or an extraction run) packs them into the next calls ahead of any
extraction. Each answer is normalized and hashed as it lands: an unchanged part is a
`success` with no Shopify call; a changed one goes through `push.Pusher`. Every outcome and
its `sync_history` row are written per answer in one bulk transaction. Parts the run took
but never resolved (it died, or was stopped) go back to the status they had.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from boeinghub_dagster.defs.sync.steps.push import Change, Pusher
from boeinghub_dagster.domain.hashing import change_hash
from boeinghub_dagster.domain.normalization import normalize_response
from boeinghub_dagster.domain.sync_rules import SHOPIFY_ACTIVE, SHOPIFY_DRAFT, SyncState, after_failure, after_success
from boeinghub_dagster.resources.boeing_queue import (
    DISPATCH_LEASE,
    BatchAnswer,
    Dispatcher,
    ExtractionStats,
    ask_boeing,
    await_answers,
)
from boeinghub_dagster.resources.store import StoreResource
from boeinghub_dagster.resources.store.leases import Lease

MARGIN = 0.02  # of an hour's Boeing calls, left for retries and token refreshes


def hourly_capacity(rate_per_min: float, batch_size: int, margin: float = MARGIN) -> int:
    """Parts one bucket may take so that its Boeing calls fit in one hour: (rate × 60 − margin) × batch."""
    calls = rate_per_min * 60
    return max(1, math.floor(calls - max(1.0, math.ceil(calls * margin)))) * batch_size


@dataclass
class SyncTally:
    due: int = 0
    taken: int = 0
    fetched: int = 0
    unchanged: int = 0
    changed: int = 0
    pushed: int = 0
    held: list[tuple[str, str]] = field(default_factory=list)
    deferred: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    activated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    boeing: ExtractionStats = field(default_factory=ExtractionStats)
    seconds: float = 0.0

    def reasons(self) -> dict[str, int]:
        return dict(Counter(r for _, r in self.failed).most_common(20))


def _state(s: dict) -> SyncState:
    return SyncState.from_row({**s, "sync_status": s.get("previous_status") or s["sync_status"]})


class Syncer:
    """Applies answers to the rows this run took, writing outcomes as they land."""

    def __init__(self, store: StoreResource, pusher: Pusher, rows: list[dict], now: datetime, tally: SyncTally):
        self.sync, self.pusher, self.now, self.tally = store.sync(), pusher, now, tally
        self.rows = {r["part_number"]: {**r, "previous_status": r["sync_status"]} for r in rows}
        self.open = set(self.rows)

    def apply(self, answer: BatchAnswer) -> None:
        failures = list(answer.failures)
        normalized: list[dict] = []
        if answer.returned and answer.payload is None:
            failures += [(p, "Boeing answer missing from the store") for p in answer.returned]
        elif answer.returned:
            try:
                batch = normalize_response(answer.returned, answer.payload, self.pusher.settings.location_map)
                normalized = batch.rows
                failures += [(f.part_number, f.reason) for f in batch.failures]
            except ValueError as exc:
                failures += [(p, str(exc)) for p in answer.returned]
        self.tally.fetched += len(normalized)
        changes, updates, history, shop = [], [], [], []
        for row in normalized:
            s = self.rows[row["part_number"]]
            digest = change_hash(row)
            if s.get("last_hash") == digest:
                self.tally.unchanged += 1
                self._success(s, None, "unchanged", None, updates, history)
            else:
                changes.append(Change(row, s, digest))
        self.tally.changed += len(changes)
        self.pusher.push(changes)
        for c in changes:
            if c.error:
                failures.append((c.row["part_number"], c.error))
            else:
                self._success(c.sched, c, "held" if c.held else "changed", c.held, updates, history)
                shop.append(self._shop_row(c))
        for part, reason in failures:
            self._failure(self.rows[part], reason, updates, history)
        self.sync.record(updates, history, shop)
        self.open -= {u["part_number"] for u in updates}

    def _shop_row(self, c: Change) -> dict:
        row = {
            "part_number": c.row["part_number"],
            "quantity": int(c.row.get("inventory_quantity") or 0),
            "updated_at": self.now,
        }
        if not c.held and c.base is not None:
            row.update(price=c.price, cost=c.base)
        if c.stocked is not None:
            row["stocked_locations"] = c.stocked
        return row

    def _success(
        self, s: dict, c: Change | None, outcome: str, reason: str | None, updates: list, history: list
    ) -> None:
        decision = after_success(_state(s))
        cols = {**decision.columns(), "part_number": s["part_number"], "last_sync_at": self.now, "updated_at": self.now}
        if decision.activate:
            error = self.pusher.set_status(s.get("shopify_product_id"), SHOPIFY_ACTIVE)
            if error:
                cols["shopify_status"] = SHOPIFY_DRAFT
                reason = f"{reason + '; ' if reason else ''}setting ACTIVE failed: {error}"
            else:
                self.tally.activated.append(s["part_number"])
        new_price, new_qty = s.get("last_price"), s.get("last_quantity")
        if c is not None:
            self.tally.pushed += 1
            if outcome == "held":
                self.tally.held.append((s["part_number"], reason or ""))
            new_qty = int(c.row.get("inventory_quantity") or 0)
            cols.update(
                last_quantity=new_qty,
                last_inventory_status=c.row.get("inventory_status"),
                last_locations=[
                    {"location": x["location"], "quantity": x["quantity"]} for x in c.row.get("locations") or []
                ],
            )
            if outcome == "changed":
                new_price = c.base if c.base is not None else new_price
                cols.update(last_hash=c.hash, last_price=new_price)
        else:
            cols.update(last_hash=s.get("last_hash"))
        updates.append(cols)
        history.append(self._history(s, outcome, new_price, new_qty, reason))

    def _failure(self, s: dict, reason: str, updates: list, history: list) -> None:
        decision = after_failure(_state(s), reason, self.pusher.settings.max_failures)
        cols = {**decision.columns(), "part_number": s["part_number"], "updated_at": self.now}
        if decision.deactivate:
            error = self.pusher.set_status(s.get("shopify_product_id"), SHOPIFY_DRAFT)
            if error:
                cols["shopify_status"] = s.get("shopify_status")
                cols["last_error"] = (decision.last_error or "")[:400] + f"; setting DRAFT failed: {error}"[:100]
            else:
                self.tally.deactivated.append(s["part_number"])
        self.tally.failed.append((s["part_number"], reason))
        updates.append(cols)
        history.append(self._history(s, "failed", None, None, reason))

    def _history(self, s: dict, outcome: str, new_price, new_qty, reason: str | None) -> dict:
        return {
            "part_number": s["part_number"],
            "sku": s["sku"],
            "at": self.now,
            "outcome": outcome,
            "old_price": s.get("last_price"),
            "new_price": new_price,
            "old_quantity": s.get("last_quantity"),
            "new_quantity": new_qty,
            "reason": reason,
        }

    def restore_open(self) -> None:
        """Rows taken but not resolved go back to the status they had (not left `syncing`)."""
        updates = [
            {"part_number": p, "sync_status": self.rows[p]["previous_status"], "updated_at": self.now}
            for p in self.open
        ]
        self.sync.record(updates, [])
        self.open.clear()


def sync_rows(
    store: StoreResource,
    boeing,
    pusher: Pusher,
    rows: list[dict],
    now: datetime,
    requested_by: str,
    run_id: str,
    tally: SyncTally,
    poll_seconds: float = 0.5,
    answers_since: datetime | None = None,
) -> SyncTally:
    """Fetch `rows` through the shared queue at sync priority and apply every answer as it lands.

    `answers_since`: Boeing answers since then count (a retry reuses what its killed attempt fetched)."""
    started = time.monotonic()
    parts = [r["part_number"] for r in rows]
    tally.taken = len(parts)
    if not parts:
        return tally
    store.sync().mark_syncing(parts, now, run_id)
    syncer = Syncer(store, pusher, rows, now, tally)
    requests, raw_store, batch = store.requests(), store.extraction(), boeing.effective_batch_size()

    def enqueue(todo: list[str]) -> int:
        return ask_boeing(requests, todo, requested_by, batch, sync=True)

    dispatcher = Dispatcher(
        boeing.client, requests, raw_store, Lease(store.engine(), DISPATCH_LEASE, run_id), batch, run_id, tally.boeing
    )
    try:
        since = answers_since or now
        for answer in await_answers(parts, since, enqueue, requests, raw_store, dispatcher, poll_seconds, now):
            syncer.apply(answer)
    finally:
        syncer.restore_open()
        tally.seconds = time.monotonic() - started
    return tally
