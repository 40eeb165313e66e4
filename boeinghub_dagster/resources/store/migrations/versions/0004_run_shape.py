"""Run shape: batch chunks (one run each), the shared Boeing request queue, leases, tokens.

Revision ID: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("intake_batch_parts") as batch:
        batch.add_column(sa.Column("chunk", sa.Integer))
    op.create_index("ix_boeing_raw_parts_fetched_at", "boeing_raw_parts", ["fetched_at"])
    op.create_table(
        "intake_batch_chunks",
        sa.Column("batch_id", Id, primary_key=True),
        sa.Column("chunk", sa.Integer, primary_key=True),
        sa.Column("parts", sa.Integer, nullable=False),
        sa.Column("range_start", sa.String(50), nullable=False),
        sa.Column("range_end", sa.String(50), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("budget", sa.Integer, nullable=False),
        sa.Column("run_key", sa.String(120)),
        sa.Column("run_id", sa.String(64)),
        sa.Column("error", sa.Text),
        sa.Column("asked_since", TS),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "boeing_requests",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("part_number", sa.String(50), nullable=False, index=True),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("requested_by", sa.String(120), nullable=False, index=True),
        sa.Column("requested_at", TS, nullable=False),
        sa.Column("claimed_by", sa.String(64)),
        sa.Column("raw_response_id", Id),
        sa.Column("reason", sa.Text),
        sa.Column("done_at", TS),
    )
    op.create_table(
        "store_leases",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("holder", sa.String(64)),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("wanted_at", sa.Float, nullable=False, server_default="0"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("ciphertext", sa.Text, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("api_tokens")
    op.drop_table("store_leases")
    op.drop_table("boeing_requests")
    op.drop_table("intake_batch_chunks")
    op.drop_index("ix_boeing_raw_parts_fetched_at", "boeing_raw_parts")
    with op.batch_alter_table("intake_batch_parts") as batch:
        batch.drop_column("chunk")
