"""One rate limiter per external API, shared by every process through the store (docs/behaviour.md §9).

A small GCRA in one row, rather than pyrate-limiter's SQL buckets: pyrate's
PostgreSQL bucket needs its own psycopg pool beside SQLAlchemy's, answers
contention with an immediate "no" (NOWAIT) that callers must poll, and keeps a
row per call; its SQLite bucket needs a separate file and a file lock. Here a
caller reserves the next free slot in one short transaction (row lock on
PostgreSQL, `BEGIN IMMEDIATE` on SQLite), then sleeps until it, so
concurrent callers queue in order with no polling and no lost budget.
On PostgreSQL the slot is computed from the database clock, so hosts with
skewed clocks still share one budget.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine, select, text, update

from boeinghub_dagster.resources.store.schema import rate_limit_buckets
from boeinghub_dagster.resources.store.upsert import insert_ignore


@dataclass
class RateLimiter:
    engine: Engine
    name: str
    rate_per_min: float
    sleep: callable = field(default=time.sleep, repr=False)
    waited_seconds: float = 0.0
    acquired: int = 0

    def __post_init__(self):
        if self.rate_per_min <= 0:
            raise ValueError(f"rate for {self.name} must be positive, got {self.rate_per_min}")
        self.interval = 60.0 / self.rate_per_min
        with self.engine.begin() as conn:
            insert_ignore(
                conn,
                rate_limit_buckets,
                [{"name": self.name, "next_at": 0.0, "interval_seconds": self.interval, "updated_at": _utcnow()}],
                ["name"],
            )

    def reserve(self) -> float:
        """Take the next slot; return how many seconds to wait before using it."""
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                now = conn.execute(text("SELECT extract(epoch FROM clock_timestamp())::float8")).scalar_one()
                q = select(rate_limit_buckets.c.next_at).where(rate_limit_buckets.c.name == self.name).with_for_update()
            else:
                q = select(rate_limit_buckets.c.next_at).where(rate_limit_buckets.c.name == self.name)
            next_at = conn.execute(q).scalar_one()
            if conn.dialect.name != "postgresql":
                now = time.time()  # BEGIN IMMEDIATE holds the file lock from here to commit
            slot = max(next_at, now)
            conn.execute(
                update(rate_limit_buckets)
                .where(rate_limit_buckets.c.name == self.name)
                .values(next_at=slot + self.interval, interval_seconds=self.interval, updated_at=_utcnow())
            )
        return max(0.0, slot - now)

    def acquire(self) -> float:
        """Block until this caller may make one call; return the seconds waited."""
        wait = self.reserve()
        if wait > 0:
            self.sleep(wait)
        self.waited_seconds += wait
        self.acquired += 1
        return wait


def _utcnow() -> datetime:
    return datetime.now(UTC)
