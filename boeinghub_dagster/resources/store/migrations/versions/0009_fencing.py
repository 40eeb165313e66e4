"""Fencing tokens for the dispatch lease, and the run that took a sync row.

`store_leases.token` grows by one at every acquisition and `taken_at` is when it happened;
`boeing_requests.claim_token`/`claimed_at` say under which acquisition a part was claimed, so a
holder that lost its lease cannot claim again and its claimed parts are asked again only once
it can no longer send them (resources/store/leases.py). `product_sync_schedule.syncing_run` and
`status_before_sync` let the retry of a killed sync run take back exactly the rows that run left
`syncing`.

Revision ID: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("store_leases", sa.Column("token", sa.BigInteger, nullable=False, server_default="0"))
    op.add_column("store_leases", sa.Column("taken_at", sa.Float, nullable=False, server_default="0"))
    op.add_column("boeing_requests", sa.Column("claim_token", sa.BigInteger))
    op.add_column("boeing_requests", sa.Column("claimed_at", sa.Float))
    op.add_column("product_sync_schedule", sa.Column("syncing_run", sa.String(64)))
    op.add_column("product_sync_schedule", sa.Column("status_before_sync", sa.String(16)))


def downgrade() -> None:
    with op.batch_alter_table("product_sync_schedule") as batch:
        batch.drop_column("status_before_sync")
        batch.drop_column("syncing_run")
    with op.batch_alter_table("boeing_requests") as batch:
        batch.drop_column("claimed_at")
        batch.drop_column("claim_token")
    with op.batch_alter_table("store_leases") as batch:
        batch.drop_column("taken_at")
        batch.drop_column("token")
