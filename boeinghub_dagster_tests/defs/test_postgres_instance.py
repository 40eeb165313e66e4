"""The production instance, deploy/dagster.postgres.yaml on a real PostgreSQL, runs the hub's own objects.

Issue 7: with a plain `postgresql://` DAGSTER_PG_URL, SQLAlchemy 2.1 picked psycopg 3 and every
event write failed on dagster-postgres's `NOTIFY run_events, $1`. `pg_instance` is built from the
deploy file with the URL going through the same step as in scripts/hub, so these tests fail if
that step, the yaml, or the driver pin goes wrong.
"""

from __future__ import annotations

import shutil

import dagster as dg
import psycopg
import pytest
from dagster._core.errors import DagsterInvalidConfigError
from dagster._core.instance.config import dagster_instance_config
from dagster._core.test_utils import create_run_for_test
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

from boeinghub_dagster.defs.partitions import part_numbers
from boeinghub_dagster.resources.inbox import InboxResource
from boeinghub_dagster_tests.support.dagster_instances import LOCAL_YAML, POSTGRES_YAML
from boeinghub_dagster_tests.support.expected import expected_staging, part_list
from boeinghub_dagster_tests.support.inbox import Ticker
from boeinghub_dagster_tests.support.runs import materialize_parts
from boeinghub_dagster_tests.support.waiting import wait_until

ON_POSTGRES = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # the store too, as in production


def test_deploy_file_gives_postgres_storage_over_psycopg2(pg_instance):
    storages = (pg_instance.run_storage, pg_instance.event_log_storage, pg_instance.schedule_storage)
    assert [type(s) for s in storages] == [PostgresRunStorage, PostgresEventLogStorage, PostgresScheduleStorage]
    assert {s._engine.dialect.driver for s in storages} == {"psycopg2"}
    assert pg_instance.nux_enabled is False


@ON_POSTGRES
def test_extraction_run_materializes_part_partitions_and_reads_back(pg_instance, store, boeing):
    parts = part_list(8)  # three ordinary parts and the catalogue's unknown, no-price, no-stock, negative-price ones
    result = materialize_parts(pg_instance, parts, {"store": store, "boeing": boeing})
    assert result.success

    staged = set(expected_staging(parts))
    assert staged and staged < set(parts)
    assert pg_instance.get_materialized_partitions(dg.AssetKey("staged_products")) == staged
    records = pg_instance.fetch_materializations(dg.AssetKey("staged_products"), limit=100).records
    assert {r.partition_key for r in records} == staged
    assert all(r.run_id == result.run_id for r in records)

    run = pg_instance.get_run_by_id(result.run_id)
    assert run.status == dg.DagsterRunStatus.SUCCESS
    types = [e.dagster_event_type for e in pg_instance.all_logs(result.run_id) if e.is_dagster_event]
    assert {dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED, dg.DagsterEventType.ASSET_CHECK_EVALUATION} <= set(types)
    assert types[-1] == dg.DagsterEventType.RUN_SUCCESS


@dg.asset(partitions_def=part_numbers, pool="instance_test", backfill_policy=dg.BackfillPolicy.single_run())
def pooled_parts(context) -> dg.MaterializeResult:
    """An asset over the project's part partitions, in one run, naming a pool; nothing else."""
    return dg.MaterializeResult(metadata={"parts": len(context.partition_keys)})


