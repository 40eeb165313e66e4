"""The sync's Dagster objects: assets, check, jobs and their tags, UTC schedules, run-queue limits."""

from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest
import yaml

from boeinghub_dagster.defs.sync.schedules import bucket_for_tick, hourly_request
from boeinghub_dagster.defs.sync.steps.sync_rows import hourly_capacity
from boeinghub_dagster_tests.defs.test_definitions import ENV

ROOT = Path(__file__).resolve().parents[2]


def _load(monkeypatch, **env) -> dg.Definitions:
    for key, value in {**ENV, "SHOPIFY_SHOP_URL": "x", "SHOPIFY_ACCESS_TOKEN": "t", **env}.items():
        monkeypatch.setenv(key, value)
    from boeinghub_dagster.definitions import defs

    return defs()


def test_sync_assets_jobs_and_schedules(monkeypatch):
    defs = _load(monkeypatch)
    graph = defs.resolve_asset_graph()
    sync = graph.get(dg.AssetKey("sync_hashes"))
    assert sync.group_name == "sync" and isinstance(sync.partitions_def, dg.TimeWindowPartitionsDefinition)
    assert sync.partitions_def.timezone == "UTC" and sync.partitions_def.cron_schedule == "0 * * * *"
    assert dg.AssetKey("shopify_products") in sync.parent_keys
    assert {k.name for k in graph.asset_check_keys if k.asset_key == sync.key} == {
        "active_parts_synced_within_26_hours"
    }
    assert {"sync_dashboard", "sync_daily_report"} <= {k.to_user_string() for k in graph.get_all_asset_keys()}
    for job in ("hourly_sync_job", "retry_failed_parts_job", "sync_part_now"):
        assert defs.resolve_job_def(job).tags["boeinghub/api"] == "boeing-sync", job
    schedules = {s.name: s for s in defs.schedules}
    crons = {
        name: (s.cron_schedule, s.execution_timezone)
        for name, s in schedules.items()
        if "sync" in name or "retry" in name
    }
    assert crons == {
        "hourly_sync_job_schedule": ("45 * * * *", "UTC"),
        "retry_failed_parts_job_schedule": ("15 */4 * * *", "UTC"),
        "sync_cleanup_job_schedule": ("0 0 * * *", "UTC"),
        "sync_dashboard_job_schedule": ("55 * * * *", "UTC"),
    }
    assert defs.resolve_job_def("reactivate_parts") and defs.resolve_job_def("sync_part_now")


def test_testing_mode_fires_every_ten_minutes_and_cycles_buckets(monkeypatch):
    defs = _load(monkeypatch, SYNC_MODE="testing")
    schedule = next(s for s in defs.schedules if s.name == "hourly_sync_job_schedule")
    assert schedule.cron_schedule == "*/10 * * * *"
    at = datetime(2026, 12, 1, 5, 40, tzinfo=UTC)
    request = hourly_request(at, testing=True)
    assert request.partition_key == "2026-12-01-05:00" and bucket_for_tick(at) == (5 * 6 + 4) % 24 == 10
    assert request.run_config["ops"]["sync_hashes"]["config"] == {"bucket": 10, "due_since": at.isoformat()}
    assert sorted(
        {bucket_for_tick(datetime(2026, 12, 1, h, m, tzinfo=UTC)) for h in range(4) for m in range(0, 60, 10)}
    ) == list(range(24))


def test_a_tick_asks_for_its_own_hour_once():
    at = datetime(2026, 12, 1, 13, 45, tzinfo=UTC)
    request = hourly_request(at, testing=False)
    assert (request.partition_key, request.run_key) == ("2026-12-01-13:00", "2026-12-01-13:00")


@pytest.mark.parametrize("path", ["dagster.yaml", "deploy/dagster.postgres.yaml"])
def test_one_sync_run_at_a_time_beside_four_extraction_runs(path):
    limits = yaml.safe_load((ROOT / path).read_text())["concurrency"]["runs"]["tag_concurrency_limits"]
    by_value = {t["value"]: t["limit"] for t in limits if t["key"] == "boeinghub/api"}
    assert by_value["boeing-sync"] == 1 and by_value["boeing"] == 4


def test_a_bucket_takes_what_boeing_allows_in_an_hour():
    assert hourly_capacity(2, 10) == 1170  # 120 calls an hour, 3 kept back for retries and tokens
    assert hourly_capacity(0.5, 10) == 290
