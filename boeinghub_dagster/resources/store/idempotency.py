"""Attempt numbers of idempotent Shopify calls (`shopify_idempotency`; resources/shopify_idempotency.py).

A row exists only for a call whose key failed at least once, so the table holds the rare
failures, not every call. `advance` is committed before the call with the new key is sent:
a run that dies in between comes back to that same key.
"""

from __future__ import annotations

from sqlalchemy import Engine, select

from boeinghub_dagster.domain.clock import utcnow
from boeinghub_dagster.resources.store.schema_shopify import shopify_idempotency
from boeinghub_dagster.resources.store.upsert import upsert


class IdempotencyStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    def attempt(self, base: str) -> int:
        """The attempt whose key the next call of `base` sends (0 when none ever failed)."""
        with self.engine.connect() as conn:
            q = select(shopify_idempotency.c.attempt).where(shopify_idempotency.c.base == base)
            return conn.execute(q).scalar_one_or_none() or 0

    def advance(self, base: str, failed: int, error: str) -> int:
        """Attempt `failed` failed: the next key is the one after it (never an older one); returns it."""
        with self.engine.begin() as conn:
            q = select(shopify_idempotency.c.attempt).where(shopify_idempotency.c.base == base)
            current = conn.execute(q).scalar_one_or_none() or 0
            attempt = max(current, failed + 1)
            upsert(
                conn,
                shopify_idempotency,
                [{"base": base, "attempt": attempt, "last_error": error[:2000], "updated_at": utcnow()}],
                ["base"],
            )
        return attempt
