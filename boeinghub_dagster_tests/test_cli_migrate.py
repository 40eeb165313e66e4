"""`boeinghub migrate`: the store's Alembic migrations to head, as scripts/hub --postgres runs them on start."""

from __future__ import annotations

import os
import subprocess
import sys

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from boeinghub_dagster.resources.store import engine as store_engine


def migrate(url: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "BOEINGHUB_DATABASE_URL"}
    if url is not None:
        env["BOEINGHUB_DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "boeinghub_dagster", "migrate"], env=env, capture_output=True, text=True, timeout=120
    )


def head() -> str:
    cfg = Config()
    cfg.set_main_option("script_location", str(store_engine._MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def test_migrate_brings_an_empty_store_to_head_and_is_safe_to_repeat(database_url):
    first = migrate(database_url)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().endswith(f"at revision {head()}")
    engine = sa.create_engine(store_engine.normalize_url(database_url))
    try:
        tables = set(sa.inspect(engine).get_table_names())
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == head()
    finally:
        engine.dispose()
    assert {"boeing_raw_responses", "product_staging", "intake_batches", "products"} <= tables
    again = migrate(database_url)
    assert (again.returncode, again.stdout) == (0, first.stdout)


def test_migrate_fails_plainly_and_never_prints_the_password():
    assert migrate(None).returncode == 2
    assert "BOEINGHUB_DATABASE_URL is not set" in migrate(None).stderr
    unreachable = migrate("postgresql://hub:s3cret-pw@127.0.0.1:1/store")
    assert unreachable.returncode == 2
    assert "s3cret-pw" not in unreachable.stderr + unreachable.stdout
    assert "hub:***@127.0.0.1:1/store" in unreachable.stderr
    garbage = migrate("not a url :s3cret-pw@")
    assert garbage.returncode == 2 and "s3cret-pw" not in garbage.stderr and "not a database URL" in garbage.stderr
