"""The whole code location loads, and the instance settings in dagster.yaml mean what they say."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV = {
    "BOEINGHUB_DATABASE_URL": "sqlite:///unused.db",
    "BOEING_CLIENT_ID": "id",
    "BOEING_CLIENT_SECRET": "secret",
    "BOEING_USERNAME": "u",
    "BOEING_PASSWORD": "p",
    "BOEING_OAUTH_TOKEN_URL": "http://127.0.0.1:1/t",
    "BOEING_PNA_OAUTH_URL": "http://127.0.0.1:1/o",
    "BOEING_PNA_PRICE_URL": "http://127.0.0.1:1/p",
    "BOEING_SCOPE": "s",
}


@pytest.fixture
def defs(monkeypatch) -> dg.Definitions:
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    from boeinghub_dagster.definitions import defs as load

    return load()


def test_definitions_load_with_assets_checks_jobs_and_resources(defs):
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {"boeing_raw_responses", "staged_products"} <= keys
    assert graph.get(dg.AssetKey("staged_products")).parent_keys == {dg.AssetKey("boeing_raw_responses")}
    checks = {k.name for k in graph.asset_check_keys}
    assert {"raw_answers_cover_parts_asked", "staged_rows_have_sku", "staged_prices_non_negative"} <= checks
    job = defs.resolve_job_def("extraction_job")
    assert job.tags["boeinghub/api"] == "boeing"
    assert {"store", "boeing"} <= set(defs.resources)


def test_secrets_are_env_vars_not_values(defs):
    boeing = defs.resources["boeing"]
    for field in ("client_secret", "password", "client_id", "username"):
        assert isinstance(getattr(boeing, field), dg.EnvVar), field


def test_an_s3_inbox_comes_from_boeinghub_inbox_with_its_connection_read_from_the_environment(monkeypatch):
    from boeinghub_dagster.defs.resources import inbox_from_env
    from boeinghub_dagster.resources.inbox import InboxResource
    from boeinghub_dagster.resources.inbox_s3 import S3InboxResource

    monkeypatch.setenv("BOEINGHUB_INBOX", "s3://hub-inbox/drop")
    inbox = inbox_from_env()
    assert isinstance(inbox, S3InboxResource)
    for field, name in (
        ("path", "BOEINGHUB_INBOX"),
        ("endpoint_url", "SUPABASE_S3_ENDPOINT"),
        ("access_key_id", "SUPABASE_S3_ACCESS_KEY_ID"),
        ("secret_access_key", "SUPABASE_S3_SECRET_ACCESS_KEY"),
    ):
        assert isinstance(getattr(inbox, field), dg.EnvVar) and getattr(inbox, field) == name, field
    monkeypatch.setenv("BOEINGHUB_INBOX", "s3://hub-inbox/../etc")
    with pytest.raises(ValueError, match="'..' segment"):
        inbox_from_env()
    monkeypatch.setenv("BOEINGHUB_INBOX", "data/inbox")
    assert isinstance(inbox_from_env(), InboxResource)


def _assert_boeing_limited(instance: dg.DagsterInstance) -> None:
    config = instance.get_concurrency_config()
    limits = {(t["key"], t.get("value")): t["limit"] for t in config.run_queue_config.tag_concurrency_limits}
    # A few Boeing runs wait together so one call serves them all; the dispatch lease lets one call at a time.
    assert limits[("boeinghub/api", "boeing")] == 4
    assert config.pool_config.default_pool_limit == 1


def test_extraction_names_no_pool(defs):
    """A pool of one would let a single extraction op run at a time: runs could not share calls."""
    assert defs.resolve_assets_def("boeing_raw_responses").op.pool is None


def test_repo_dagster_yaml_limits_boeing_runs(tmp_path):
    (tmp_path / "dagster.yaml").write_text((ROOT / "dagster.yaml").read_text())
    instance = dg.DagsterInstance.from_config(str(tmp_path))
    try:
        _assert_boeing_limited(instance)
    finally:
        instance.dispose()


def test_production_instance_config_uses_postgres(tmp_path, pg_admin_url, monkeypatch):
    from dagster_postgres import PostgresRunStorage

    from boeinghub_dagster_tests.support.postgres import create_database

    monkeypatch.setenv("DAGSTER_PG_URL", create_database(pg_admin_url))
    (tmp_path / "dagster.yaml").write_text((ROOT / "deploy/dagster.postgres.yaml").read_text())
    instance = dg.DagsterInstance.from_config(str(tmp_path))
    try:
        assert isinstance(instance.run_storage, PostgresRunStorage)
        _assert_boeing_limited(instance)
        instance.add_dynamic_partitions("part_numbers", ["BACB30LH3-4"])
        assert instance.get_dynamic_partitions("part_numbers") == ["BACB30LH3-4"]
    finally:
        instance.dispose()


def test_batch_view_refreshes_itself(defs):
    sensor = defs.resolve_sensor_def("intake_report_automation")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert defs.resolve_sensor_def("inbox_sensor").default_status == dg.DefaultSensorStatus.RUNNING


def test_batch_view_automation_fires_after_an_extraction_run(defs):
    """Evaluate the real automation condition: nothing before, a run after staged_products updates."""
    from boeinghub_dagster.defs.intake.assets import REFRESH

    asset = dg.AssetSpec("intake_batch_report", deps=["staged_products"], automation_condition=REFRESH)
    parent = dg.AssetSpec("staged_products", partitions_def=dg.DynamicPartitionsDefinition(name="part_numbers"))
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("part_numbers", ["A", "B"])
        at = datetime(2026, 11, 24, 12, 1, tzinfo=UTC)  # no 5-minute cron tick between the two evaluations
        first = dg.evaluate_automation_conditions(defs=[asset, parent], instance=instance, evaluation_time=at)
        instance.report_runless_asset_event(dg.AssetMaterialization("staged_products", partition="A"))
        second = dg.evaluate_automation_conditions(
            defs=[asset, parent], instance=instance, cursor=first.cursor, evaluation_time=at + timedelta(minutes=1)
        )
    assert first.get_num_requested(dg.AssetKey("intake_batch_report")) == 0
    assert second.get_num_requested(dg.AssetKey("intake_batch_report")) == 1
