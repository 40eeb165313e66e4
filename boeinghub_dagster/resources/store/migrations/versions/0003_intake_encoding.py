"""Intake: the text encoding each accepted batch was read in (a Windows-1252 file is now read, not refused).

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("intake_batches", sa.Column("encoding", sa.String(32)))


def downgrade() -> None:
    with op.batch_alter_table("intake_batches") as batch:  # SQLite drops a column by copying the table
        batch.drop_column("encoding")
