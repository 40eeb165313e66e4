"""A run killed half-way (SIGKILL, mid-Boeing) and run again ends in the same rows, nothing twice."""

import signal
import subprocess
import sys
from collections import Counter

import pytest
from sqlalchemy import func, select

from boeinghub_dagster.resources.store.schema import boeing_raw_responses, product_staging
from boeinghub_dagster_tests.conftest import make_boeing_resource
from boeinghub_dagster_tests.support.expected import expected_staging, part_list
from boeinghub_dagster_tests.support.runs import check_metadata, materialize_parts
from boeinghub_dagster_tests.support.waiting import wait_until

RATE, BATCH = 300, 5


@pytest.mark.parametrize("boeing_sandbox", [{"rate_per_min": RATE, "burst": 2}], indirect=True)
def test_killed_run_rerun_reaches_the_same_end_state(database_url, store, boeing_sandbox, instance):
    parts = part_list(60)
    store.engine()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "boeinghub_dagster_tests.support.extraction_worker",
            database_url,
            boeing_sandbox.url,
            str(RATE),
            str(BATCH),
            *parts,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until(lambda: store.extraction().count_raw_responses() >= 4, 180, "4 raw responses", every=0.05)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    killed_at = store.extraction().count_raw_responses()
    assert 4 <= killed_at < len(parts) // BATCH, "the worker must die half-way for this test to mean anything"

    boeing = make_boeing_resource(store, boeing_sandbox, batch_size=BATCH)
    result = materialize_parts(instance, parts, {"store": store, "boeing": boeing})
    assert result.success
    with store.engine().connect() as conn:
        raw_lists = conn.execute(select(boeing_raw_responses.c.part_numbers)).scalars().all()
        staged_count = conn.execute(select(func.count()).select_from(product_staging)).scalar_one()
        staged = {pn: st for pn, st in conn.execute(select(product_staging.c.part_number, product_staging.c.status))}
    asked = Counter(p for lst in raw_lists for p in lst)
    assert set(asked) == set(parts) and max(asked.values()) == 1  # every part asked Boeing exactly once
    assert staged == expected_staging(parts) and staged_count == len(staged)
    assert check_metadata(result, "raw_answers_cover_parts_asked")["parts_reused"] == killed_at * BATCH

    again = materialize_parts(instance, parts, {"store": store, "boeing": boeing})
    assert again.success and store.extraction().count_raw_responses() == len(raw_lists)  # a third run asks nothing
