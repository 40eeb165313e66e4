"""Look for secret strings in everything the hub stores: every table of a PostgreSQL database, every file
under a folder. A value is found in clear text, or hex-encoded (how PostgreSQL prints `bytea`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql


@dataclass
class ScanResult:
    places: int = 0  # tables or files read
    rows: int = 0  # table rows, or files
    hits: dict[str, list[str]] = field(default_factory=dict)  # where -> labels of the secrets found there

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.hits.values())

    def add(self, where: str, text: str, secrets: dict[str, str]) -> None:
        lowered = text.lower()
        found = [label for label, value in secrets.items() if value in text or value.encode().hex() in lowered]
        if found:
            self.hits.setdefault(where, []).extend(found)


def scan_database(url: str, secrets: dict[str, str], result: ScanResult | None = None) -> ScanResult:
    """Every row of every table outside the system schemas, each row read as its text form."""
    result = result or ScanResult()
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND table_schema NOT IN ('pg_catalog', 'information_schema')"
        ).fetchall()
        for schema, table in tables:
            result.places += 1
            query = sql.SQL("SELECT t::text FROM {}.{} AS t").format(sql.Identifier(schema), sql.Identifier(table))
            for (row,) in conn.execute(query):
                result.rows += 1
                result.add(f"{url.rsplit('/', 1)[1]}.{schema}.{table}", row or "", secrets)
    return result


def scan_folder(root: Path, secrets: dict[str, str], result: ScanResult | None = None) -> ScanResult:
    """Every file under `root` (compute logs, event files, anything the instance keeps on disk)."""
    result = result or ScanResult()
    for path in sorted(p for p in Path(root).rglob("*") if p.is_file()):
        result.places += 1
        result.rows += 1
        result.add(str(path), path.read_bytes().decode("utf-8", "replace"), secrets)
    return result
