"""A separate process waiting for its parts through the shared queue, dispatching while it holds the lease:
the extraction step's own loop (`await_answers` + `Dispatcher`), without a Dagster run around it, and
with a short lease so a test can stall it (SIGSTOP) past the lease.

`python -m boeinghub_dagster_tests.support.dispatch_worker DB_URL SANDBOX_URL RATE RUN_ID TTL GRACE PART…`
prints one JSON line when its parts are answered: calls made, times it lost the lease, parts answered.
A lost store connection (PostgreSQL ends a session stalled inside a transaction) starts the loop
again, as the extraction step's retry does.
"""

import json
import sys
from datetime import timedelta

from sqlalchemy.exc import OperationalError

from boeinghub_dagster.domain.clock import utcnow
from boeinghub_dagster.resources.boeing_queue import DISPATCH_LEASE, Dispatcher, ExtractionStats, await_answers
from boeinghub_dagster.resources.store import StoreResource
from boeinghub_dagster.resources.store.leases import Lease
from boeinghub_dagster.resources.store.requests import PRIORITY_EXTRACTION
from boeinghub_dagster_tests.conftest import make_boeing_resource
from boeinghub_dagster_tests.support.sandboxes import BoeingSandbox

BATCH = 10


def main(db_url: str, sandbox_url: str, rate: float, run_id: str, ttl: float, grace: float, parts: list[str]) -> None:
    store = StoreResource(database_url=db_url)
    boeing = make_boeing_resource(store, BoeingSandbox(sandbox_url, rate), batch_size=BATCH)
    requests, raw = store.requests(), store.extraction()
    stats, answered, retries, calls = ExtractionStats(), set(), 0, 0
    since = utcnow() - timedelta(minutes=60)  # answers another worker got count, as `reuse_minutes` does
    print("started", flush=True)

    def enqueue(todo: list[str]) -> int:
        return requests.enqueue(todo, run_id, PRIORITY_EXTRACTION, BATCH)

    while True:
        stats.calls = 0
        lease = Lease(store.engine(), DISPATCH_LEASE, run_id, ttl, grace)
        dispatcher = Dispatcher(boeing.client, requests, raw, lease, BATCH, run_id, stats)
        try:
            for answer in await_answers(parts, since, enqueue, requests, raw, dispatcher, poll_seconds=0.1):
                answered |= set(answer.returned) | {p for p, _ in answer.failures}
            break
        except OperationalError:
            retries += 1
            if retries > 3:
                raise
        finally:
            calls += stats.calls
    print(
        json.dumps(
            {
                "run": run_id,
                "calls": calls,
                "lease_lost": stats.lease_lost,
                "retries": retries,
                "answered": len(answered),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    db, url, rate, run, ttl, grace, *parts = sys.argv[1:]
    main(db, url, float(rate), run, float(ttl), float(grace), parts)
