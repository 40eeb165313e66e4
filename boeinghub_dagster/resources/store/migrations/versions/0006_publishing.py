"""Publishing: products, reconciliation, price holds, deferrals, the sync schedule and history, setup.

Revision ID: 0006
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)
Price = sa.Numeric(14, 2, asdecimal=True)
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("part_number", sa.String(50), primary_key=True),
        sa.Column("sku", sa.String(50), nullable=False, index=True),
        sa.Column("shopify_product_id", sa.String(100)),
        sa.Column("shopify_variant_id", sa.String(100)),
        sa.Column("inventory_item_id", sa.String(100)),
        sa.Column("price", Price),
        sa.Column("cost", Price),
        sa.Column("quantity", sa.Integer),
        sa.Column("image_url", sa.Text),
        sa.Column("payload_hash", sa.String(64)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("published_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "publish_reconciliation",
        sa.Column("part_number", sa.String(50), primary_key=True),
        sa.Column("sku", sa.String(50)),
        sa.Column("shopify_product_id", sa.String(100)),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("run_id", sa.String(64)),
        sa.Column("price", Price),
        sa.Column("image_url", sa.Text),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "price_holds",
        sa.Column("part_number", sa.String(50), primary_key=True),
        sa.Column("old_price", Price),
        sa.Column("new_price", Price, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("held_at", TS, nullable=False),
        sa.Column("approved_at", TS),
    )
    op.create_table(
        "publish_deferrals",
        sa.Column("part_number", sa.String(50), primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("retry_after", TS, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "product_sync_schedule",
        sa.Column("part_number", sa.String(50), primary_key=True),
        sa.Column("sku", sa.String(50), nullable=False, index=True),
        sa.Column("shopify_product_id", sa.String(100)),
        sa.Column("hour_bucket", sa.Integer, nullable=False, index=True),
        sa.Column("sync_status", sa.String(16), nullable=False),
        sa.Column("consecutive_failures", sa.Integer, nullable=False),
        sa.Column("last_sync_at", TS),
        sa.Column("last_hash", sa.String(64)),
        sa.Column("last_price", Price),
        sa.Column("last_quantity", sa.Integer),
        sa.Column("last_inventory_status", sa.String(20)),
        sa.Column("last_locations", JSONType),
        sa.Column("last_error", sa.String(500)),
        sa.Column("is_active", sa.Boolean, nullable=False),
        sa.Column("shopify_status", sa.String(16)),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "sync_history",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("part_number", sa.String(50), nullable=False, index=True),
        sa.Column("sku", sa.String(50), nullable=False),
        sa.Column("at", TS, nullable=False, index=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("old_price", Price),
        sa.Column("new_price", Price),
        sa.Column("old_quantity", sa.Integer),
        sa.Column("new_quantity", sa.Integer),
        sa.Column("reason", sa.Text),
    )
    op.create_table(
        "shopify_setup",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", JSONType, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "shopify_setup",
        "sync_history",
        "product_sync_schedule",
        "publish_deferrals",
        "price_holds",
        "publish_reconciliation",
        "products",
    ):
        op.drop_table(table)
