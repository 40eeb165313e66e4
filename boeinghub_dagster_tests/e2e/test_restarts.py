"""Runs survive a restart (issue 10, item 2), on the production shape: a PostgreSQL server of this
module's own (it gets restarted) holding the Dagster instance and the store, and a gRPC code server,
`dagster-daemon` and `dagster-webserver` as three process groups, over the Boeing sandbox at 60 calls
a minute. Each scenario drops its own intake file (distinct part numbers) and breaks something while
its run is half-way through Boeing:

- the run's worker process (and its step process) is SIGKILLed: the code server marks the run failed,
  Dagster's run retries launch its retry (same run key, so the inbox sensor asks nothing again), the
  retry succeeds and Boeing was asked for no part twice beyond one batch;
- PostgreSQL restarts (`pg_ctl restart -m fast`): the run ends SUCCESS, its rows those of a clean run;
- dagster-daemon is killed: the run in flight goes on (it lives in the code server); a run launched
  and a file dropped while the daemon is down wait, and both go through once it is back.
"""

from __future__ import annotations

import os
import re
import signal
import time
from contextlib import ExitStack

import dagster as dg
import httpx
import psutil
import pytest

from boeinghub_dagster.domain.clock import utcnow
from boeinghub_dagster_tests.support.expected import current_hour, expected_staging, part_list
from boeinghub_dagster_tests.support.live_hub import start_live_hub
from boeinghub_dagster_tests.support.live_hub_separate import start_daemon
from boeinghub_dagster_tests.support.postgres import LocalPostgres, _bin
from boeinghub_dagster_tests.support.waiting import wait_until

pytestmark = pytest.mark.slow

RATE = 60  # Boeing calls a minute: a 100-part file is 10 calls, ~10 s
BATCH = 10
RETRY_NUMBER, PARENT = "dagster/retry_number", "dagster/parent_run_id"


@pytest.fixture(scope="module")
def server():
    try:
        _bin("pg_ctl")
    except RuntimeError as exc:
        pytest.skip(str(exc))
    pg = LocalPostgres()
    yield pg
    pg.stop()


@pytest.fixture(scope="module")
def hub(server, tmp_path_factory):
    with ExitStack() as stack:
        live = start_live_hub(
            stack,
            tmp_path_factory.mktemp("restarts"),
            boeing_rate=RATE,
            storage="postgres",
            pg_admin_url=server.url,
            separate=True,
        )
        live.stack = stack
        yield live


def parts_for(prefix: str, n: int) -> list[str]:
    return part_list(n + 5, prefix)[:n]  # no special parts: each scenario's parts are its own


def file_runs(hub, name: str) -> list[dg.DagsterRun]:
    """Every run of the file's chunk, oldest first."""
    return sorted(
        hub.instance.get_runs(filters=dg.RunsFilter(tags={"boeinghub/intake-file": name})),
        key=lambda r: hub.instance.get_run_record_by_id(r.run_id).create_timestamp,
    )


def answered(hub, parts: list[str], since) -> int:
    return len(hub.store.extraction().latest_index(parts, since))


def drop_and_wait_midway(hub, name: str, parts: list[str], at_least: int) -> dg.DagsterRun:
    """Drop the file; return its run once `at_least` of its parts have a stored answer (not all).
    The Boeing catalogue's hour is held first, so a run across :00 answers as `held_hour` expects."""
    since = utcnow()
    hub.boeing.admin(hour=current_hour())
    hub.drop(name, parts)
    wait_until(lambda: at_least <= answered(hub, parts, since), 180, f"{at_least} answers for {name}", every=0.2)
    assert answered(hub, parts, since) < len(parts), "the run finished before the fault: raise the part count"
    (run,) = file_runs(hub, name)
    return run


def held_hour(hub) -> int:
    """The hour the hub's Boeing sandbox answers for (held by `drop_and_wait_midway`)."""
    return hub.boeing.admin()["hour"]


def staged(store, parts: list[str]) -> dict[str, str]:
    return {r["part_number"]: r["status"] for r in store.staging().rows(parts)}


def worker_pid(hub, run_id: str) -> int:
    """The run worker's pid, from the code server's "Started process for run (pid: N)." event."""
    for entry in hub.instance.all_logs(run_id):
        found = re.search(r"Started process for run \(pid: (\d+)\)", entry.message or "")
        if found:
            return int(found.group(1))
    raise AssertionError(f"no worker pid in the events of run {run_id}")


