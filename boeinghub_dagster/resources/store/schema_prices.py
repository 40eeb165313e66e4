"""Operator prices and price history (issue 15 items 8 and 9), on the shared `metadata` of `schema.py`.

Both tables only grow: an override is set and cleared by new rows (the newest row of a part
says what is in force), and every change of a product's shop price or stock is one row of
`price_history`, written in the transaction that changed the products row. Neither is pruned
(`sync_history` keeps 30 days; these are small, one row per real change).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Integer, Numeric, String, Table

from boeinghub_dagster.resources.store.schema import Id, metadata

Price = Numeric(14, 2, asdecimal=True)
TS = DateTime(timezone=True)

price_overrides = Table(
    "price_overrides",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("part_number", String(50), nullable=False, index=True),
    Column("price", Price),  # a fixed shop price, or
    Column("markup", Numeric(10, 4)),  # a markup on Boeing's cost instead of PRICE_MARKUP_FACTOR
    Column("cleared", Boolean, nullable=False),  # this row ends the override before it
    Column("set_by", String(120), nullable=False),
    Column("set_at", TS, nullable=False),
    Column("run_id", String(64)),
)

price_history = Table(
    "price_history",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("part_number", String(50), nullable=False, index=True),
    Column("at", TS, nullable=False, index=True),
    Column("source", String(16), nullable=False),  # publish | reconcile | sync | override
    Column("old_price", Price),
    Column("new_price", Price),
    Column("old_quantity", Integer),
    Column("new_quantity", Integer),
)
