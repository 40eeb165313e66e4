"""Operator price overrides (issue 15 item 8): who set what price for a part, and when.

Append-only: setting and clearing are rows of `price_overrides`, the newest row of a part says
what is in force (a `cleared` row: nothing). `apply_prices` writes the price an override job
pushed to Shopify into `products`, with its `price_history` rows, in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine, func, insert, select

from boeinghub_dagster.domain.clock import aware
from boeinghub_dagster.domain.pricing import Override
from boeinghub_dagster.resources.store.price_history import record_changes
from boeinghub_dagster.resources.store.publishing import update_many
from boeinghub_dagster.resources.store.schema_prices import price_overrides
from boeinghub_dagster.resources.store.schema_publishing import products
from boeinghub_dagster.resources.store.upsert import chunks


def as_override(row: dict | None) -> Override | None:
    """The domain's view of a newest row: None when nothing is in force."""
    if not row or row["cleared"]:
        return None
    return Override(price=row["price"], markup=row["markup"])


class OverrideStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    def record(self, rows: Sequence[dict]) -> None:
        """Rows of (part_number, price, markup, cleared, set_by, set_at, run_id), in one transaction."""
        with self.engine.begin() as conn:
            for part in chunks(list(rows)):
                conn.execute(insert(price_overrides), list(part))

    def latest(self, part_numbers: Sequence[str]) -> dict[str, dict]:
        """The newest row of each part that has one (a cleared row included)."""
        o = price_overrides.c
        rank = func.row_number().over(partition_by=o.part_number, order_by=o.id.desc()).label("rank")
        out: dict[str, dict] = {}
        with self.engine.connect() as conn:
            for part in chunks(list(dict.fromkeys(part_numbers))):
                inner = select(price_overrides, rank).where(o.part_number.in_(part)).subquery()
                for r in conn.execute(select(inner).where(inner.c.rank == 1)):
                    row = {k: v for k, v in r._mapping.items() if k != "rank"}
                    out[r.part_number] = {**row, "set_at": aware(row["set_at"])}
        return out

    def current(self, part_numbers: Sequence[str]) -> dict[str, Override]:
        """The override in force for each part that has one."""
        return {p: o for p, row in self.latest(part_numbers).items() if (o := as_override(row)) is not None}

    def count_in_force(self) -> int:
        o = price_overrides.c
        newest = select(func.max(o.id)).group_by(o.part_number).scalar_subquery()
        q = select(func.count()).select_from(price_overrides).where(o.id.in_(newest), o.cleared.is_(False))
        with self.engine.connect() as conn:
            return conn.execute(q).scalar_one()

    def apply_prices(self, rows: Sequence[dict], at: datetime) -> None:
        """Set `price` (and `cost`, `payload_hash`: None, so the next publish sends the payload once more) of
        these products rows and keep the change in `price_history` (source `override`)."""
        if not rows:
            return
        full = [{**r, "updated_at": at} for r in rows]
        with self.engine.begin() as conn:
            record_changes(conn, full, "override", at)
            update_many(conn, products, full)
