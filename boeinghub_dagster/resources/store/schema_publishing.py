"""Publishing tables (docs/behaviour.md §6, §8, §10), on the shared `metadata` of `schema.py`.

`products` is what the hub knows it published; `publish_reconciliation` is written *before*
each Shopify call and completed after the database write, so a run that dies in between
leaves a row the `publish_reconciliation` job completes from Shopify (never a second
product). `schema.py` imports this module at its end, so Alembic and the
schema-vs-migration test see one metadata.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, Integer, Numeric, String, Table, Text
from sqlalchemy.dialects.postgresql import JSONB

from boeinghub_dagster.resources.store.schema import Id, metadata

JSONType = JSON().with_variant(JSONB(), "postgresql")
Price = Numeric(14, 2, asdecimal=True)
TS = DateTime(timezone=True)

products = Table(
    "products",
    metadata,
    Column("part_number", String(50), primary_key=True),
    Column("sku", String(50), nullable=False, index=True),
    Column("shopify_product_id", String(100)),
    Column("shopify_variant_id", String(100)),
    Column("inventory_item_id", String(100)),
    Column("price", Price),
    Column("cost", Price),
    Column("quantity", Integer),
    Column("image_url", Text),
    Column("payload_hash", String(64)),  # NULL after reconciliation: the next publish pushes once more
    Column("status", String(20), nullable=False),  # published | reconciled | retired
    Column("published_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    # What the hub holds on Shopify beyond ids (0007); NULL: not known (published before 0007).
    Column("publications", JSONType),  # publication gids the product is published to
    Column("stocked_locations", JSONType),  # location gids its inventory item is stocked at
    Column("media_id", String(100)),  # the hub's image among the product's media
    Column("owned", JSONType),  # hashes of the hub's payload sections, its metafield keys (domain/product_sections.py)
    Column("retired_at", TS),  # `retire_parts` archived it (status `retired`); cleared when it is published again
)

# One row per part: `pending` from just before its productSet until its products row is written.
publish_reconciliation = Table(
    "publish_reconciliation",
    metadata,
    Column("part_number", String(50), primary_key=True),
    Column("sku", String(50)),
    Column("shopify_product_id", String(100)),
    Column("state", String(16), nullable=False, index=True),  # pending | done | rejected | absent | reconciled
    Column("attempts", Integer, nullable=False),  # reconciliation attempts
    Column("last_error", Text),
    Column("run_id", String(64)),
    Column("price", Price),
    Column("image_url", Text),
    Column("updated_at", TS, nullable=False),
)

# A price that jumped more than PRICE_JUMP_HOLD_PCT waits for an operator (`approve_prices`).
price_holds = Table(
    "price_holds",
    metadata,
    Column("part_number", String(50), primary_key=True),
    Column("old_price", Price),
    Column("new_price", Price, nullable=False),
    Column("reason", Text, nullable=False),
    Column("held_at", TS, nullable=False),
    Column("approved_at", TS),  # an approval releases exactly `new_price`
)

# Parts refused by Shopify's large-store variant throttle: not failures, retried after `retry_after`.
publish_deferrals = Table(
    "publish_deferrals",
    metadata,
    Column("part_number", String(50), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("retry_after", TS, nullable=False),
    Column("state", String(16), nullable=False),  # deferred | published
    Column("updated_at", TS, nullable=False),
)

# docs/behaviour.md §8, plus the Shopify product status the hub last set.
product_sync_schedule = Table(
    "product_sync_schedule",
    metadata,
    Column("part_number", String(50), primary_key=True),
    Column("sku", String(50), nullable=False, index=True),
    Column("shopify_product_id", String(100)),
    Column("hour_bucket", Integer, nullable=False, index=True),
    Column("sync_status", String(16), nullable=False),  # pending | syncing | success | failed
    Column("consecutive_failures", Integer, nullable=False),
    Column("last_sync_at", TS),
    Column("last_hash", String(64)),
    Column("last_price", Price),
    Column("last_quantity", Integer),
    Column("last_inventory_status", String(20)),
    Column("last_locations", JSONType),
    Column("last_error", String(500)),
    Column("is_active", Boolean, nullable=False),
    Column("shopify_status", String(16)),
    Column("updated_at", TS, nullable=False),
    Column("syncing_run", String(64)),  # the run that marked the row `syncing`
    Column("status_before_sync", String(16)),  # what a dead run's retry puts back
)

sync_history = Table(
    "sync_history",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("part_number", String(50), nullable=False, index=True),
    Column("sku", String(50), nullable=False),
    Column("at", TS, nullable=False, index=True),
    Column("outcome", String(16), nullable=False),
    Column("old_price", Price),
    Column("new_price", Price),
    Column("old_quantity", Integer),
    Column("new_quantity", Integer),
    Column("reason", Text),
)

# Shopify location name -> gid, and the setup job's last outcome (one JSON row per name).
shopify_setup = Table(
    "shopify_setup",
    metadata,
    Column("name", String(64), primary_key=True),  # "locations" | "metafield_definitions"
    Column("value", JSONType, nullable=False),
    Column("updated_at", TS, nullable=False),
)