def test_pool_slots_live_in_the_postgres_event_log(pg_instance):
    """A pool gets the instance file's default_limit (1, op granularity), and is claimed and freed in PostgreSQL."""
    keys = ["BACB30LH3-4", "MS20470AD4-6"]
    pg_instance.add_dynamic_partitions(part_numbers.name, keys)
    result = dg.materialize(
        [pooled_parts],
        instance=pg_instance,
        tags={"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]},
    )
    assert result.success
    assert pg_instance.get_materialized_partitions(pooled_parts.key) == set(keys)
    pool = pg_instance.event_log_storage.get_concurrency_info("instance_test")
    assert (pool.slot_count, pool.active_slot_count, pool.pending_step_count) == (1, 0, 0)


def test_dynamic_partitions_add_read_and_delete(pg_instance):
    keys = ["BACB30LH3-4", "MS20470AD4-6", "WF338109=K3"]
    pg_instance.add_dynamic_partitions(part_numbers.name, keys)
    pg_instance.add_dynamic_partitions(part_numbers.name, keys[:1])  # adding again is a no-op
    assert pg_instance.get_dynamic_partitions(part_numbers.name) == keys  # in the order added
    assert pg_instance.has_dynamic_partition(part_numbers.name, "MS20470AD4-6")
    pg_instance.delete_dynamic_partition(part_numbers.name, "MS20470AD4-6")
    assert pg_instance.get_dynamic_partitions(part_numbers.name) == ["BACB30LH3-4", "WF338109=K3"]


@ON_POSTGRES
def test_inbox_sensor_evaluates_against_the_postgres_instance(pg_instance, store, tmp_path):
    ticker = Ticker(pg_instance, InboxResource(path=str(tmp_path / "inbox")), store)
    ticker.drop("parts.txt", b"BACB30LH3-4\nMS20470AD4-6\n")
    result = ticker.settle()  # build_sensor_context(instance=pg_instance, ...) twice
    assert len(result.run_requests) == 1
    request = result.run_requests[0]
    assert set(pg_instance.get_dynamic_partitions(part_numbers.name)) == {"BACB30LH3-4", "MS20470AD4-6"}
    runs = pg_instance.get_runs(filters=dg.RunsFilter(tags={"dagster/run_key": request.run_key}))
    assert [r.tags["boeinghub/intake-batch"] for r in runs] == [request.tags["boeinghub/intake-batch"]]

    again = ticker.tick()  # whatever the sensor asks again, it is under the same run key, found in run storage
    assert {r.run_key for r in again.run_requests} <= {request.run_key}
    assert len(ticker.launched) == 1


def test_event_writes_notify_and_the_watcher_streams_them(pg_instance):
    """The path that broke: store_event sends NOTIFY; the UI's run page watches the log by polling."""
    run = create_run_for_test(pg_instance, job_name="extraction_job")
    listen_url = pg_instance.run_storage.postgres_url.replace("postgresql+psycopg2://", "postgresql://", 1)
    seen: list[dg.EventLogEntry] = []

    def on_event(entry, _cursor):
        seen.append(entry)

    with psycopg.connect(listen_url, autocommit=True) as listener:
        listener.execute("LISTEN run_events")
        pg_instance.watch_event_logs(run.run_id, None, on_event)
        try:
            pg_instance.report_engine_event("written by the test", run)
            notes = list(listener.notifies(timeout=10, stop_after=1))
            wait_until(
                lambda: any(e.message == "written by the test" for e in seen), 60, "the test's event", every=0.05
            )
        finally:
            pg_instance.end_watch_event_logs(run.run_id, on_event)

    records = pg_instance.get_records_for_run(run.run_id).records
    stored = next(r for r in records if r.event_log_entry.message == "written by the test")
    assert [n.payload for n in notes] == [f"{run.run_id}_{stored.storage_id}"]

    pg_instance.report_run_failed(run)  # an event that moves the run storage's status too
    assert pg_instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.FAILURE


@pytest.mark.parametrize("source", [LOCAL_YAML, POSTGRES_YAML], ids=lambda p: p.name)
def test_instance_files_pass_dagster_validation(tmp_path, source):
    shutil.copyfile(source, tmp_path / "dagster.yaml")
    config, _custom_class = dagster_instance_config(str(tmp_path))
    assert config["nux"] == {"enabled": False}
    assert config["telemetry"] == {"enabled": False}


@pytest.mark.parametrize("source", [LOCAL_YAML, POSTGRES_YAML], ids=lambda p: p.name)
def test_a_misspelled_key_fails_dagster_validation(tmp_path, source):
    text = source.read_text()
    assert "nux:\n  enabled: false\n" in text
    (tmp_path / "dagster.yaml").write_text(text.replace("nux:\n  enabled: false\n", "nux:\n  enable: false\n"))
    with pytest.raises(DagsterInvalidConfigError, match="enable"):
        dagster_instance_config(str(tmp_path))
