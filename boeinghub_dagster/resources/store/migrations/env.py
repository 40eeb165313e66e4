"""Alembic environment: always handed a live connection by `store.migrate()`."""

from alembic import context
from sqlalchemy import text

from boeinghub_dagster.resources.store.schema import metadata

connection = context.config.attributes["connection"]
if connection.dialect.name == "postgresql":
    # Several processes may start at once; one migrates, the others wait and find head.
    connection.execute(text("SELECT pg_advisory_xact_lock(7262001)"))
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
