"""Shared fixtures: a real PostgreSQL server, per-test databases on SQLite and
PostgreSQL, the Boeing sandbox over real HTTP, and a throwaway Dagster instance."""

from __future__ import annotations

import os

import pytest

# As scripts/hub sets it for every Dagster process: a run plans its range in one event per asset.
os.environ.setdefault("DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS", "1")

# Helpers that assert live outside test files; keep pytest's detailed assertion messages for them.
pytest.register_assert_rewrite(
    "boeinghub_dagster_tests.support",
    "boeinghub_dagster_tests.domain.intake_support",
    "boeinghub_dagster_tests.domain.normalization_support",
)

import dagster as dg  # noqa: E402

from boeinghub_dagster.resources.boeing import BoeingResource  # noqa: E402
from boeinghub_dagster.resources.store import StoreResource  # noqa: E402
from boeinghub_dagster.resources.store.engine import dispose_all  # noqa: E402
from boeinghub_dagster_tests.support.dagster_instances import postgres_instance  # noqa: E402
from boeinghub_dagster_tests.support.postgres import create_database, postgres_server  # noqa: E402
from boeinghub_dagster_tests.support.sandboxes import running_boeing  # noqa: E402
from boeinghub_dagster_tests.support.scheduling import long_files_first, make_scheduler  # noqa: E402


def pytest_collection_modifyitems(config, items):
    long_files_first(items)  # see support/scheduling.py


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    return make_scheduler(config, log)


SANDBOX_CREDENTIALS = {
    "client_id": "sandbox-client",
    "client_secret": "sandbox-secret",
    "username": "sandbox-user",
    "password": "sandbox-pass",
}


@pytest.fixture(scope="session")
def pg_admin_url():
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        yield create_database(request.getfixturevalue("pg_admin_url"))
    dispose_all()


@pytest.fixture
def store(database_url) -> StoreResource:
    return StoreResource(database_url=database_url)


@pytest.fixture
def boeing_sandbox(request):
    """Boeing sandbox; `@pytest.mark.parametrize("boeing_sandbox", [{...knobs}], indirect=True)` sets knobs."""
    knobs = getattr(request, "param", None) or {}
    with running_boeing(**knobs) as handle:
        yield handle


def make_boeing_resource(store: StoreResource, sandbox, **overrides) -> BoeingResource:
    fields = dict(
        **SANDBOX_CREDENTIALS,
        **sandbox.endpoints(),
        scope="test",
        store=store,
        rate_per_min=sandbox.rate_per_min,
        batch_size=10,
        timeout_seconds=5,
        max_attempts=8,
        max_backoff_seconds=2,
    )
    fields.update(overrides)
    return BoeingResource(**fields)


@pytest.fixture
def boeing(store, boeing_sandbox) -> BoeingResource:
    return make_boeing_resource(store, boeing_sandbox)


@pytest.fixture
def instance():
    with dg.instance_for_test() as inst:
        yield inst


@pytest.fixture
def pg_instance(pg_admin_url, tmp_path):
    """A DagsterInstance from deploy/dagster.postgres.yaml on a fresh database of the suite's server."""
    with postgres_instance(create_database(pg_admin_url), tmp_path / "dagster_home") as inst:
        yield inst
