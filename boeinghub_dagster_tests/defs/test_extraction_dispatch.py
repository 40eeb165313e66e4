"""Runs waiting together share full Boeing calls: one dispatcher at a time packs every run's parts."""

import threading
import time

import pytest

from boeinghub_dagster.domain.clock import utcnow
from boeinghub_dagster.resources.boeing_queue import DISPATCH_LEASE, Dispatcher, ExtractionStats, await_answers
from boeinghub_dagster.resources.store.leases import Lease
from boeinghub_dagster.resources.store.requests import PRIORITY_EXTRACTION
from boeinghub_dagster_tests.conftest import make_boeing_resource


def _run(store, boeing, run_id: str, parts: list[str], out: dict, since):
    requests, raw = store.requests(), store.extraction()
    dispatcher = Dispatcher(
        boeing.client, requests, raw, Lease(store.engine(), DISPATCH_LEASE, run_id), 10, run_id, ExtractionStats()
    )
    enqueue = lambda todo: requests.enqueue(todo, run_id, PRIORITY_EXTRACTION, 10)  # noqa: E731
    got = []
    for answer in await_answers(parts, since, enqueue, requests, raw, dispatcher, poll_seconds=0.05):
        got += answer.returned + [p for p, _ in answer.failures]
    out[run_id] = (sorted(got), dispatcher.stats.calls)


@pytest.mark.parametrize("boeing_sandbox", [{"rate_per_min": 120}], indirect=True)
def test_ten_one_part_runs_cost_one_call_and_twenty_five_parts_three(store, boeing_sandbox):
    boeing = make_boeing_resource(store, boeing_sandbox, rate_per_min=120)
    since = utcnow()
    parts = [f"MS20470AD4-{i}" for i in range(25)]
    # As the inbox sensor does for a burst of small files: every part is queued before any run starts.
    store.requests().enqueue(parts, "batch:1:chunk:1", PRIORITY_EXTRACTION, 10)
    out: dict = {}
    groups = [parts[i::10] for i in range(10)]  # ten runs, parts interleaved across them
    threads = [
        threading.Thread(target=_run, args=(store, boeing, f"run-{i}", g, out, since)) for i, g in enumerate(groups)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert {k: v[0] for k, v in out.items()} == {f"run-{i}": sorted(g) for i, g in enumerate(groups)}
    stats = boeing_sandbox.stats()
    assert stats["price_calls"] == 3 and stats["codes_requested"] == 25  # 10 + 10 + 5: full calls across runs
    assert sum(calls for _, calls in out.values()) == 3 and stats["over_limit"] == 0


@pytest.mark.parametrize("boeing_sandbox", [{"rate_per_min": 600}], indirect=True)
def test_a_run_done_with_its_own_parts_serves_the_queue_until_another_run_asks(store, boeing_sandbox):
    boeing = make_boeing_resource(store, boeing_sandbox, rate_per_min=600)
    since = utcnow()
    queued = [f"MS20470AD4-{i}" for i in range(30)]
    store.requests().enqueue(queued, "batch:1:chunk:1", PRIORITY_EXTRACTION, 10)  # a chunk whose run has not started
    out: dict = {}
    _run(store, boeing, "run-small", [queued[0]], out, since)
    assert out["run-small"][0] == [queued[0]]
    assert boeing_sandbox.stats()["codes_requested"] == 30  # no slot idled while the chunk's run was starting
    assert not store.requests().has_waiting()

    store.requests().enqueue([f"BACB30LH3-{i}" for i in range(40)], "batch:2:chunk:1", PRIORITY_EXTRACTION, 10)
    other = Lease(store.engine(), DISPATCH_LEASE, "run-other")

    def ask_for_the_lease():
        while boeing_sandbox.stats()["codes_requested"] <= 30:  # run-small-2 holds the lease and has called
            time.sleep(0.01)
        while not other.try_take():  # a run that started meanwhile: its failed tries ask for the lease
            time.sleep(0.01)
        other.release()

    asker = threading.Thread(target=ask_for_the_lease)
    asker.start()
    _run(store, boeing, "run-small-2", ["BACB30LH3-0"], out, since)
    asker.join(30)
    assert boeing_sandbox.stats()["codes_requested"] < 70  # handed over instead of serving all 40
