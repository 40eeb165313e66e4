"""Which parts the streaming publish intake should publish next (issue 8 item 7).

A part of a `publish`-target intake batch is due once its staging row is `fetched` and it has
no products row yet, unless its last publishing failure is newer than its staging row (it
would fail the same way; re-staging it makes it due again) or it is deferred to a later
day. Deferred parts whose day has come are due whatever batch they came from.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, exists, or_, select

from .extraction import utcnow
from .schema import intake_batch_parts, intake_batches, part_failures, product_staging
from .schema_publishing import products, publish_deferrals


def due_parts(engine: Engine, limit: int, now: datetime | None = None) -> list[str]:
    """Up to `limit` part numbers due for publishing (unordered: the caller orders by partition)."""
    now = now or utcnow()
    s, p, f, d = product_staging.c, products.c, part_failures.c, publish_deferrals.c
    failed_since_staged = exists().where(f.part_number == s.part_number, f.stage == "publishing", f.at >= s.updated_at)
    deferred_later = exists().where(d.part_number == s.part_number, d.state == "deferred", d.retry_after > now)
    publish_batch = exists().where(
        intake_batch_parts.c.part_number == s.part_number, intake_batch_parts.c.batch_id == intake_batches.c.id,
        intake_batches.c.target == "publish",
    )
    deferred_due = exists().where(d.part_number == s.part_number, d.state == "deferred", d.retry_after <= now)
    q = (
        select(s.part_number)
        .outerjoin(products, p.part_number == s.part_number)
        .where(s.status == "fetched", p.part_number.is_(None), ~failed_since_staged, ~deferred_later,
               or_(publish_batch, deferred_due))
        .limit(limit)
    )
    with engine.connect() as conn:
        return list(conn.execute(q).scalars())


__all__ = ["due_parts"]
