"""Store operations for publishing (docs/behaviour.md §6, §8): products, reconciliation, holds, deferrals, slots.

Every write is a bulk upsert. `mark_pending` runs before a chunk's Shopify calls and
`record_published` writes the products rows, their sync-schedule rows and the
reconciliation rows' completion in one transaction, so a crash between Shopify's answer
and that transaction leaves `pending` rows for the `publish_reconciliation` job.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Engine, bindparam, func, select, update

from boeinghub_dagster.domain.clock import utcnow
from boeinghub_dagster.domain.slots import HOURS, assign_slots
from boeinghub_dagster.resources.store.price_history import record_changes
from boeinghub_dagster.resources.store.schema_publishing import (
    price_holds,
    product_sync_schedule,
    products,
    publish_deferrals,
    publish_reconciliation,
    shopify_setup,
)
from boeinghub_dagster.resources.store.upsert import chunks, upsert


def _by_part(engine: Engine, table, part_numbers: Sequence[str], *where) -> dict[str, dict]:
    out: dict[str, dict] = {}
    with engine.connect() as conn:
        for part in chunks(list(part_numbers)):
            q = select(table).where(table.c.part_number.in_(part), *where)
            out.update({r.part_number: dict(r._mapping) for r in conn.execute(q)})
    return out


class PublishingStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    # -- setup ------------------------------------------------------------------------------
    def setting(self, name: str) -> object | None:
        with self.engine.connect() as conn:
            return conn.execute(select(shopify_setup.c.value).where(shopify_setup.c.name == name)).scalar_one_or_none()

    def save_setting(self, name: str, value: object) -> None:
        with self.engine.begin() as conn:
            upsert(conn, shopify_setup, [{"name": name, "value": value, "updated_at": utcnow()}], ["name"])

    # -- products ---------------------------------------------------------------------------
    def products(self, part_numbers: Sequence[str]) -> dict[str, dict]:
        return _by_part(self.engine, products, part_numbers)

    def all_products(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(products).order_by(products.c.part_number))]

    def update_products(self, rows: Sequence[dict]) -> None:
        """Set some columns of existing products rows (by part number, the columns of the first row)."""
        if rows:
            now = utcnow()
            with self.engine.begin() as conn:
                update_many(conn, products, [{**r, "updated_at": now} for r in rows])

    def unlisted(self, publication_ids: Sequence[str], limit: int) -> list[dict]:
        """Products rows not recorded on every one of `publication_ids` (reconciliation repairs them); never a
        retired product, which `retire_parts` took off every channel on purpose."""
        wanted = set(publication_ids)
        out = []
        with self.engine.connect() as conn:
            q = (
                select(products)
                .where(products.c.shopify_product_id.is_not(None), products.c.retired_at.is_(None))
                .order_by(products.c.part_number)
            )
            for r in conn.execute(q):
                if not wanted <= set(r.publications or []):
                    out.append(dict(r._mapping))
                    if len(out) >= limit:
                        break
        return out

    def mark_pending(self, rows: Sequence[dict], run_id: str) -> None:
        """Before the calls: one `pending` row per part (part_number, sku, price, image_url)."""
        now = utcnow()
        full = [
            {**r, "state": "pending", "attempts": 0, "last_error": None, "run_id": run_id, "updated_at": now}
            for r in rows
        ]
        with self.engine.begin() as conn:
            upsert(conn, publish_reconciliation, full, ["part_number"])

    def settle(self, outcomes: dict[str, tuple[str, str | None]]) -> None:
        """Parts Shopify refused (nothing applied): part -> (state, reason)."""
        now = utcnow()
        rows = [
            {"part_number": p, "state": s, "last_error": (r or "")[:2000] or None, "updated_at": now}
            for p, (s, r) in outcomes.items()
        ]
        with self.engine.begin() as conn:
            update_many(conn, publish_reconciliation, rows)

    def pending(self) -> list[dict]:
        q = select(publish_reconciliation).where(publish_reconciliation.c.state == "pending")
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q.order_by(publish_reconciliation.c.part_number))]

    def reconciliation(self, part_numbers: Sequence[str]) -> dict[str, dict]:
        return _by_part(self.engine, publish_reconciliation, part_numbers)

    def bucket_counts(self, conn) -> list[int]:
        counts = [0] * HOURS
        q = select(product_sync_schedule.c.hour_bucket, func.count()).group_by(product_sync_schedule.c.hour_bucket)
        for hour, n in conn.execute(q):
            counts[hour] = n
        return counts

    def record_published(self, rows: Sequence[dict], state: str = "done") -> None:
        """Write products rows (and sync-schedule rows, slots for new parts), complete their reconciliation,
        and keep each price or stock change in `price_history`, in one transaction. A retired part
        published again is a product again (`retired_at` cleared) and gets a slot again."""
        if not rows:
            return
        now = utcnow()
        parts = [r["part_number"] for r in rows]
        before = self.products(parts)
        first = {p: r["published_at"] for p, r in before.items() if r.get("retired_at") is None}
        full = [
            {**r, "published_at": first.get(r["part_number"], now), "updated_at": now, "retired_at": None} for r in rows
        ]
        with self.engine.begin() as conn:
            record_changes(conn, full, "publish" if state == "done" else "reconcile", now)
            upsert(conn, products, full, ["part_number"])
            scheduled = set()
            for part in chunks(parts):
                q = select(product_sync_schedule.c.part_number).where(product_sync_schedule.c.part_number.in_(part))
                scheduled.update(conn.execute(q).scalars())
            new = [r for r in rows if r["part_number"] not in scheduled]
            hours = assign_slots(self.bucket_counts(conn), len(new))
            upsert(
                conn,
                product_sync_schedule,
                [
                    {
                        "part_number": r["part_number"],
                        "sku": r["sku"],
                        "shopify_product_id": r["shopify_product_id"],
                        "hour_bucket": h,
                        "sync_status": "pending",
                        "consecutive_failures": 0,
                        "is_active": True,
                        "last_price": r.get("cost"),
                        "last_quantity": r.get("quantity"),
                        "shopify_status": "ACTIVE",
                        "updated_at": now,
                    }
                    for r, h in zip(new, hours, strict=False)
                ],
                ["part_number"],
            )
            old = [
                {
                    "part_number": r["part_number"],
                    "sku": r["sku"],
                    "shopify_product_id": r["shopify_product_id"],
                    "shopify_status": "ACTIVE",
                    "updated_at": now,
                }
                for r in rows
                if r["part_number"] in scheduled
            ]
            update_many(conn, product_sync_schedule, old)  # keep each part's bucket and sync state
            upsert(
                conn,
                publish_reconciliation,
                [
                    {
                        "part_number": r["part_number"],
                        "sku": r["sku"],
                        "shopify_product_id": r["shopify_product_id"],
                        "state": state,
                        "attempts": 0,
                        "updated_at": now,
                    }
                    for r in rows
                ],
                ["part_number"],
            )
            update_many(
                conn,
                publish_deferrals,
                [{"part_number": p, "state": "published", "updated_at": now} for p in self.deferrals_in(conn, parts)],
            )

    def schedule(self, part_numbers: Sequence[str]) -> dict[str, dict]:
        return _by_part(self.engine, product_sync_schedule, part_numbers)

    # -- reconciliation bookkeeping --------------------------------------------------------
    def reconcile_failed(self, part_number: str, error: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(publish_reconciliation)
                .where(publish_reconciliation.c.part_number == part_number)
                .values(attempts=publish_reconciliation.c.attempts + 1, last_error=error[:2000], updated_at=utcnow())
            )

    # -- price holds ------------------------------------------------------------------------
    def holds(self, part_numbers: Sequence[str] | None = None) -> dict[str, dict]:
        if part_numbers is not None:
            return _by_part(self.engine, price_holds, part_numbers)
        with self.engine.connect() as conn:
            return {r.part_number: dict(r._mapping) for r in conn.execute(select(price_holds))}

    def hold(self, holds: Sequence[tuple[str, Decimal | None, Decimal, str]]) -> None:
        """(part, old price, new price, reason): held, not approved (a new price needs a new approval)."""
        now = utcnow()
        rows = [
            {"part_number": p, "old_price": o, "new_price": n, "reason": r, "held_at": now, "approved_at": None}
            for p, o, n, r in holds
        ]
        with self.engine.begin() as conn:
            upsert(conn, price_holds, rows, ["part_number"])

    def approve(self, part_numbers: Sequence[str]) -> list[str]:
        """Approve the held prices of these parts; returns the parts that had a hold waiting."""
        waiting = [p for p, h in self.holds(part_numbers).items() if h["approved_at"] is None]
        now = utcnow()
        with self.engine.begin() as conn:
            for part in chunks(waiting):
                conn.execute(update(price_holds).where(price_holds.c.part_number.in_(part)).values(approved_at=now))
        return sorted(waiting)

    # -- deferrals --------------------------------------------------------------------------
    def defer(self, deferred: dict[str, str], retry_after: datetime) -> None:
        now = utcnow()
        rows = [
            {"part_number": p, "reason": r[:2000], "retry_after": retry_after, "state": "deferred", "updated_at": now}
            for p, r in deferred.items()
        ]
        with self.engine.begin() as conn:
            upsert(conn, publish_deferrals, rows, ["part_number"])

    def deferrals_in(self, conn, part_numbers: Sequence[str]) -> list[str]:
        found: list[str] = []
        for part in chunks(list(part_numbers)):
            q = select(publish_deferrals.c.part_number).where(publish_deferrals.c.part_number.in_(part))
            found += conn.execute(q).scalars().all()
        return found

    def deferred(self, due_at: datetime | None = None) -> dict[str, dict]:
        """Deferred parts (only those due by `due_at` when given)."""
        q = select(publish_deferrals).where(publish_deferrals.c.state == "deferred")
        if due_at is not None:
            q = q.where(publish_deferrals.c.retry_after <= due_at)
        with self.engine.connect() as conn:
            return {r.part_number: dict(r._mapping) for r in conn.execute(q)}


def update_many(conn, table, rows: Sequence[dict]) -> None:
    """UPDATE existing rows by part number, one executemany per chunk (columns of the first row)."""
    if not rows:
        return
    cols = [c for c in rows[0] if c != "part_number"]
    stmt = (
        update(table)
        .where(table.c.part_number == bindparam("k_part_number"))
        .values({c: bindparam(f"k_{c}") for c in cols})
    )
    for part in chunks(list(rows)):
        conn.execute(stmt, [{f"k_{k}": v for k, v in r.items()} for r in part])