def test_a_killed_worker_fails_the_run_and_its_retry_reuses_the_answers(hub):
    parts = parts_for("KILLWRK", 100)
    before = hub.boeing.stats()["codes_requested"]
    first = drop_and_wait_midway(hub, "killed-worker.txt", parts, at_least=30)

    worker = psutil.Process(worker_pid(hub, first.run_id))
    doomed = [worker, *worker.children(recursive=True)]  # the step process too: the whole worker is gone
    for proc in doomed:
        proc.send_signal(signal.SIGKILL)
    psutil.wait_procs(doomed, timeout=10)

    assert wait_until(
        lambda: hub.instance.get_run_by_id(first.run_id).is_finished, 180, "the killed run to end", every=0.5
    )
    assert hub.instance.get_run_by_id(first.run_id).status == dg.DagsterRunStatus.FAILURE
    retry = wait_until(
        lambda: next((r for r in file_runs(hub, "killed-worker.txt") if r.tags.get(PARENT) == first.run_id), None),
        180,
        "the automatic retry run",
        every=0.5,
    )
    assert retry.tags.get(RETRY_NUMBER) == "1" and retry.tags["dagster/run_key"] == first.tags["dagster/run_key"]
    assert wait_until(lambda: hub.instance.get_run_by_id(retry.run_id).is_finished, 300, "the retry to end", every=0.5)
    assert hub.instance.get_run_by_id(retry.run_id).status == dg.DagsterRunStatus.SUCCESS

    assert staged(hub.store, parts) == expected_staging(parts, held_hour(hub))
    asked = hub.boeing.stats()["codes_requested"] - before
    assert len(parts) <= asked <= len(parts) + BATCH, asked  # the retry asked only for what was unanswered
    # The inbox sensor followed the chunk to its retry: done on its first attempt, nothing requested again.
    batch = int(first.tags["boeinghub/intake-batch"])

    def closed():
        return next((c for c in hub.store.chunks().for_batch(batch) if c["status"] != "requested"), None)

    chunk = wait_until(closed, 120, "the sensor to close the chunk", every=0.5)
    assert (chunk["status"], chunk["attempts"], chunk["run_id"]) == ("success", 1, retry.run_id)
    assert [r.run_id for r in file_runs(hub, "killed-worker.txt")] == [first.run_id, retry.run_id]


def _launch_one_part(hub, part: str) -> str:
    """What the UI's *Materialize* on one partition sends: a run the run queue must launch."""
    hub.instance.add_dynamic_partitions("part_numbers", [part])
    params = {
        "selector": {
            "repositoryLocationName": "boeinghub",
            "repositoryName": "__repository__",
            "jobName": "extraction_job",
            "assetSelection": [{"path": ["boeing_raw_responses"]}, {"path": ["staged_products"]}],
        },
        "executionMetadata": {"tags": [{"key": "dagster/partition", "value": part}]},
        "runConfigData": {},
    }
    return hub.launch(params)


def test_daemon_restart_keeps_runs_queue_and_sensors_going(hub):
    parts = parts_for("DAEMONRS", 60)
    running = drop_and_wait_midway(hub, "daemon-restart.txt", parts, at_least=10)
    old = hub.groups["daemon"]
    os.killpg(old.pgid, signal.SIGKILL)
    old.proc.wait(10)

    queued = _launch_one_part(hub, "QUEUEDWHILEDOWN-1")
    late = parts_for("LATEFILE", 10)
    hub.drop("dropped-while-down.txt", late)
    time.sleep(8)  # well over a sensor interval and a run-queue tick
    assert hub.instance.get_run_by_id(queued).status == dg.DagsterRunStatus.QUEUED
    assert (hub.inbox / "dropped-while-down.txt").exists() and not file_runs(hub, "dropped-while-down.txt")

    start_daemon(hub.stack, hub)
    for run_id, what in ((running.run_id, "the run in flight"), (queued, "the run queued while the daemon was down")):
        assert wait_until(lambda run_id=run_id: hub.instance.get_run_by_id(run_id).is_finished, 300, what, every=0.5)
        assert hub.instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.SUCCESS, what
    late_run = wait_until(
        lambda: file_runs(hub, "dropped-while-down.txt"), 180, "the sensor to take the late file", every=0.5
    )[0]
    assert wait_until(
        lambda: hub.instance.get_run_by_id(late_run.run_id).is_finished, 300, "the late file's run", every=0.5
    )
    assert hub.instance.get_run_by_id(late_run.run_id).status == dg.DagsterRunStatus.SUCCESS
    hour = held_hour(hub)
    assert staged(hub.store, parts) == expected_staging(parts, hour) and staged(hub.store, late) == expected_staging(
        late, hour
    )
    assert staged(hub.store, ["QUEUEDWHILEDOWN-1"]) == expected_staging(["QUEUEDWHILEDOWN-1"], hour)


