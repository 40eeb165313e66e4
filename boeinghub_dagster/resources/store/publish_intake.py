"""Which parts the streaming publish intake should publish next (issue 8 item 7).

A part of a `publish`-target intake batch is due once its staging row is `fetched` and it has
no products row yet (or one retired before the part was staged again: dropped again, it comes
back), unless its last publishing failure is newer than its staging row (it would fail the
same way; re-staging it makes it due again) or it is deferred to a later day. Deferred parts
whose day has come are due whatever batch they came from.

A stream run's range may pass over a short gap of *quiet* parts between due ones, so that one
run takes a file's due parts however blocked or unknown parts scatter them (exact slices
broke at every such part, a few slices a tick: a file of already staged parts took hours).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, and_, exists, or_, select

from boeinghub_dagster.domain.clock import utcnow
from boeinghub_dagster.resources.store.schema import intake_batch_parts, intake_batches, part_failures, product_staging
from boeinghub_dagster.resources.store.schema_publishing import products, publish_deferrals


def due_parts(engine: Engine, limit: int, now: datetime | None = None) -> list[str]:
    """Up to `limit` part numbers due for publishing (unordered: the caller orders by partition)."""
    now = now or utcnow()
    s, p, f, d = product_staging.c, products.c, part_failures.c, publish_deferrals.c
    failed_since_staged = exists().where(f.part_number == s.part_number, f.stage == "publishing", f.at >= s.updated_at)
    deferred_later = exists().where(d.part_number == s.part_number, d.state == "deferred", d.retry_after > now)
    publish_batch = exists().where(
        intake_batch_parts.c.part_number == s.part_number,
        intake_batch_parts.c.batch_id == intake_batches.c.id,
        intake_batches.c.target == "publish",
        intake_batches.c.status != "canceled",  # cancel_intake_batch stops it
    )
    deferred_due = exists().where(d.part_number == s.part_number, d.state == "deferred", d.retry_after <= now)
    q = (
        select(s.part_number)
        .outerjoin(products, p.part_number == s.part_number)
        .where(
            s.status == "fetched",
            or_(p.part_number.is_(None), p.retired_at < s.updated_at),
            ~failed_since_staged,
            ~deferred_later,
            or_(publish_batch, deferred_due),
        )
        .limit(limit)
    )
    with engine.connect() as conn:
        return list(conn.execute(q).scalars())


MAX_GAP = 50  # most consecutive quiet parts one stream range passes over


def quiet_parts(engine: Engine, parts: list[str]) -> set[str]:
    """Those of `parts` a stream run passes over without a Shopify call or a failure: parts of a publish-target
    batch that are not staged (yet, or ever: the stream run skips them), blocked, or a product already."""
    s, p, bp, b = product_staging.c, products.c, intake_batch_parts.c, intake_batches.c
    out: set[str] = set()
    with engine.connect() as conn:
        for start in range(0, len(parts), 500):
            q = (
                select(bp.part_number)
                .distinct()
                .join(intake_batches, and_(b.id == bp.batch_id, b.target == "publish"))
                .outerjoin(product_staging, s.part_number == bp.part_number)
                .outerjoin(products, p.part_number == bp.part_number)
                .where(
                    bp.part_number.in_(parts[start : start + 500]),
                    or_(
                        s.part_number.is_(None),
                        s.status != "fetched",
                        and_(p.part_number.is_not(None), or_(p.retired_at.is_(None), p.retired_at >= s.updated_at)),
                    ),
                )
            )
            out.update(conn.execute(q).scalars())
    return out


def stream_parts(engine: Engine, due: list[str], keys: list[str]) -> list[str]:
    """`due` in partition order (`keys`), plus every gap of at most MAX_GAP quiet parts between two of them."""
    order = {p: i for i, p in enumerate(keys)}
    ranked = sorted((p for p in due if p in order), key=order.__getitem__)
    gaps = [
        keys[order[a] + 1 : order[z]]
        for a, z in zip(ranked, ranked[1:], strict=False)
        if 1 < order[z] - order[a] <= MAX_GAP + 1
    ]
    quiet = quiet_parts(engine, [p for gap in gaps for p in gap])
    bridged = [p for gap in gaps if all(p in quiet for p in gap) for p in gap]
    return sorted(ranked + bridged, key=order.__getitem__)


__all__ = ["due_parts", "quiet_parts", "stream_parts"]
