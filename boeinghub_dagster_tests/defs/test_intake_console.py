"""The operator's intake jobs against a real instance and store: a pasted list is a batch; a batch is canceled and
resumed."""

import math
import random
from concurrent.futures import ThreadPoolExecutor

import dagster as dg
import pytest
from dagster._core.events import DagsterEventType

import boeinghub_dagster.resources.boeing_queue as boeing_queue
from boeinghub_dagster.defs.extraction.assets import extraction
from boeinghub_dagster.defs.extraction.jobs import extraction_job
from boeinghub_dagster.defs.extraction.sensors import extraction_canceled_sensor, extraction_failure_sensor
from boeinghub_dagster.defs.intake.jobs import cancel_intake_batch, intake_part_list, resume_intake_batch
from boeinghub_dagster.resources.boeing_queue import DISPATCH_LEASE
from boeinghub_dagster.resources.inbox import InboxResource
from boeinghub_dagster.resources.store.leases import Lease
from boeinghub_dagster_tests.support.inbox import Ticker
from boeinghub_dagster_tests.support.intake_runs import execute_requests
from boeinghub_dagster_tests.support.waiting import wait_until

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
RANGE = "dagster/asset_partition_range_start"


def paste(instance, store, part_numbers, publish=False):
    config = {"part_numbers": part_numbers, "publish": publish}
    return intake_part_list.execute_in_process(
        instance=instance,
        resources={"store": store},
        raise_on_error=False,
        run_config={"ops": {"record_part_list_op": {"config": config}}},
    )


def metadata(result) -> dict:
    (event,) = [e for e in result.all_events if e.event_type == DagsterEventType.STEP_OUTPUT]
    return {k: getattr(v, "value", v) for k, v in event.step_output_data.metadata.items()}


def batch_job(job, instance, store, batch_id):
    op = next(iter(job.graph.node_dict))
    return job.execute_in_process(
        instance=instance,
        resources={"store": store},
        raise_on_error=False,
        run_config={"ops": {op: {"config": {"batch_id": batch_id}}}},
    )


def test_a_pasted_list_is_a_batch_with_the_rules_reasons_and_runs_of_a_file(ticker, store, instance):
    text = "BACB30LH3-4\nBAD|PART\nMS20470AD4-6; WF338109=K3\n# a comment\nBACB30LH3-4\n"
    result = paste(instance, store, text)
    assert result.success
    meta = metadata(result)
    batch = store.intake().get(meta["batch_id"])
    assert (batch["lines"], batch["accepted"], batch["rejected"], batch["duplicates"], batch["status"]) == (
        5,
        3,
        1,
        1,
        "requested",
    )
    assert (
        "BAD\\|PART" in meta["rejected_lines"] and "line 2 'BAD|PART'" in batch["reason"]
    )  # run metadata and batch view
    (request,) = ticker.tick().run_requests  # the inbox sensor takes it up as it would a file
    assert (request.tags["boeinghub/intake-batch"], request.tags["boeinghub/intake-file"]) == (
        str(batch["id"]),
        batch["file_name"],
    )
    assert request.tags["boeinghub/intake-target"] == "extraction" and request.tags["boeinghub/api"] == "boeing"
    assert store.intake().parts(batch["id"]) == ["BACB30LH3-4", "MS20470AD4-6", "WF338109=K3"]
    assert next(r for r in store.intake().report() if r["id"] == batch["id"])["reason"] == batch["reason"]

    again = paste(
        instance, store, ["BACB30LH3-4", "BAD|PART", "MS20470AD4-6; WF338109=K3", "# a comment", "BACB30LH3-4"]
    )
    assert (
        again.success and metadata(again)["outcome"] == "duplicate" and metadata(again)["same_as_batch"] == batch["id"]
    )
    assert ticker.tick().run_requests == []  # nothing new started


