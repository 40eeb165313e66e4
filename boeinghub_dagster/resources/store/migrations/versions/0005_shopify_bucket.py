"""The Shopify cost-bucket mirror shared by every process (resources/shopify_limiter.py).

Revision ID: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shopify_buckets",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("maximum", sa.Float, nullable=False),
        sa.Column("available", sa.Float, nullable=False),
        sa.Column("restore_rate", sa.Float, nullable=False),
        sa.Column("known", sa.Boolean, nullable=False),
        sa.Column("reserved_total", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("shopify_buckets")
