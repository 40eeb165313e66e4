"""Adaptive Shopify limiter: publishing spends the shop's cost bucket, not a fixed rate (docs/behaviour.md §7, §9).

Shopify meters an app per shop with a leaky bucket (`maximumAvailable` points refilled at
`restoreRate`/s) and reports it on every answer. Until one answer has been seen the hub keeps
to the floor, `SHOPIFY_RATE_PER_MIN` calls a minute (the GCRA `RateLimiter`). From then on a
mirror of the bucket in one store row (`shopify_buckets`), shared by every process and run
like the Boeing limiter, decides:

- `acquire(cost)`: in one short transaction (row lock and the database clock on PostgreSQL,
  `BEGIN IMMEDIATE` on SQLite) refill the mirror by elapsed × restore rate, reserve `cost`
  points (a negative balance is a queue of callers), commit, then sleep until the balance
  before this reservation covered it. Callers are served in reservation order, no polling.
- `observe(...)`: Shopify's `currentlyAvailable` is the truth, but it cannot see what was
  reserved after this request was (those callers are asleep or in flight). The mirror becomes
  min(mirror corrected by this call's estimate error, server value − points reserved since),
  capped at the maximum: never above what either side allows.

`estimate(document)` is the cost to reserve: the `requestedQueryCost` of the last answer for
the same document in this process, else 10 for a mutation and 1 + the `first:` sizes (1–50)
for a query. An under-estimate can cost one THROTTLED retry, never a lost call.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Engine, select, text, update

from boeinghub_dagster.resources.limiter import RateLimiter
from boeinghub_dagster.resources.store.schema_shopify import shopify_buckets
from boeinghub_dagster.resources.store.upsert import insert_ignore

MUTATION_ESTIMATE = 10
MAX_QUERY_COST = 1000  # Shopify refuses a document over this (MAX_COST_EXCEEDED) without charging it
QUERY_ESTIMATE_RANGE = (1, 50)
_FIRST = re.compile(r"\b(?:first|last)\s*:\s*(\d+)")
_MUTATION = re.compile(r"^\s*(?:#[^\n]*\n\s*)*mutation\b")
_estimates: dict[str, float] = {}
_estimates_lock = threading.Lock()


def _doc_key(document: str) -> str:
    return hashlib.sha1(document.encode()).hexdigest()


def default_estimate(document: str) -> float:
    """10 for a mutation; for a query 1 + the sum of its literal `first:`/`last:` sizes, within 1–50."""
    if _MUTATION.match(document):
        return float(MUTATION_ESTIMATE)
    low, high = QUERY_ESTIMATE_RANGE
    return float(min(high, max(low, 1 + sum(int(n) for n in _FIRST.findall(document)))))


def estimate(document: str) -> float:
    """Points to reserve for `document`: its last `requestedQueryCost` here, else the default."""
    return _estimates.get(_doc_key(document)) or default_estimate(document)


def learn(document: str, requested_cost: float | None) -> None:
    """Remember the server's price for `document` (per process, in memory); a refused price is not one."""
    if requested_cost is not None and 0 < requested_cost <= MAX_QUERY_COST:
        with _estimates_lock:
            _estimates[_doc_key(document)] = float(requested_cost)


@dataclass(frozen=True)
class Reservation:
    """One call's claim on the bucket; `observe` needs it to tell its own points from others'."""

    cost: float
    reserved_after: float  # the row's reserved_total once this reservation was added
    bucket_mode: bool  # False: paced by the floor, the points never left the mirror
    wait: float


