"""Intake run shape: exact chunk runs, one planned event per asset, failed chunks visible and resumable."""

import dagster as dg
import pytest
from dagster._core.events import DagsterEventType

import boeinghub_dagster.defs.intake.steps.runs as runs_module
from boeinghub_dagster.defs.extraction.assets import extraction
from boeinghub_dagster.defs.extraction.jobs import extraction_job
from boeinghub_dagster.defs.extraction.sensors import extraction_failure_sensor
from boeinghub_dagster.defs.intake.assets import COLUMNS, intake_batch_report
from boeinghub_dagster.defs.intake.jobs import resume_intake_batch
from boeinghub_dagster.resources.inbox import InboxResource
from boeinghub_dagster_tests.conftest import make_boeing_resource
from boeinghub_dagster_tests.support.inbox import Ticker
from boeinghub_dagster_tests.support.intake_runs import execute_requests, planned_partitions, report_row
from boeinghub_dagster_tests.support.runs import materialize_parts

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _defs(store, boeing, inbox):
    return dg.Definitions(
        assets=[extraction, intake_batch_report],
        jobs=[extraction_job, resume_intake_batch],
        resources={"store": store, "boeing": boeing, "inbox": inbox},
    )


def test_interleaved_registration_plans_only_each_files_own_parts(tmp_path, store, boeing, instance, monkeypatch):
    monkeypatch.setenv("INTAKE_CHUNK_PARTS", "10")
    inbox = InboxResource(path=str(tmp_path / "inbox"))
    ticker, defs = Ticker(instance, inbox, store, record_runs=False), _defs(store, boeing, inbox)
    big = [f"MS21042L{i}" for i in range(25)]
    ticker.drop("small-a.txt", b"AN960C10L\n")
    execute_requests(defs, instance, ticker.settle().run_requests)
    ticker.drop("big.txt", "\n".join(big).encode())
    big_requests = ticker.settle().run_requests
    assert any(
        "big.txt): 25 parts in 3 runs; Boeing needs about 2 min at 2 calls × 10 parts a minute" in m
        for m in ticker.logged
    )
    # The big file: chunks of 10 in order, at most two requested at once, each planning exactly its parts.
    assert [r.tags["boeinghub/intake-chunk"] for r in big_requests] == ["1/3", "2/3"]
    (first,) = execute_requests(defs, instance, big_requests[:1])
    planned = planned_partitions(instance, first.run_id)
    assert sorted(planned["boeing_raw_responses"]) == sorted(big[:10]) == sorted(planned["staged_products"])
    assert (
        len(instance.get_records_for_run(first.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION_PLANNED).records)
        == 2
    )
    ticker.drop("small-b.txt", b"NAS1149F0363P\n")
    execute_requests(
        defs, instance, [r for r in ticker.settle().run_requests if r.tags["boeinghub/intake-file"] == "small-b.txt"]
    )
    # Both parts known, registered before and after the big file: one run of exactly those two parts with no
    # partition range at all (a range would cover the big file's parts); it plans no part of the big file.
    ticker.drop("crlf.txt", b"NAS1149F0363P\r\nAN960C10L\r\n")
    (crlf,) = [r for r in ticker.settle().run_requests if r.tags["boeinghub/intake-file"] == "crlf.txt"]
    assert crlf.tags["boeinghub/intake-chunk"] == "1/1" and "dagster/asset_partition_range_start" not in crlf.tags
    (result,) = execute_requests(defs, instance, [crlf])
    assert result.success
    assert planned_partitions(instance, result.run_id) == {"boeing_raw_responses": [None], "staged_products": [None]}
    raw = {
        e.partition
        for e in result.get_asset_materialization_events()
        if e.asset_key == dg.AssetKey("boeing_raw_responses")
    }
    assert raw == {"NAS1149F0363P", "AN960C10L"}


def test_a_failed_chunk_shows_in_the_batch_view_and_resuming_asks_only_the_unanswered(
    tmp_path, store, boeing_sandbox, instance, monkeypatch
):
    monkeypatch.setattr(runs_module, "MAX_ATTEMPTS", 1)
    inbox = InboxResource(path=str(tmp_path / "inbox"))
    boeing = make_boeing_resource(store, boeing_sandbox, max_attempts=1)
    ticker, defs = Ticker(instance, inbox, store, record_runs=False), _defs(store, boeing, inbox)
    parts = [f"BACB30LH3-{i}" for i in range(20)]
    ticker.drop("order.txt", "\n".join(parts).encode())
    (request,) = ticker.settle().run_requests
    store.requests().drop("batch:1:chunk:1")  # else the run below, holding the lease, would serve them all
    assert materialize_parts(
        instance, parts[:10], {"boeing": boeing, "store": store}
    ).success  # answered for the chunk meanwhile
    boeing_sandbox.admin(outage=True)
    (failed,) = execute_requests(defs, instance, [request], raise_on_error=False)
    assert not failed.success

    failure = next(e for e in failed.all_events if e.event_type == DagsterEventType.RUN_FAILURE)
    context = dg.build_run_status_sensor_context(
        sensor_name="extraction_failure_sensor",
        dagster_instance=instance,
        dagster_run=failed.dagster_run,
        dagster_event=failure,
        resources={"store": store},
    )
    extraction_failure_sensor(context)
    recorded = {
        f["part_number"] for f in store.staging().failures(run_id=failed.run_id) if f["reason"].startswith("run failed")
    }
    assert recorded == set(parts[10:])

    assert ticker.tick().run_requests == []  # its one attempt is spent: the chunk stays failed
    table = (
        dg.materialize([intake_batch_report], instance=instance, resources={"store": store})
        .asset_materializations_for_node("intake_batch_report")[0]
        .metadata["batches"]
        .value
    )
    row = report_row(table, "order.txt", COLUMNS)
    assert (row["status"], row["answered"], row["left"], row["chunks"], row["run_id"]) == (
        "failed",
        "10",
        "0",
        "1 failed",
        failed.run_id[:8],
    )
    unknown = {f["part_number"] for f in store.staging().failures() if f["reason"] == "not returned by Boeing"}
    assert row["failed"] == str(10 + len(unknown)) and "run failed" in row["failure_reasons"]

    boeing_sandbox.admin(outage=False)
    before = boeing_sandbox.stats()["codes_requested"]
    assert (
        defs.resolve_job_def("resume_intake_batch")
        .execute_in_process(
            instance=instance,
            run_config={
                "ops": {"resume_intake_batch_op": {"config": {"batch_id": int(request.tags["boeinghub/intake-batch"])}}}
            },
        )
        .success
    )
    (again,) = ticker.tick().run_requests
    assert again.run_key != request.run_key
    (resumed,) = execute_requests(defs, instance, [again])
    assert resumed.success
    assert boeing_sandbox.stats()["codes_requested"] - before == 10  # only the parts without an answer
    unknown = {f["part_number"] for f in store.staging().failures() if f["reason"] == "not returned by Boeing"}
    assert instance.get_materialized_partitions(dg.AssetKey("boeing_raw_responses")) == set(parts) - unknown
    ticker.tick()
    assert store.intake().report()[0]["status"] == "done"
