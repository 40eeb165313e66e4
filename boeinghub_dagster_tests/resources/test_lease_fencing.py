"""Split brain on the dispatch lease (issue 14, item 5), with real processes and the Boeing sandbox:
a dispatcher stalled (SIGSTOP) past its lease is taken over, resumed (SIGCONT), and no part is asked
twice: it stops dispatching at its next claim, and parts it had claimed but not sent are asked once.

Each worker (`support/dispatch_worker.py`) waits for the same 40 parts through the shared queue,
dispatching while it holds the lease (2 s). A successor asks at once for parts a stalled holder had
claimed but not confirmed for sending; parts it may have in flight only 30 s after the takeover (the
grace), and the stalled holder is resumed well within it. The sandbox counts price requests per part
code (`codes_repeated` in `/_stats`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
from sqlalchemy import select

from boeinghub_dagster.resources.store.schema import boeing_raw_parts, boeing_requests, store_leases
from boeinghub_dagster_tests.support.expected import part_list
from boeinghub_dagster_tests.support.sandboxes import running_boeing
from boeinghub_dagster_tests.support.waiting import wait_until

RATE, TTL, GRACE = 120, 2.0, 30.0  # calls a minute (one every 0.5 s), lease seconds, grace after a takeover
PARTS = part_list(40, "FENCE")


@pytest.fixture
def sandbox():
    with running_boeing(rate_per_min=RATE) as handle:
        yield handle


STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def workers():
    """Every worker a test started is resumed and killed when it ends, pass or fail."""
    yield
    while STARTED:
        proc = STARTED.pop()
        if proc.poll() is None:
            proc.send_signal(signal.SIGCONT)
            proc.kill()
        proc.wait(30)


def _start(store, sandbox, run: str, tmp_path, stop_at: str | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOEINGHUB_FAULT")}
    if stop_at:
        env.update(BOEINGHUB_FAULTS="1", BOEINGHUB_FAULT_DIR=str(tmp_path), BOEINGHUB_FAULT_STOP_AT=stop_at)
    args = [
        sys.executable,
        "-m",
        "boeinghub_dagster_tests.support.dispatch_worker",
        store.database_url,
        sandbox.url,
        str(RATE),
        run,
        str(TTL),
        str(GRACE),
        *PARTS,
    ]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, text=True)
    STARTED.append(proc)
    assert proc.stdout.readline().strip() == "started"
    return proc


def _stopped(proc) -> bool:
    return psutil.Process(proc.pid).status() == psutil.STATUS_STOPPED


def _claimed_by(store, pid: int, states=("claimed",)) -> list[str]:
    with store.engine().connect() as conn:
        q = select(boeing_requests.c.part_number).where(
            boeing_requests.c.state.in_(states), boeing_requests.c.claimed_by.like(f"%:{pid}")
        )
        return sorted(conn.execute(q).scalars())


def _holder(store) -> str:
    with store.engine().connect() as conn:
        q = select(store_leases.c.holder).where(store_leases.c.name == "boeing-dispatch")
        return conn.execute(q).scalar() or ""


def _finish(*procs) -> list[dict]:
    out = []
    for proc in procs:
        stdout, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0, stdout
        out.append(json.loads(stdout.strip().splitlines()[-1]))
    return out


def _assert_each_part_asked_once(sandbox, a: dict, b: dict) -> dict:
    stats = sandbox.stats()
    print(
        f"\nlease fencing: {stats['price_calls']} calls, {stats['codes_requested']} codes asked, "
        f"{stats['codes_distinct']} distinct, repeated {stats['codes_repeated']}; A {a}, B {b}"
    )
    assert stats["codes_repeated"] == {} and stats["codes_distinct"] == len(PARTS) == stats["codes_requested"]
    assert stats["price_calls"] == a["calls"] + b["calls"]  # every request either worker sent (a 429 retried included)
    assert a["answered"] == b["answered"] == len(PARTS)
    assert a["lease_lost"] >= 1  # A found out (heartbeat, claim or pre-send check) and stopped dispatching
    return stats


def test_a_holder_stopped_with_a_claimed_batch_never_sends_it(database_url, store, sandbox, tmp_path):
    """A stalls right after claiming its third batch, before confirming it for sending; B takes over and
    asks that batch at once; A wakes, its pre-send check finds the lease gone, and it sends nothing more."""
    a = _start(store, sandbox, "run-a", tmp_path, stop_at="extraction.dispatch_claimed:3")
    wait_until(lambda: _stopped(a), 60, "A to stall holding a claimed batch", every=0.1)
    stalled_batch = _claimed_by(store, a.pid)
    assert len(stalled_batch) == 10 and sandbox.stats()["codes_requested"] == 20

    b = _start(store, sandbox, "run-b", tmp_path)
    wait_until(lambda: _holder(store).endswith(f":{b.pid}"), 90, "B to take over the lapsed lease", every=0.1)
    wait_until(lambda: not _claimed_by(store, a.pid), 90, "B to take back A's unsent batch", every=0.1)
    wait_until(lambda: sandbox.stats()["codes_requested"] == len(PARTS), 90, "B to ask every part", every=0.1)
    os.kill(a.pid, signal.SIGCONT)
    result_a, result_b = _finish(a, b)
    _assert_each_part_asked_once(sandbox, result_a, result_b)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_holder_stopped_between_calls_stops_dispatching_when_resumed(database_url, store, sandbox, tmp_path):
    """A is stopped at an arbitrary moment (idle, or with a call in flight), B takes over, A is resumed while B
    still dispatches and within the grace: A writes the answer it had in flight, if any, and its next claim
    (or pre-send check, or heartbeat) fails on the fencing token: it dispatches nothing more."""
    a = _start(store, sandbox, "run-a", tmp_path)
    wait_until(lambda: sandbox.stats()["codes_requested"] >= 10, 90, "A to dispatch", every=0.1)
    os.kill(a.pid, signal.SIGSTOP)
    b = _start(store, sandbox, "run-b", tmp_path)
    wait_until(lambda: _holder(store).endswith(f":{b.pid}"), 90, "B to take over the lapsed lease", every=0.1)
    taken = time.time()
    wait_until(lambda: _claimed_by(store, b.pid, ("sending", "answered")), 90, "B to send a call", every=0.1)
    os.kill(a.pid, signal.SIGCONT)  # B still has parts to ask: both are alive, one holds the lease
    assert time.time() - taken < GRACE
    result_a, result_b = _finish(a, b)
    _assert_each_part_asked_once(sandbox, result_a, result_b)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_holder_stopped_with_a_call_in_flight_writes_its_answer_and_nothing_is_asked_again(
    database_url, store, sandbox, tmp_path
):
    """Boeing takes 2 s to answer: A is stopped while its call is in flight (rows `sending`). B takes over,
    asks the other parts and holds A's back (A may still answer them); A, resumed within the grace, reads
    the answer that waited in its socket and writes it: those parts are answered once, by A's call."""
    sandbox.admin(latency_ms=2000)
    a = _start(store, sandbox, "run-a", tmp_path)
    in_flight = wait_until(lambda: _claimed_by(store, a.pid, ("sending",)), 90, "A to have a call in flight", every=0.1)
    os.kill(a.pid, signal.SIGSTOP)
    b = _start(store, sandbox, "run-b", tmp_path)
    wait_until(lambda: _holder(store).endswith(f":{b.pid}"), 90, "B to take over the lapsed lease", every=0.1)
    taken = time.time()
    wait_until(lambda: _claimed_by(store, b.pid, ("answered",)), 90, "B to get an answer", every=0.1)
    assert _claimed_by(store, a.pid, ("sending",)) == in_flight  # held back, not asked again
    os.kill(a.pid, signal.SIGCONT)
    assert time.time() - taken < GRACE
    result_a, result_b = _finish(a, b)
    _assert_each_part_asked_once(sandbox, result_a, result_b)
    with store.engine().connect() as conn:
        q = select(boeing_raw_parts.c.run_id).where(boeing_raw_parts.c.part_number.in_(in_flight))
        answered_by = set(conn.execute(q).scalars())
    assert answered_by == {"run-a"}