def test_a_list_refused_whole_fails_its_run_with_the_reason_and_is_in_the_batch_view(store, instance):
    refused = paste(instance, store, "???\n!!!\n")
    assert not refused.success
    failure = next(e for e in refused.all_events if e.event_type == DagsterEventType.STEP_FAILURE)
    assert (
        "no valid part numbers: all 2 entries were rejected" in failure.step_failure_data.user_failure_data.description
    )
    assert store.intake().report()[0]["status"] == "rejected"
    wrong = paste(instance, store, {"part": 1})
    failure = next(e for e in wrong.all_events if e.event_type == DagsterEventType.STEP_FAILURE)
    assert "must be pasted text" in failure.step_failure_data.user_failure_data.description


def test_a_scattered_list_is_at_most_n_over_chunk_runs_none_a_range_over_other_parts(
    ticker, store, instance, monkeypatch
):
    monkeypatch.setenv("INTAKE_CHUNK_PARTS", "64")
    registered = [f"MS21042L{i}" for i in range(600)]
    instance.add_dynamic_partitions("part_numbers", registered)
    picked = random.Random(3).sample(registered, 200)
    assert paste(instance, store, "\n".join(picked), publish=True).success
    requests = ticker.tick().run_requests
    chunks = store.chunks().for_batch(1)
    assert (
        len(chunks) == math.ceil(200 / 64)
        and sum(c["parts"] for c in chunks) == 200
        and not any(c["ranged"] for c in chunks)
    )
    assert len(requests) == 2 and all(RANGE not in r.tags for r in requests)  # two in flight at a time, as for a file
    assert {r.tags["boeinghub/intake-target"] for r in requests} == {"publish"}


def test_cancelling_a_batch_stops_its_chunks_runs_and_queue_rows_and_resuming_asks_for_what_is_left(
    ticker, store, instance, monkeypatch
):
    monkeypatch.setenv("INTAKE_CHUNK_PARTS", "5")
    a = [f"BACB30LH3-{i}" for i in range(15)]
    ticker.drop("a.txt", "\n".join(a).encode())
    assert len(ticker.settle().run_requests) == 2  # chunks 1 and 2 of 3 requested, their parts queued
    ticker.drop("b.txt", b"BACB30LH3-0\nNAS1149F0363P\n")  # shares a part with a.txt's first chunk
    assert len(ticker.settle().run_requests) == 1
    runs_a = [r for r in ticker.launched if r.tags["boeinghub/intake-batch"] == "1"]
    store.extraction().record_raw_answer(["BACB30LH3-1"], {"lineItems": []}, [], "earlier-run")  # answered meanwhile

    result = batch_job(cancel_intake_batch, instance, store, 1)
    assert result.success
    meta = metadata(result)
    assert (meta["chunks_canceled"], sorted(meta["runs_canceled"]), meta["runs_not_canceled"]) == (
        3,
        sorted(r.run_id for r in runs_a),
        {},
    )
    assert all(instance.get_run_by_id(r.run_id).status == dg.DagsterRunStatus.CANCELED for r in runs_a)
    assert store.requests().open_parts(a + ["NAS1149F0363P"]) == {"BACB30LH3-0", "NAS1149F0363P"}  # b.txt's stay
    assert [c["status"] for c in store.chunks().for_batch(1)] == ["canceled"] * 3
    assert [c["status"] for c in store.chunks().for_batch(2)] == ["requested"]
    logged = len(ticker.logged)
    assert ticker.tick().run_requests == [] and not any("asking again" in m for m in ticker.logged[logged:])
    row = next(r for r in store.intake().report() if r["id"] == 1)
    assert (row["status"], row["left"], row["failed"]) == ("canceled", 14, 0)

    canceled = instance.get_records_for_run(runs_a[0].run_id, of_type=DagsterEventType.RUN_CANCELED).records[0]
    context = dg.build_run_status_sensor_context(
        sensor_name="extraction_canceled_sensor",
        dagster_instance=instance,
        dagster_run=instance.get_run_by_id(runs_a[0].run_id),
        dagster_event=canceled.event_log_entry.dagster_event,
        resources={"store": store},
    )
    assert "canceled with its intake batch" in extraction_canceled_sensor(context).skip_message
    assert store.staging().failures() == []  # withdrawn on purpose: not failures
    again = batch_job(cancel_intake_batch, instance, store, 1)
    assert not again.success  # canceled already: a clear refusal, nothing changes

    assert batch_job(resume_intake_batch, instance, store, 1).success
    assert store.intake().get(1)["status"] == "launched"
    resumed = ticker.tick().run_requests
    assert [r.tags["boeinghub/intake-chunk"] for r in resumed] == ["1/3", "2/3"]
    assert all(r.run_key not in {x.tags["dagster/run_key"] for x in runs_a} for r in resumed)
    assert store.requests().open_parts(a) == set(a[:10]) - {"BACB30LH3-1"}  # only what is left is asked


