"""The operator's console: price overrides, price history, and retired products.

`price_overrides` keeps every price an operator set or cleared (the newest row per part is in
force); `price_history` one row per change of a product's shop price or stock, never pruned;
`products.retired_at` says when `retire_parts` archived the product (its status is `retired`).

Revision ID: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Price = sa.Numeric(14, 2, asdecimal=True)
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("products") as batch:
        batch.add_column(sa.Column("retired_at", TS))
    op.create_table(
        "price_overrides",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("part_number", sa.String(50), nullable=False, index=True),
        sa.Column("price", Price),
        sa.Column("markup", sa.Numeric(10, 4)),
        sa.Column("cleared", sa.Boolean, nullable=False),
        sa.Column("set_by", sa.String(120), nullable=False),
        sa.Column("set_at", TS, nullable=False),
        sa.Column("run_id", sa.String(64)),
    )
    op.create_table(
        "price_history",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("part_number", sa.String(50), nullable=False, index=True),
        sa.Column("at", TS, nullable=False, index=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("old_price", Price),
        sa.Column("new_price", Price),
        sa.Column("old_quantity", sa.Integer),
        sa.Column("new_quantity", sa.Integer),
    )


def downgrade() -> None:
    op.drop_table("price_history")
    op.drop_table("price_overrides")
    with op.batch_alter_table("products") as batch:
        batch.drop_column("retired_at")
