"""Store operations for the hourly sync (docs/behaviour.md §8): due rows, outcomes, history, dashboard figures.

The schedule rows are written by publishing (`PublishingStore.record_published`); the sync
reads them joined with the part's Shopify ids from `products`, marks the rows it takes
`syncing`, and writes every outcome and its `sync_history` row in one bulk transaction.
Timestamps come in as `now`: the clock is the caller's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine, and_, delete, func, insert, or_, select, update

from boeinghub_dagster.domain.clock import aware, utcnow
from boeinghub_dagster.domain.slots import HOURS
from boeinghub_dagster.domain.sync_rules import FAILED, PENDING, SUCCESS, SYNCING
from boeinghub_dagster.resources.store.price_history import record_changes
from boeinghub_dagster.resources.store.publishing import update_many
from boeinghub_dagster.resources.store.schema_publishing import product_sync_schedule as sched
from boeinghub_dagster.resources.store.schema_publishing import products, sync_history
from boeinghub_dagster.resources.store.upsert import chunks

JOINED = [
    *sched.c,
    products.c.shopify_variant_id,
    products.c.inventory_item_id,
    products.c.stocked_locations,
    products.c.price.label("shop_price"),
    products.c.cost.label("shop_cost"),
]


def _row(r) -> dict:
    out = dict(r._mapping)
    for key in ("last_sync_at", "updated_at"):
        if out.get(key) is not None:
            out[key] = aware(out[key])
    return out


class SyncStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    def _select(self):
        return select(*JOINED).select_from(sched.outerjoin(products, products.c.part_number == sched.c.part_number))

    # -- reading ------------------------------------------------------------------------------
    def bucket_counts(self, active_only: bool = False) -> list[int]:
        counts = [0] * HOURS
        q = select(sched.c.hour_bucket, func.count()).group_by(sched.c.hour_bucket)
        if active_only:
            q = q.where(sched.c.is_active.is_(True))
        with self.engine.connect() as conn:
            for hour, n in conn.execute(q):
                counts[hour] = n
        return counts

    def _due_where(self, buckets: Sequence[int], due_before: datetime):
        return and_(
            sched.c.hour_bucket.in_(list(buckets)),
            sched.c.is_active.is_(True),
            sched.c.sync_status.in_((PENDING, SUCCESS)),
            or_(sched.c.last_sync_at.is_(None), sched.c.last_sync_at < due_before),
        )

    def due(self, buckets: Sequence[int], due_before: datetime, limit: int) -> tuple[list[dict], int]:
        """(the `limit` stalest due rows, how many are due in all): docs/behaviour.md §8 Dispatch, `is_due` in SQL."""
        if not buckets:
            return [], 0
        where = self._due_where(buckets, due_before)
        stalest = (sched.c.last_sync_at.is_(None).desc(), sched.c.last_sync_at, sched.c.part_number)
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(sched).where(where)).scalar_one()
            rows = [_row(r) for r in conn.execute(self._select().where(where).order_by(*stalest).limit(max(0, limit)))]
        return rows, total

    def rows(self, part_numbers: Sequence[str]) -> dict[str, dict]:
        out: dict[str, dict] = {}
        with self.engine.connect() as conn:
            for part in chunks(list(part_numbers)):
                out.update(
                    {r.part_number: _row(r) for r in conn.execute(self._select().where(sched.c.part_number.in_(part)))}
                )
        return out

    def by_sku_or_part(self, value: str) -> list[dict]:
        q = self._select().where(or_(sched.c.part_number == value, sched.c.sku == value)).order_by(sched.c.part_number)
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(q)]

    def failed_for_retry(self, max_failures: int, limit: int) -> list[dict]:
        """Active `failed` rows with fewer than `max_failures` failures, oldest attempt first.

        docs/behaviour.md §8 Retry.
        """
        q = (
            self._select()
            .where(
                sched.c.is_active.is_(True), sched.c.sync_status == FAILED, sched.c.consecutive_failures < max_failures
            )
            .order_by(sched.c.updated_at, sched.c.part_number)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(q)]

    def all_rows(self) -> list[dict]:
        """Every schedule row without the join (dashboard and freshness: a few columns per part)."""
        cols = (
            sched.c.part_number,
            sched.c.sku,
            sched.c.hour_bucket,
            sched.c.sync_status,
            sched.c.is_active,
            sched.c.consecutive_failures,
            sched.c.last_sync_at,
            sched.c.last_error,
        )
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(select(*cols).order_by(sched.c.part_number))]

    def stale_active(self, before: datetime) -> list[dict]:
        """Active parts not synced since `before` (never synced: published before it), stalest first."""
        seen = func.coalesce(sched.c.last_sync_at, products.c.published_at, sched.c.updated_at)
        q = (
            select(sched.c.part_number, sched.c.sku, sched.c.hour_bucket, sched.c.last_sync_at, sched.c.sync_status)
            .select_from(sched.outerjoin(products, products.c.part_number == sched.c.part_number))
            .where(sched.c.is_active.is_(True), seen < before)
            .order_by(sched.c.last_sync_at.is_(None).desc(), sched.c.last_sync_at, sched.c.part_number)
        )
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(q)]

    def history(self, since: datetime, until: datetime | None = None) -> list[dict]:
        q = select(sync_history).where(sync_history.c.at >= since).order_by(sync_history.c.id)
        if until is not None:
            q = q.where(sync_history.c.at < until)
        with self.engine.connect() as conn:
            return [{**dict(r._mapping), "at": aware(r.at)} for r in conn.execute(q)]

    def outcome_counts(self, since: datetime, until: datetime | None = None) -> dict[str, int]:
        q = (
            select(sync_history.c.outcome, func.count())
            .where(sync_history.c.at >= since)
            .group_by(sync_history.c.outcome)
        )
        if until is not None:
            q = q.where(sync_history.c.at < until)
        with self.engine.connect() as conn:
            return {o: n for o, n in conn.execute(q)}

    # -- writing ------------------------------------------------------------------------------
    def mark_syncing(self, part_numbers: Sequence[str], now: datetime, run_id: str | None = None) -> None:
        """`syncing`, keeping the status each row had and the run that took it (`give_back`)."""
        with self.engine.begin() as conn:
            for part in chunks(list(part_numbers)):
                conn.execute(
                    update(sched)
                    .where(sched.c.part_number.in_(part), sched.c.sync_status != SYNCING)
                    .values(status_before_sync=sched.c.sync_status)
                )
                conn.execute(
                    update(sched)
                    .where(sched.c.part_number.in_(part))
                    .values(sync_status=SYNCING, updated_at=now, syncing_run=run_id)
                )

    def give_back(self, run_ids: Sequence[str], now: datetime) -> int:
        """Rows that dead runs (`run_ids`) left `syncing` get the status they had back, so their retry takes them."""
        where = and_(sched.c.sync_status == SYNCING, sched.c.syncing_run.in_(list(run_ids)))
        status = func.coalesce(sched.c.status_before_sync, PENDING)
        with self.engine.begin() as conn:
            return conn.execute(
                update(sched)
                .where(where)
                .values(sync_status=status, syncing_run=None, status_before_sync=None, updated_at=now)
            ).rowcount

    def record(self, updates: Sequence[dict], history: Sequence[dict], shop: Sequence[dict] = ()) -> None:
        """Schedule updates (by part, same columns per group), history rows and `products` figures (each price or
        stock change also in `price_history`), one transaction."""
        with self.engine.begin() as conn:
            for _cols, group in _by_columns(updates).items():
                update_many(conn, sched, group)
            for part in chunks(list(history)):
                conn.execute(insert(sync_history), list(part))
            record_changes(conn, shop, "sync", utcnow())
            for _cols, group in _by_columns(shop).items():
                update_many(conn, products, group)

    def reset_stuck(self, before: datetime, now: datetime) -> list[str]:
        """`syncing` rows unchanged since `before` go back to `pending`; returns their part numbers."""
        where = and_(sched.c.sync_status == SYNCING, or_(sched.c.updated_at < before, sched.c.updated_at.is_(None)))
        with self.engine.begin() as conn:
            parts = list(conn.execute(select(sched.c.part_number).where(where)).scalars())
            for part in chunks(parts):
                conn.execute(
                    update(sched)
                    .where(sched.c.part_number.in_(part), sched.c.sync_status == SYNCING)
                    .values(sync_status=PENDING, updated_at=now)
                )
        return sorted(parts)

    def prune_history(self, before: datetime) -> int:
        with self.engine.begin() as conn:
            return conn.execute(delete(sync_history).where(sync_history.c.at < before)).rowcount


def _by_columns(rows: Sequence[dict]) -> dict[tuple, list[dict]]:
    """`update_many` sets the columns of a group's first row: group rows by their column set."""
    out: dict[tuple, list[dict]] = {}
    for row in rows:
        out.setdefault(tuple(sorted(row)), []).append(row)
    return out