def test_cancelling_an_unknown_or_finished_batch_is_refused_plainly(store, instance, ticker):
    result = batch_job(cancel_intake_batch, instance, store, 99)
    failure = next(e for e in result.all_events if e.event_type == DagsterEventType.STEP_FAILURE)
    assert "no intake batch 99" in failure.step_failure_data.user_failure_data.description


def test_a_chunk_run_its_termination_missed_stops_at_its_next_request_and_records_no_failures(
    tmp_path, store, boeing, boeing_sandbox, instance, monkeypatch
):
    monkeypatch.setattr(boeing_queue, "HEAL_SECONDS", 0.5)  # how often a waiting run asks again (30 s)
    ticker = Ticker(instance, InboxResource(path=str(tmp_path / "inbox")), store, record_runs=False)
    ticker.drop("late.txt", b"BACB30LH3-4\nMS20470AD4-6\n")
    (request,) = ticker.settle().run_requests
    other = Lease(store.engine(), DISPATCH_LEASE, "another-run")  # another run dispatches: this one only waits
    assert other.try_take()
    defs = dg.Definitions(assets=[extraction], jobs=[extraction_job], resources={"store": store, "boeing": boeing})
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(execute_requests, defs, instance, [request], False)
        wait_until(lambda: instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])), 180, "run")
        result = batch_job(cancel_intake_batch, instance, store, 1)  # in-process: no process to terminate
        not_canceled = list(metadata(result)["runs_not_canceled"].values())
        # CANCELING: in process, nothing to terminate; empty: the run saw its canceled chunk and stopped first
        assert result.success and all(why.startswith("CANCELING") for why in not_canceled)
        (run,) = running.result(timeout=240)  # its next request comes 0.5 s on; a busy machine is slower
    other.release()
    failure = next(e for e in run.all_events if e.event_type == DagsterEventType.STEP_FAILURE)
    assert "batch 1 was canceled by the operator" in failure.step_failure_data.user_failure_data.description
    assert boeing_sandbox.stats()["price_calls"] == 0 and store.requests().open_parts(["BACB30LH3-4"]) == set()
    ended = instance.get_run_by_id(run.run_id)  # failed, or canceled (the launcher marked it canceling)
    sensor, event = {
        dg.DagsterRunStatus.FAILURE: (extraction_failure_sensor, DagsterEventType.RUN_FAILURE),
        dg.DagsterRunStatus.CANCELED: (extraction_canceled_sensor, DagsterEventType.RUN_CANCELED),
    }[ended.status]
    record = instance.get_records_for_run(run.run_id, of_type=event).records[0]
    context = dg.build_run_status_sensor_context(
        sensor_name=sensor.name,
        dagster_instance=instance,
        dagster_run=ended,
        dagster_event=record.event_log_entry.dagster_event,
        resources={"store": store},
    )
    assert "with its intake batch canceled" in sensor(context).skip_message
    assert store.staging().failures() == []
