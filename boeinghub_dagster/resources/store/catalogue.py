"""The catalogue at a glance (issue 15 item 6): counts by stage and status, the newest changes, prices and
stock of the live products, and the parts waiting on a person. Read only; a few aggregate queries.

A publishing failure counts while it is newer than the part's products row and staging row (a
later publish or re-staging settles it); a retired product counts as retired only.
"""

from __future__ import annotations

from sqlalchemy import Engine, func, or_, select

from boeinghub_dagster.domain.clock import aware
from boeinghub_dagster.resources.store.overrides import OverrideStore
from boeinghub_dagster.resources.store.price_history import PriceHistoryStore
from boeinghub_dagster.resources.store.schema import boeing_raw_parts, part_failures, product_staging
from boeinghub_dagster.resources.store.schema_publishing import (
    price_holds,
    product_sync_schedule,
    products,
    publish_deferrals,
)

WAITING_ROWS = 50


def _grouped(conn, column) -> dict[str, int]:
    return {str(k): n for k, n in conn.execute(select(column, func.count()).group_by(column))}


class CatalogueStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    def _failed_publishing(self):
        f, p, s = part_failures.c, products.c, product_staging.c
        last = (
            select(f.part_number, func.max(f.at).label("at"))
            .where(f.stage == "publishing")
            .group_by(f.part_number)
            .subquery()
        )
        reason = (
            select(f.reason)
            .where(f.part_number == last.c.part_number, f.stage == "publishing", f.at == last.c.at)
            .limit(1)
            .scalar_subquery()
        )
        return (
            select(last.c.part_number, last.c.at, reason.label("reason"))
            .outerjoin(products, p.part_number == last.c.part_number)
            .outerjoin(product_staging, s.part_number == last.c.part_number)
            .where(
                or_(p.part_number.is_(None), last.c.at > p.updated_at),
                or_(s.part_number.is_(None), last.c.at >= s.updated_at),
            )
        )

    def counts(self) -> dict:
        sched, live = product_sync_schedule.c, products.c.retired_at.is_(None)
        with self.engine.connect() as conn:
            staged = _grouped(conn, product_staging.c.status)
            product_status = _grouped(conn, products.c.status)
            sync = {
                str(k): n
                for k, n in conn.execute(
                    select(sched.sync_status, func.count()).where(sched.is_active.is_(True)).group_by(sched.sync_status)
                )
            }
            one = lambda q: conn.execute(q).scalar_one()  # noqa: E731
            holds = price_holds.join(products, products.c.part_number == price_holds.c.part_number)
            held = one(select(func.count()).select_from(holds).where(price_holds.c.approved_at.is_(None), live))
            deferred = one(
                select(func.count()).select_from(publish_deferrals).where(publish_deferrals.c.state == "deferred")
            )
            unknown = one(
                select(func.count()).select_from(boeing_raw_parts).where(boeing_raw_parts.c.returned.is_(False))
            )
            failed = one(select(func.count()).select_from(self._failed_publishing().subquery()))
            inactive = one(select(func.count()).select_from(product_sync_schedule).where(sched.is_active.is_(False)))
        return {
            "staged": staged,
            "products": product_status,
            "sync": sync,
            "held": held,
            "deferred": deferred,
            "not_returned_by_boeing": unknown,
            "failed_publishing": failed,
            "inactive": inactive,
            "overrides": OverrideStore(self.engine).count_in_force(),
        }

    def live_prices_and_stock(self) -> list[tuple]:
        q = select(products.c.price, products.c.quantity).where(products.c.retired_at.is_(None))
        with self.engine.connect() as conn:
            return list(conn.execute(q))

    def newest_products(self, limit: int = 10) -> list[dict]:
        p = products.c
        q = (
            select(p.part_number, p.sku, p.price, p.quantity, p.status, p.published_at, p.updated_at)
            .order_by(p.published_at.desc(), p.part_number)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [{**dict(r._mapping), "published_at": aware(r.published_at)} for r in conn.execute(q)]

    def newest_changes(self, limit: int = 15) -> list[dict]:
        return PriceHistoryStore(self.engine).newest(limit)

    def waiting(self, limit: int = WAITING_ROWS) -> dict[str, list[dict]]:
        """Held prices, deferred parts, failed publishes, failing or inactive sync rows: oldest first."""
        h, d, s = price_holds.c, publish_deferrals.c, product_sync_schedule.c
        with self.engine.connect() as conn:
            held = list(
                conn.execute(
                    select(h.part_number, h.old_price, h.new_price, h.reason, h.held_at)
                    .join(products, products.c.part_number == h.part_number)
                    .where(h.approved_at.is_(None), products.c.retired_at.is_(None))
                    .order_by(h.held_at)
                    .limit(limit)
                )
            )
            deferred = list(
                conn.execute(
                    select(d.part_number, d.reason, d.retry_after)
                    .where(d.state == "deferred")
                    .order_by(d.retry_after)
                    .limit(limit)
                )
            )
            failed = list(conn.execute(self._failed_publishing().order_by("at").limit(limit)))
            sync = list(
                conn.execute(
                    select(s.part_number, s.sku, s.sync_status, s.is_active, s.consecutive_failures, s.last_error)
                    .where(or_(s.is_active.is_(False), s.sync_status == "failed"))
                    .order_by(s.consecutive_failures.desc(), s.part_number)
                    .limit(limit)
                )
            )
            out = {"held": held, "deferred": deferred, "failed_publishing": failed, "failing_sync": sync}
            return {k: [dict(r._mapping) for r in rows] for k, rows in out.items()}
