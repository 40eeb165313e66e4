"""The real daemon streams a publish file (issue 8, Must show): a file dropped in `inbox/publish/`
has its first products live in the sandbox shop while later Boeing batches of it are still
being fetched, and in the end every fetched part of the file is one product.

Everything runs as separate processes, as `scripts/hub` starts them (`support/publish_hub.py`):
the Boeing sandbox, the Shopify sandbox, the image files server and `dagster dev` (webserver and
daemon) on a temporary DAGSTER_HOME, store and inbox. Every process group is stopped at the end,
pass or fail. Boeing answers each call in 10 s (one call in flight at a time, under the 60/min
limit), so the file's 15 calls take about 150 s: long enough that the first products (inbox
sensor, extraction run, publish sensor every 15 s, publish run) must go live mid-fetch, even on
a busy machine where each run takes a while to start. Once one
is live, Boeing answers at once, so the rest of the file does not keep the suite waiting.
"""

from __future__ import annotations

import time
from contextlib import ExitStack

import dagster as dg
import pytest

from boeinghub_dagster_tests.support.publish_hub import calls_for, start_publishing_hub
from boeinghub_dagster_tests.support.waiting import wait_until

RATE_PER_MIN = 60
SLOW_ANSWER_MS = 10_000
PARTS = [f"BACB30DM{i}-{i % 7 + 2}" for i in range(150)]
DONE = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}


@pytest.mark.slow
def test_a_publish_file_has_products_live_while_later_boeing_batches_are_still_fetched(tmp_path):
    with ExitStack() as stack:  # stops every process group, however the test ends
        hub = start_publishing_hub(stack, tmp_path, boeing_rate=RATE_PER_MIN)
        logs = f"(logs in {tmp_path})"
        hub.boeing.admin(latency_ms=SLOW_ANSWER_MS)
        needed = calls_for(len(PARTS))
        dropped = hub.drop_publish_file("stream.txt", PARTS)

        def first_live():
            products = hub.products()
            return (products, hub.boeing.stats()["price_calls"], time.time()) if products else None

        products, calls, live_at = wait_until(first_live, 300, f"a first product in the sandbox shop {logs}", every=0.5)
        hub.boeing.admin(latency_ms=0)
        assert set(products) <= set(PARTS)
        assert calls < needed, f"the first product went live after all {needed} Boeing calls of the file {logs}"

        extraction = lambda r: r.dagster_run.job_name == "extraction_job"  # noqa: E731

        def everything_live():
            runs = hub.hub.run_records(dropped, extraction)
            if not runs or any(r.dagster_run.status not in DONE for r in runs):
                return None  # the file's last answers may not be staged yet
            fetched = {p for p, status in hub.staged(PARTS).items() if status == "fetched"}
            products = hub.products()
            return (runs, fetched, products) if fetched <= set(products) else None

        runs, fetched, products = wait_until(everything_live, 300, f"every fetched part of the file on the shop {logs}")
        assert all(r.dagster_run.status == dg.DagsterRunStatus.SUCCESS for r in runs), logs
        assert hub.boeing.stats()["codes_requested"] == len(PARTS)
        assert len(fetched) >= len(PARTS) * 0.7
        assert products == dict.fromkeys(fetched, 1)  # one product per fetched part, nothing else
        print(
            f"first product live {live_at - dropped:.0f} s after the drop, after {calls} of {needed} Boeing calls; "
            f"all {len(fetched)} fetched parts live {time.time() - dropped:.0f} s after the drop"
        )
