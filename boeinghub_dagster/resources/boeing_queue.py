"""The shared Boeing request queue and its dispatcher: whoever needs Boeing answers (an extraction
run, an intake chunk, the hourly sync) puts parts in one queue (`ask_boeing`), and the run that
holds the dispatch lease sends full calls for every waiting run's parts; each run takes back the
answers for its own parts as they land, whoever asked for them.

Every call packs up to the batch size from all waiting requests (every run's, the hourly
sync's first), so ten 1-part runs cost one call, not ten. Answers younger than the run's
`since` count as this run's answers (reused, not asked again), so a run killed half-way
and re-run spends no Boeing budget twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Container, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from boeinghub_dagster.domain.clock import utcnow
from boeinghub_dagster.domain.normalization import NOT_RETURNED, match_items
from boeinghub_dagster.resources import faults
from boeinghub_dagster.resources.boeing import BoeingClient, BoeingRequestError
from boeinghub_dagster.resources.store.extraction import ExtractionStore
from boeinghub_dagster.resources.store.leases import Lease, LeaseLost
from boeinghub_dagster.resources.store.requests import PRIORITY_EXTRACTION, PRIORITY_SYNC, RequestStore

DISPATCH_LEASE = "boeing-dispatch"
HEAL_SECONDS = 30.0  # how often a waiting run re-queues parts whose request vanished


@dataclass
class BatchAnswer:
    """This run's parts resolved by one stored answer (or one refused request)."""

    raw_response_id: int | None
    payload: dict | None
    returned: list[str]
    failures: list[tuple[str, str]] = field(default_factory=list)
    reused: bool = False


@dataclass
class ExtractionStats:
    calls: int = 0
    waited_seconds: float = 0.0
    dispatch_seconds: float = 0.0  # slot waits and calls this run made as the dispatcher
    lease_lost: int = 0  # times this run found its lease taken over (it had stalled) and stopped dispatching


def ask_boeing(
    requests: RequestStore,
    parts: Sequence[str],
    requested_by: str,
    batch_size: int,
    *,
    sync: bool = False,
    answered: Container[str] = (),
) -> int:
    """Put `parts` (less those `answered` already) in the shared Boeing request queue for `requested_by`.

    The one way a Boeing request is queued (extraction runs, their backfill, intake chunks, the sync):
    sync parts at `PRIORITY_SYNC`, ahead of every extraction's. Returns the rows added."""
    todo = [p for p in parts if p not in answered] if answered else list(parts)
    return requests.enqueue(todo, requested_by, PRIORITY_SYNC if sync else PRIORITY_EXTRACTION, batch_size)


def line_items(payload: dict) -> list[dict]:
    items = payload.get("lineItems") or []
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


class Dispatcher:
    """Sends one call at a time for everyone's waiting parts, while its run holds the lease."""

    def __init__(
        self,
        client_factory: Callable[[], BoeingClient],
        requests: RequestStore,
        raw_store: ExtractionStore,
        lease: Lease,
        batch_size: int,
        run_id: str,
        stats: ExtractionStats,
    ):
        self._client_factory, self._client = client_factory, None
        self.requests, self.raw_store, self.lease = requests, raw_store, lease
        self.batch_size, self.run_id, self.stats = batch_size, run_id, stats

    @property
    def client(self) -> BoeingClient:
        if self._client is None:
            self._client = self._client_factory()
        return self._client

    def serving(self) -> bool:
        """Whether to keep calling for other runs once this run's own parts are answered: while it
        holds the lease, parts wait, and no other run has asked for the lease (a run that is about
        to end hands over to one that just started, and never idles a slot meanwhile)."""
        return self.lease.held and not self.lease.wanted() and self.requests.has_waiting()

    def _lost(self) -> bool:
        self.stats.lease_lost += 1
        self.lease.drop()
        return False

    def step(self) -> bool:
        """Make one call if there is work and the lease; True when a call was made.

        The claim is fenced by the lease's token, and the token is confirmed right before the call:
        a dispatcher that stalled past its lease and lost it sends nothing more (leases.py).
        """
        if self.lease.lost:  # its heartbeat found the lease taken over while this process stalled
            return self._lost()
        if not self.lease.try_take():
            return False
        held_back = self.requests.release_stale(self.lease)  # a dead or stalled holder's claims, once safe
        if not self.requests.has_waiting():
            if not held_back:  # keep the lease (and its takeover time) while a stalled holder's claims wait
                self.lease.release()
            return False
        started, holder = time.monotonic(), self.lease.holder
        self.client.limiter.acquire()  # claim after the wait: parts queued meanwhile ride along
        try:
            batch = self.requests.claim(holder, self.batch_size, self.lease.fence())
        except LeaseLost:
            return self._lost()
        if not batch:
            return False
        faults.point("extraction.dispatch_claimed")
        try:
            payload = self.client.price(
                batch, slot_taken=True, before_send=lambda: self.requests.confirm_send(self.lease, batch)
            ).payload
        except LeaseLost:  # checked right before sending: these parts were never asked
            self.requests.release(holder)
            return self._lost()
        except BoeingRequestError as exc:
            self.requests.finish(holder, [], None, {p: str(exc) for p in batch})
            return True
        except BaseException:
            self.requests.release(holder)
            self.close()
            raise
        finally:
            self.stats.calls = self.client.calls
            self.stats.waited_seconds = self.client.limiter.waited_seconds
        matched = match_items(batch, line_items(payload))
        raw_id = self.raw_store.record_raw_answer(batch, payload, matched, self.run_id)
        self.requests.finish(holder, batch, raw_id, {p: NOT_RETURNED for p in batch if p not in matched})
        self.stats.dispatch_seconds += time.monotonic() - started
        return True

    def close(self) -> None:
        self.lease.release()
        if self._client is not None:
            self._client.close()