@dataclass
class ShopifyLimiter:
    engine: Engine
    name: str
    floor_per_min: float
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    waited_seconds: float = 0.0
    acquired: int = 0

    def __post_init__(self):
        self.floor = RateLimiter(self.engine, f"{self.name}:floor", self.floor_per_min, sleep=self.sleep)
        row = {
            "name": self.name,
            "maximum": 0.0,
            "available": 0.0,
            "restore_rate": 0.0,
            "known": False,
            "reserved_total": 0.0,
            "updated_at": 0.0,
        }
        with self.engine.begin() as conn:
            insert_ignore(conn, shopify_buckets, [row], ["name"])

    def _locked_row(self, conn) -> tuple[Mapping, float]:
        """The bucket row, locked until commit, and the time to reckon with."""
        q = select(shopify_buckets).where(shopify_buckets.c.name == self.name)
        if conn.dialect.name == "postgresql":
            now = conn.execute(text("SELECT extract(epoch FROM clock_timestamp())::float8")).scalar_one()
            return conn.execute(q.with_for_update()).mappings().one(), now
        row = conn.execute(q).mappings().one()
        return row, time.time()  # BEGIN IMMEDIATE holds the file lock from here to commit

    def _set(self, conn, **values) -> None:
        conn.execute(update(shopify_buckets).where(shopify_buckets.c.name == self.name).values(**values))

    @staticmethod
    def _refilled(row: Mapping, now: float) -> float:
        elapsed = max(0.0, now - row["updated_at"])
        return min(row["maximum"], row["available"] + elapsed * row["restore_rate"])

    def reserve(self, cost: float) -> Reservation:
        """Reserve `cost` points; return the reservation and how long to wait before using it."""
        cost = max(0.0, float(cost))
        with self.engine.begin() as conn:
            row, now = self._locked_row(conn)
            if row["known"]:
                cost = min(cost, row["maximum"])  # a bigger claim could never be covered
            total = row["reserved_total"] + cost
            if not row["known"]:
                self._set(conn, reserved_total=total)
                bucket_mode, wait = False, 0.0
            else:
                balance = self._refilled(row, now) - cost
                self._set(conn, available=balance, updated_at=now, reserved_total=total)
                bucket_mode, wait = True, max(0.0, -balance / row["restore_rate"])
        if not bucket_mode:
            wait = self.floor.reserve()
        return Reservation(cost=cost, reserved_after=total, bucket_mode=bucket_mode, wait=wait)

    def acquire(self, cost: float) -> Reservation:
        """Block until a call of `cost` points may go; return its reservation."""
        reservation = self.reserve(cost)
        if reservation.wait > 0:
            self.sleep(reservation.wait)
        self.waited_seconds += reservation.wait
        self.acquired += 1
        return reservation

    def observe(
        self,
        reservation: Reservation,
        throttle_status: Mapping,
        actual_cost: float | None,
        requested_cost: float | None = None,
    ) -> None:
        """Correct the mirror from one answer's `throttleStatus` and switch to bucket mode.

        `actual_cost` is what the server kept (0 or None for a THROTTLED answer, which costs
        nothing); `requested_cost` is accepted for symmetry with Shopify's `extensions.cost`.
        """
        try:
            maximum = float(throttle_status["maximumAvailable"])
            server = float(throttle_status["currentlyAvailable"])
            rate = float(throttle_status["restoreRate"])
        except (KeyError, TypeError, ValueError):
            return  # no usable status: the mirror stays as it is
        if maximum <= 0 or rate <= 0:
            return
        kept = float(actual_cost or 0)
        with self.engine.begin() as conn:
            row, now = self._locked_row(conn)
            reserved_since = max(0.0, row["reserved_total"] - reservation.reserved_after)
            balance = server - reserved_since
            if row["known"]:
                mirror = self._refilled(row, now)
                if reservation.bucket_mode:
                    mirror += reservation.cost - kept  # this call's estimate vs. what it really cost
                balance = min(balance, mirror)
            self._set(
                conn, maximum=maximum, restore_rate=rate, known=True, available=min(maximum, balance), updated_at=now
            )

    def status(self) -> dict:
        """The row as stored (for tests and run metadata)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(shopify_buckets).where(shopify_buckets.c.name == self.name)).mappings().one()
        return dict(row)
