"""Sales channels, stocked locations and the hub's own share of each product; idempotency attempts.

`products` learns what the hub holds on Shopify beyond ids: the publications the product is
on, the locations its item is stocked at, the media id of the hub's image and a hash per
section of its payload and the metafield keys it wrote (so a republish sends only what changed).
`shopify_idempotency` numbers the attempts of an idempotent call whose key failed.

Revision ID: 0007
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")
COLUMNS = ("publications", "stocked_locations", "media_id", "owned")


def upgrade() -> None:
    with op.batch_alter_table("products") as batch:
        batch.add_column(sa.Column("publications", JSONType))
        batch.add_column(sa.Column("stocked_locations", JSONType))
        batch.add_column(sa.Column("media_id", sa.String(100)))
        batch.add_column(sa.Column("owned", JSONType))
    op.create_table(
        "shopify_idempotency",
        sa.Column("base", sa.String(64), primary_key=True),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("updated_at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("shopify_idempotency")
    with op.batch_alter_table("products") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