def test_postgres_restarted_mid_run_ends_like_a_clean_run(hub, server):
    parts = parts_for("PGRESTART", 100)
    before = hub.boeing.stats()["codes_requested"]
    run = drop_and_wait_midway(hub, "pg-restart.txt", parts, at_least=30)

    server.restart()  # every connection of every process is cut; the server is back when this returns

    # Either the run rides it out (the store's queries reconnect, a lost one retries the step) or Dagster's
    # own event write fails the step (outside the op: no step retry) and the inbox sensor runs the chunk
    # again; either way the chunk ends done on the rows of a clean run, no part asked twice beyond a batch.
    batch = int(run.tags["boeinghub/intake-batch"])
    chunk = wait_until(
        lambda: next(
            (c for c in hub.store.chunks().for_batch(batch) if c["status"] not in ("requested", "planned")), None
        ),
        300,
        "the chunk to end",
        every=0.5,
    )
    runs = file_runs(hub, "pg-restart.txt")
    assert chunk["status"] == "success" and len(runs) <= 2, [(r.run_id, r.status) for r in runs]
    print(f"pg restart: runs {[(r.run_id[:8], r.status.value) for r in runs]}")
    assert staged(hub.store, parts) == expected_staging(parts, held_hour(hub))
    assert hub.instance.get_materialized_partitions(dg.AssetKey("staged_products")) >= set(
        expected_staging(parts, held_hour(hub))
    )
    asked = hub.boeing.stats()["codes_requested"] - before
    assert len(parts) <= asked <= len(parts) + BATCH, asked
    retried = [e for r in runs for e in hub.instance.all_logs(r.run_id, of_type=dg.DagsterEventType.STEP_UP_FOR_RETRY)]
    print(f"step retries after the restart: {len(retried)}")  # 0 when no query was in flight at the cut
    # The webserver keeps one pooled connection per storage without a pre-ping (dagster-postgres): a
    # query or two fail once after the restart, then it answers again by itself.
    failures = []
    wait_until(lambda: _ui_answers(hub, failures), 90, "the webserver to answer after the restart", every=0.5)
    assert len(failures) <= 3, failures


def _ui_answers(hub, failures: list) -> bool:
    try:
        hub.graphql("{ runsOrError(limit: 1) { __typename } }")
        return True
    except (httpx.HTTPError, RuntimeError) as exc:
        failures.append(str(exc)[:200])
        return False


def _fail_once(monkeypatch, error: Exception, call: int = 2) -> list:
    """`record_raw_answer` raises `error` on its `call`-th call (a Boeing answer lost with the connection)."""
    from boeinghub_dagster.resources.store.extraction import ExtractionStore

    calls, real = [], ExtractionStore.record_raw_answer

    def flaky(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            raise error
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ExtractionStore, "record_raw_answer", flaky)
    return calls


@pytest.mark.parametrize("boeing_sandbox", [{"rate_per_min": 6000}], indirect=True)
def test_a_lost_database_connection_retries_the_step_and_reuses_the_answers(
    monkeypatch, store, boeing, boeing_sandbox, instance
):
    from sqlalchemy.exc import OperationalError

    from boeinghub_dagster_tests.support.runs import materialize_parts

    parts = parts_for("STEPRETRY", 40)
    hour = current_hour()
    boeing_sandbox.admin(hour=hour)  # the catalogue's hour held: a run across :00 answers as expected
    _fail_once(
        monkeypatch, OperationalError("INSERT INTO boeing_raw_responses", {}, Exception("server closed the connection"))
    )
    result = materialize_parts(instance, parts, {"store": store, "boeing": boeing})
    assert result.success
    assert len(instance.all_logs(result.run_id, of_type=dg.DagsterEventType.STEP_UP_FOR_RETRY)) == 1
    assert staged(store, parts) == expected_staging(parts, hour)
    # The first call's answer was stored and reused by the retried step; only the lost call is asked twice.
    assert boeing_sandbox.stats()["codes_requested"] == len(parts) + BATCH


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("boeing_sandbox", [{"rate_per_min": 6000}], indirect=True)
def test_any_other_error_fails_the_step_at_once(monkeypatch, store, boeing, boeing_sandbox, instance):
    from boeinghub_dagster_tests.support.runs import materialize_parts

    calls = _fail_once(monkeypatch, RuntimeError("not a connection problem"), call=1)
    result = materialize_parts(
        instance, parts_for("NORETRY", 20), {"store": store, "boeing": boeing}, raise_on_error=False
    )
    assert not result.success and len(calls) == 1
    assert instance.all_logs(result.run_id, of_type=dg.DagsterEventType.STEP_UP_FOR_RETRY) == []
