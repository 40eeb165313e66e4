"""Price history (issue 15 item 9): one row per change of a product's shop price or stock.

Written by whoever changes a products row, inside the same transaction and in bulk:
`record_published` (source `publish`, or `reconcile`), the sync's `record` (`sync`) and
`set_price_overrides` (`override`). A row is written only when the price or the quantity
really changed (the first publish of a part is a change from nothing). Never pruned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, Engine, func, insert, select

from boeinghub_dagster.domain.clock import aware
from boeinghub_dagster.resources.store.schema_prices import price_history
from boeinghub_dagster.resources.store.schema_publishing import products
from boeinghub_dagster.resources.store.upsert import chunks

SOURCES = ("publish", "reconcile", "sync", "override")


def current_values(conn: Connection, part_numbers: Sequence[str]) -> dict[str, dict]:
    """part -> {price, quantity} of its products row, read inside the writer's transaction."""
    out: dict[str, dict] = {}
    for part in chunks(list(dict.fromkeys(part_numbers))):
        q = select(products.c.part_number, products.c.price, products.c.quantity)
        rows = conn.execute(q.where(products.c.part_number.in_(part)))
        out.update({pn: {"price": price, "quantity": qty} for pn, price, qty in rows})
    return out


def _same(old, new) -> bool:
    if old is None or new is None:
        return old is None and new is None
    return Decimal(str(old)) == Decimal(str(new))


def changes(old: Mapping[str, Mapping], new_rows: Sequence[Mapping], source: str, at: datetime) -> list[dict]:
    """History rows for the `new_rows` (part_number, and `price` and/or `quantity` when they are set)
    whose price or quantity differs from `old` (part -> {price, quantity}; absent: never published)."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, got {source!r}")
    out = []
    for row in new_rows:
        before = old.get(row["part_number"]) or {}
        was_price, was_qty = before.get("price"), before.get("quantity")
        price = row["price"] if "price" in row else was_price
        qty = row["quantity"] if "quantity" in row else was_qty
        if _same(was_price, price) and _same(was_qty, qty):
            continue
        out.append(
            {
                "part_number": row["part_number"],
                "at": row.get("updated_at") or at,
                "source": source,
                "old_price": was_price,
                "new_price": price,
                "old_quantity": was_qty,
                "new_quantity": qty,
            }
        )
    return out


def insert_changes(conn: Connection, rows: Sequence[dict]) -> int:
    for part in chunks(list(rows)):
        conn.execute(insert(price_history), list(part))
    return len(rows)


def record_changes(conn: Connection, new_rows: Sequence[Mapping], source: str, at: datetime) -> int:
    """Compare `new_rows` with the products rows as they are now and insert the changes (call before the update)."""
    if not new_rows:
        return 0
    old = current_values(conn, [r["part_number"] for r in new_rows])
    return insert_changes(conn, changes(old, new_rows, source, at))


class PriceHistoryStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    def last(self, part_numbers: Sequence[str], per_part: int = 30) -> dict[str, list[dict]]:
        """The newest `per_part` changes of each part, oldest first."""
        out: dict[str, list[dict]] = {}
        h = price_history.c
        rank = func.row_number().over(partition_by=h.part_number, order_by=(h.at.desc(), h.id.desc())).label("rank")
        with self.engine.connect() as conn:
            for part in chunks(list(part_numbers)):
                inner = select(price_history, rank).where(h.part_number.in_(part)).subquery()
                q = select(inner).where(inner.c.rank <= per_part).order_by(inner.c.part_number, inner.c.at, inner.c.id)
                for r in conn.execute(q):
                    row = {k: v for k, v in r._mapping.items() if k != "rank"}
                    out.setdefault(r.part_number, []).append({**row, "at": aware(row["at"])})
        return out

    def newest(self, limit: int = 20) -> list[dict]:
        """The newest changes of any part, newest first."""
        q = select(price_history).order_by(price_history.c.at.desc(), price_history.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [{**dict(r._mapping), "at": aware(r.at)} for r in conn.execute(q)]
