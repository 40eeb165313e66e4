"""Extraction and staging: raw Boeing answers, staging rows, part failures, rate-limit buckets.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Price = sa.Numeric(14, 2)
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "boeing_raw_responses",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("part_numbers", JSONType, nullable=False),
        sa.Column("payload", JSONType, nullable=False),
        sa.Column("fetched_at", TS, nullable=False),
        sa.Column("run_id", sa.String(64), nullable=False, index=True),
    )
    op.create_table(
        "boeing_raw_parts",
        sa.Column("part_number", sa.String(50), primary_key=True),
        sa.Column("raw_response_id", Id, nullable=False),
        sa.Column("returned", sa.Boolean, nullable=False),
        sa.Column("fetched_at", TS, nullable=False),
        sa.Column("run_id", sa.String(64), nullable=False),
    )
    text_cols = ["boeing_name", "boeing_description", "body_html", "supplier_name", "manufacturer", "vendor"]
    text_cols2 = [
        "base_uom",
        "unit_of_measure",
        "country_of_origin",
        "hazmat_code",
        "faa_approval_code",
        "eccn",
        "schedule_b_code",
    ]
    op.create_table(
        "product_staging",
        sa.Column("part_number", sa.String(50), primary_key=True),
        sa.Column("sku", sa.String(50), nullable=False, index=True),
        sa.Column("title", sa.Text, nullable=False),
        *[sa.Column(c, sa.Text) for c in text_cols],
        sa.Column("list_price", Price),
        sa.Column("net_price", Price),
        sa.Column("currency", sa.String(8)),
        *[sa.Column(c, sa.Text) for c in text_cols2],
        sa.Column("dim_length", sa.Float),
        sa.Column("dim_width", sa.Float),
        sa.Column("dim_height", sa.Float),
        sa.Column("dim_uom", sa.Text),
        sa.Column("weight", sa.Float),
        sa.Column("weight_unit", sa.Text),
        sa.Column("inventory_quantity", sa.Integer, nullable=False),
        sa.Column("inventory_status", sa.String(20)),
        sa.Column("locations", JSONType, nullable=False),
        sa.Column("location_summary", sa.Text),
        sa.Column("boeing_image_url", sa.Text),
        sa.Column("boeing_thumbnail_url", sa.Text),
        sa.Column("pma", sa.Boolean, nullable=False),
        sa.Column("condition", sa.String(8)),
        sa.Column("cert", sa.Text),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("status_reason", sa.Text),
        sa.Column("raw_response_id", Id),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "part_failures",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(64), nullable=False, index=True),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("part_number", sa.String(64), nullable=False, index=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("at", TS, nullable=False),
    )
    op.create_table(
        "rate_limit_buckets",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("next_at", sa.Float, nullable=False),
        sa.Column("interval_seconds", sa.Float, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )


def downgrade() -> None:
    for name in ("rate_limit_buckets", "part_failures", "product_staging", "boeing_raw_parts", "boeing_raw_responses"):
        op.drop_table(name)
