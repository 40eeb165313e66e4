"""Dagster instances built from the repository's own instance files, as operators get them."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from boeinghub_dagster.instance import dagster_pg_url

ROOT = Path(__file__).resolve().parents[2]
LOCAL_YAML = ROOT / "dagster.yaml"
POSTGRES_YAML = ROOT / "deploy" / "dagster.postgres.yaml"


@contextmanager
def env(**values: str) -> Iterator[None]:
    """Set environment variables for the block, then restore what was there."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


@contextmanager
def postgres_instance(database_url: str, home: Path) -> Iterator[dg.DagsterInstance]:
    """A DagsterInstance on `database_url` from deploy/dagster.postgres.yaml, the file operators use.

    `database_url` is the plain `postgresql://` URL an operator would set; it goes through the same
    `dagster_pg_url` step as in `scripts/hub`, and DAGSTER_PG_URL stays set while the instance lives
    (its InstanceRef resolves the variable again wherever it is rehydrated).
    """
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(POSTGRES_YAML, home / "dagster.yaml")
    with env(DAGSTER_PG_URL=dagster_pg_url(database_url)):
        instance = dg.DagsterInstance.from_config(str(home))
        try:
            yield instance
        finally:
            instance.dispose()
