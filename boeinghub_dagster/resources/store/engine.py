"""Engines for the hub's store: SQLite by default, PostgreSQL (Supabase too) by URL.

SQLite gets WAL, a busy timeout, and `BEGIN IMMEDIATE` for every transaction
(the SQLAlchemy pysqlite recipe): writers queue on the file lock instead of
failing half-way, which the shared rate limiter relies on.

On PostgreSQL every transaction may sit idle (its process stopped: SIGSTOP, a paused VM, a
long GC pause) for at most `STALLED_TRANSACTION_SECONDS`; then the server ends that session
and its row locks go, so one stalled process cannot hold the shared rows (the limiter's
bucket, the dispatch lease, the request queue) for every other run. `SET LOCAL` lasts one
transaction, which Supabase's transaction pooler allows.
"""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

_MIGRATIONS = Path(__file__).parent / "migrations"
STALLED_TRANSACTION_SECONDS = 30  # no transaction of ours waits on its own process this long
_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def normalize_url(url: str) -> str:
    """Accept the URLs operators paste (`postgres://…`, Supabase pooler) and pick psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def redact(url: str) -> str:
    """The URL without its password, for logs and metadata."""
    return make_url(normalize_url(url)).render_as_string(hide_password=True)


def _sqlite_engine(url: str) -> Engine:
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # let SQLAlchemy's BEGIN below take over
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _postgres_engine(url: str) -> Engine:
    # prepare_threshold=None: Supabase's transaction pooler (PgBouncer) cannot hold prepared statements.
    engine = create_engine(url, pool_pre_ping=True, connect_args={"prepare_threshold": None})

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql(f"SET LOCAL idle_in_transaction_session_timeout = '{STALLED_TRANSACTION_SECONDS}s'")

    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to head; safe when several processes start at once."""
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def get_engine(url: str) -> Engine:
    """One migrated engine per URL per process."""
    url = normalize_url(url)
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _sqlite_engine(url) if url.startswith("sqlite") else _postgres_engine(url)
            migrate(engine)
            _engines[url] = engine
        return engine


def dispose_all() -> None:
    """Close every pooled connection (tests, and forked processes)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
