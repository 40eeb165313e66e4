"""The operator's console: alert grouping, and intake chunks that run without a partition range.

Revision ID: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_groups",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pending", sa.Integer, nullable=False),
        sa.Column("carried", sa.Integer, nullable=False),
        sa.Column("pending_text", sa.Text),
    )
    with op.batch_alter_table("intake_batch_chunks") as batch:
        batch.add_column(sa.Column("ranged", sa.Boolean, nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("intake_batch_chunks") as batch:
        batch.drop_column("ranged")
    op.drop_table("alert_groups")
