"""Intake: batches (one per dropped file) and the parts each accepted batch holds.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "intake_batches",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, index=True),
        sa.Column("target", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("duplicate_of", Id),
        sa.Column("lines", sa.Integer, nullable=False),
        sa.Column("accepted", sa.Integer, nullable=False),
        sa.Column("rejected", sa.Integer, nullable=False),
        sa.Column("duplicates", sa.Integer, nullable=False),
        sa.Column("run_key", sa.String(80)),
        sa.Column("run_id", sa.String(64)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "intake_batch_parts",
        sa.Column("batch_id", Id, primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("part_number", sa.String(50), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("intake_batch_parts")
    op.drop_table("intake_batches")
