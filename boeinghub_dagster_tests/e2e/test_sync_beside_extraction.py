"""A large extraction in progress delays no sync bucket: sync requests go first in the shared Boeing queue."""

import threading
import time

import pytest

from boeinghub_dagster.domain.clock import utcnow
from boeinghub_dagster.resources.boeing_queue import DISPATCH_LEASE, Dispatcher, ExtractionStats, await_answers
from boeinghub_dagster.resources.store.leases import Lease
from boeinghub_dagster.resources.store.requests import PRIORITY_EXTRACTION
from boeinghub_dagster_tests.conftest import make_boeing_resource
from boeinghub_dagster_tests.support.sync import fetched_parts, metadata, publish_parts, sync_hour

RATE = 600  # calls a minute, sandbox and hub alike: 10 a second
EXTRACTION = [f"BIGFILE{i:05d}-2" for i in range(6000)]  # 600 calls: a minute at RATE, far longer than the test


def _extract(store, boeing, stop: threading.Event, out: dict):
    requests, raw = store.requests(), store.extraction()
    run_id = "extraction-big"
    dispatcher = Dispatcher(
        boeing.client, requests, raw, Lease(store.engine(), DISPATCH_LEASE, run_id), 10, run_id, out["stats"]
    )
    answered = 0
    for answer in await_answers(
        EXTRACTION,
        utcnow(),
        lambda todo: requests.enqueue(todo, run_id, PRIORITY_EXTRACTION, 10),
        requests,
        raw,
        dispatcher,
        poll_seconds=0.05,
    ):
        answered += len(answer.returned) + len(answer.failures)
        out["answered"] = answered
        if stop.is_set():
            break


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("boeing_sandbox", [{"rate_per_min": RATE}], indirect=True)
def test_every_bucket_finishes_within_its_hour_beside_a_large_extraction(store, resources, boeing_sandbox, instance):
    now = utcnow()
    hour = now.replace(minute=0, second=0, microsecond=0)
    parts = fetched_parts(30, now)
    publish_parts(instance, parts, resources, None)
    boeing = make_boeing_resource(store, boeing_sandbox, rate_per_min=RATE)
    resources = {**resources, "boeing": boeing}
    out, stop = {"stats": ExtractionStats(), "answered": 0}, threading.Event()
    worker = threading.Thread(target=_extract, args=(store, boeing, stop, out), daemon=True)
    worker.start()
    try:
        while out["stats"].calls < 5:  # the extraction holds the lease and is well under way
            time.sleep(0.05)
        for bucket in range(3):
            started, calls_before = time.monotonic(), out["stats"].calls
            waiting_calls = (len(EXTRACTION) - out["answered"]) // 10  # the extraction's calls queued ahead
            m = metadata(
                sync_hour(instance, resources, hour, minute=None, bucket=bucket, due_since=utcnow().isoformat())
            )
            took = time.monotonic() - started
            assert m["parts_due"] == 10 and m["parts_failed"] == 0 and m["finished_within_hour"]
            # Sync requests go ahead of the extraction's backlog: while the bucket's run starts, waits and ends, the
            # extraction sends only what the dispatcher packs between the sync's own calls, never the calls queued
            # ahead of it (a minute's worth at RATE). Counted in calls, not seconds, so a busy machine that slows
            # both does not change the verdict.
            made = out["stats"].calls - calls_before
            assert made < waiting_calls / 2, (
                f"{made} extraction calls of {waiting_calls} waiting went first ({took:.1f} s)"
            )
            assert out["answered"] < len(EXTRACTION) - 500, out["answered"]
        stats = boeing_sandbox.stats()
        assert stats["over_limit"] == 0 and stats["responses_429"] == 0
    finally:
        stop.set()
        worker.join(60)
