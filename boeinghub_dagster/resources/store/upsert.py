"""Dialect-aware bulk `INSERT … ON CONFLICT` for SQLite and PostgreSQL.

One statement per chunk, executed as an executemany that SQLAlchemy's
insertmanyvalues turns into multi-row VALUES: bulk writes, never one round trip per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite

CHUNK = 500


def chunks(rows: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def upsert(conn: Connection, table: Table, rows: Sequence[dict], keys: Sequence[str]) -> int:
    """Insert `rows`, updating every other column of rows whose `keys` already exist."""
    if not rows:
        return 0
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    updates = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys and c.name in rows[0]}
    stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=updates)
    for part in chunks(rows):
        conn.execute(stmt, list(part))
    return len(rows)


def insert_ignore(conn: Connection, table: Table, rows: Sequence[dict], keys: Sequence[str]) -> int:
    """Insert `rows`, leaving rows whose `keys` already exist untouched."""
    if not rows:
        return 0
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    for part in chunks(rows):
        conn.execute(stmt, list(part))
    return len(rows)