def _answers(index: dict, raw_store: ExtractionStore, order: dict[str, int], started: datetime) -> list[BatchAnswer]:
    """Group resolved parts (part -> (raw id, returned, fetched at)) by their answer."""
    by_raw: dict[int, list[str]] = {}
    for part, (raw_id, _, _) in index.items():
        by_raw.setdefault(raw_id, []).append(part)
    payloads = raw_store.payloads(list(by_raw))
    out = []
    for raw_id, parts in sorted(by_raw.items()):
        parts.sort(key=order.__getitem__)
        returned = [p for p in parts if index[p][1]]
        failures = [(p, NOT_RETURNED) for p in parts if not index[p][1]]
        reused = all(index[p][2] < started for p in parts)
        out.append(BatchAnswer(raw_id, payloads.get(raw_id), returned, failures, reused))
    return out


def await_answers(
    parts: list[str],
    since: datetime,
    enqueue: Callable[[list[str]], int],
    requests: RequestStore,
    raw_store: ExtractionStore,
    dispatcher: Dispatcher | None,
    poll_seconds: float = 1.0,
    started: datetime | None = None,
) -> Iterator[BatchAnswer]:
    """Yield this run's parts as their answers land (answers since `since` count), dispatching meanwhile.

    With no dispatcher (re-staging only), yields what is stored and stops.
    """
    order = {p: i for i, p in enumerate(parts)}
    pending = set(parts)
    started = started or utcnow()
    stored = raw_store.latest_index(parts, since)
    for answer in _answers(stored, raw_store, order, started):
        pending -= set(answer.returned) | {p for p, _ in answer.failures}
        yield answer
    if dispatcher is None or not pending:
        return
    enqueue(sorted(pending - requests.open_parts(list(pending)), key=order.__getitem__))
    cursor, healed = utcnow() - timedelta(seconds=5), time.monotonic()
    try:
        while pending or dispatcher.serving():
            called = dispatcher.step()
            checked = utcnow()
            fresh = {p: v for p, v in raw_store.index_since(cursor).items() if p in pending}
            for answer in _answers(fresh, raw_store, order, started):
                pending -= set(answer.returned) | {p for p, _ in answer.failures}
                yield answer
            refused = requests.failed_since(list(pending), cursor) if pending else {}
            if refused:
                pending -= set(refused)
                yield BatchAnswer(None, None, [], sorted(refused.items(), key=lambda f: order[f[0]]))
            cursor = checked - timedelta(seconds=5)
            if pending and time.monotonic() - healed > HEAL_SECONDS:
                enqueue(sorted(pending - requests.open_parts(list(pending)), key=order.__getitem__))
                healed = time.monotonic()
            if not called:
                time.sleep(poll_seconds)
    finally:
        dispatcher.close()
