"""The Shopify cost-bucket mirror (docs/behaviour.md §7, §9), on the shared `metadata` of `schema.py`.

A module of its own so the Shopify limiter's table stays next to nothing else; `schema.py`
imports it at its end, so Alembic and the schema-vs-migration test see one metadata.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Float, Integer, String, Table, Text

from boeinghub_dagster.resources.store.schema import metadata

# One row per shop: what the hub believes the shop's leaky bucket holds. `available` may go
# negative (reservations queued behind others); `reserved_total` only grows, so an answer can
# tell how much was reserved after its own request was (see resources/shopify_limiter.py).
shopify_buckets = Table(
    "shopify_buckets",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("maximum", Float, nullable=False),
    Column("available", Float, nullable=False),
    Column("restore_rate", Float, nullable=False),  # points per second
    Column("known", Boolean, nullable=False),  # a throttleStatus has been seen: spend by the bucket, not the floor
    Column("reserved_total", Float, nullable=False),
    Column("updated_at", Float, nullable=False),  # epoch seconds (the database clock on PostgreSQL)
)

# An idempotent call's key is derived from what it changes plus an attempt number; a row exists
# only once an attempt failed (Shopify refuses a failed key for good), so a retry gets a new key
# and a run resumed after a crash reuses the key of the attempt it may have sent.
shopify_idempotency = Table(
    "shopify_idempotency",
    metadata,
    Column("base", String(64), primary_key=True),  # sha256 of what the call changes
    Column("attempt", Integer, nullable=False),
    Column("last_error", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
