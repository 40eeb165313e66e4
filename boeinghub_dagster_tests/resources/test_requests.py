"""The shared request queue and the dispatch lease, on SQLite and a real PostgreSQL."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from boeinghub_dagster.domain.clock import utcnow
from boeinghub_dagster.resources.store.leases import Lease, LeaseLost
from boeinghub_dagster.resources.store.requests import PRIORITY_EXTRACTION, PRIORITY_SYNC
from boeinghub_dagster.resources.store.schema import store_leases
from boeinghub_dagster_tests.support.waiting import wait_until


def test_claims_take_priority_then_round_robin_then_arrival(store):
    q = store.requests()
    q.enqueue([f"BIG{i}" for i in range(30)], "batch:1", PRIORITY_EXTRACTION, 10)
    q.enqueue(["SMALL1", "SMALL2"], "batch:2", PRIORITY_EXTRACTION, 10)
    q.enqueue(["SYNC1", "SYNC2", "SYNC3"], "sync:2026-11-24T10", PRIORITY_SYNC, 10)
    first = q.claim("holder", 10)
    assert first[:3] == ["SYNC1", "SYNC2", "SYNC3"]  # the sync goes ahead of any extraction
    assert first[3:] == [f"BIG{i}" for i in range(7)]
    second = q.claim("holder", 10)
    assert second == ["BIG7", "BIG8", "BIG9", "SMALL1", "SMALL2"] + [
        f"BIG{i}" for i in range(10, 15)
    ]  # a small file rides along


def test_a_part_waits_once_however_many_runs_ask(store):
    q = store.requests()
    assert q.enqueue(["A", "B"], "run-1", PRIORITY_EXTRACTION, 10) == 2
    assert q.enqueue(["B", "C"], "run-2", PRIORITY_EXTRACTION, 10) == 1
    assert q.claim("h", 10) == ["A", "B", "C"]
    assert q.claim("h", 10) == []


def test_finish_release_and_failures(store):
    q = store.requests()
    q.enqueue(["A", "B", "C"], "run-1", PRIORITY_EXTRACTION, 10)
    assert q.claim("h1", 2) == ["A", "B"]
    assert q.release("h1") == 2  # an error: back in the queue, nothing lost
    assert q.claim("h1", 3) == ["A", "B", "C"]
    since = utcnow()
    q.finish("h1", ["A", "B", "C"], None, {"C": "Boeing price: HTTP 400 bad code"})
    assert q.failed_since(["A", "B", "C"], since - timedelta(seconds=5)) == {"C": "Boeing price: HTTP 400 bad code"}
    assert q.failed_since(["A", "B", "C"], since + timedelta(minutes=5)) == {}
    assert q.open_parts(["A", "B", "C"]) == set()
    q.enqueue(["D"], "batch:9:chunk:1", PRIORITY_EXTRACTION, 10)
    assert q.drop("batch:9:chunk:1") == 1 and not q.has_waiting()


def _expires(engine, name: str) -> float:
    with engine.connect() as conn:
        return conn.execute(select(store_leases.c.expires_at).where(store_leases.c.name == name)).scalar_one()


def test_one_lease_holder_and_a_dead_one_lapses(store):
    engine = store.engine()
    a, b = Lease(engine, "dispatch", "run-a", ttl=2.0), Lease(engine, "dispatch", "run-b", ttl=2.0)
    assert a.try_take() and not b.try_take()
    first = _expires(engine, "dispatch")
    wait_until(
        lambda: _expires(engine, "dispatch") > first, 60, "a's heartbeat", every=0.05
    )  # a's heartbeat renewed it
    assert not b.try_take()  # so it holds
    a._stop.set()  # a dies: no release, no more renewals
    a._thread.join()
    wait_until(b.try_take, 60, "the lease to lapse", every=0.05)  # lapses within the ttl, however busy the machine
    assert b.took_over and b.token == a.token + 1
    b.release()
    assert a._acquire()


def test_a_takeover_closes_what_the_dead_holder_already_answered(store):
    q, raw = store.requests(), store.extraction()
    q.enqueue(["A", "B", "C", "D"], "run-1", PRIORITY_EXTRACTION, 10)
    assert q.claim("dead", 2) == ["A", "B"]
    raw.record_raw_answer(["A", "B"], {"lineItems": []}, [], "dead")  # stored, then killed before finish()
    assert q.claim("dead", 2) == ["C", "D"]  # claimed, killed before the call
    assert q.release() == 2  # the next holder takes over
    assert q.claim("next", 10) == ["C", "D"]  # A and B are never asked again


def test_a_holder_killed_on_this_host_is_taken_over_at_once(store):
    import subprocess
    import sys

    code = (
        "import sys, time; from boeinghub_dagster.resources.store import StoreResource; "
        "from boeinghub_dagster.resources.store.leases import Lease; "
        "assert Lease(StoreResource(database_url=sys.argv[1]).engine(), 'dispatch', 'run-dead', ttl=60).try_take(); "
        "print('held', flush=True); time.sleep(600)"
    )
    child = subprocess.Popen([sys.executable, "-c", code, store.database_url], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "held"
    mine = Lease(store.engine(), "dispatch", "run-next", ttl=60)
    assert not mine.try_take()  # alive: its lease holds for 60 s
    child.kill()
    child.wait()
    assert mine.try_take() and mine.took_over  # dead: taken over without waiting out the 60 s
    mine.release()


def test_a_stalled_holder_claims_and_sends_nothing_and_its_parts_are_asked_once(store):
    """a claims two batches and confirms one for sending, then stalls past its lease; b takes over."""
    engine, q = store.engine(), store.requests()
    parts = [f"P{i:02d}" for i in range(40)]
    q.enqueue(parts, "run-1", PRIORITY_EXTRACTION, 10)
    a = Lease(engine, "dispatch", "run-a", ttl=60, grace=1.0)
    assert a.try_take() and q.claim(a.holder, 10, a.fence()) == parts[:10]
    q.confirm_send(a, parts[:10])  # then stalls: this call may be in flight
    assert q.claim(a.holder, 10, a.fence()) == parts[10:20]  # and this one was never sent
    a._stop.set()  # a stalls (no heartbeat) and its lease lapses
    a._thread.join()
    with engine.begin() as conn:
        conn.execute(update(store_leases).values(expires_at=0.0))
    b = Lease(engine, "dispatch", "run-b", ttl=60, grace=1.0)
    assert b.try_take() and b.token == a.token + 1
    with pytest.raises(LeaseLost):
        q.claim(a.holder, 10, a.fence())  # a wakes: its claim sees the new token and takes nothing
    with pytest.raises(LeaseLost):
        q.confirm_send(a, parts[10:20])  # nor may it send what it claimed before
    assert q.release_stale(b) == 10  # the unsent batch is back at once; the one in flight is held back
    assert q.claim(b.holder, 20, b.fence()) == parts[10:30]
    # the grace is over: a can no longer send or answer it
    wait_until(lambda: q.release_stale(b) == 0, 60, "the grace to end", every=0.05)
    assert q.claim(b.holder, 10, b.fence()) == parts[:10]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_holder_stopped_inside_a_transaction_does_not_hold_the_lease_row(store):
    """PostgreSQL ends a session idle in its transaction (engine.py): a holder stopped (SIGSTOP) while
    it holds the lease row's lock does not keep every other run waiting until it wakes."""
    import signal
    import subprocess
    import sys
    import threading

    code = (
        "import os, signal, sys; from boeinghub_dagster.resources.store import engine; "
        "engine.STALLED_TRANSACTION_SECONDS = 2; from boeinghub_dagster.resources.store import StoreResource; "
        "from boeinghub_dagster.resources.store.leases import Lease; "
        "e = StoreResource(database_url=sys.argv[1]).engine(); a = Lease(e, 'dispatch', 'run-a', ttl=1.0); "
        "assert a.try_take(); conn = e.connect(); tx = conn.begin(); assert a.renew_in(conn); "
        "print('locked', flush=True); os.kill(os.getpid(), signal.SIGSTOP)"
    )
    child = subprocess.Popen([sys.executable, "-c", code, store.database_url], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "locked"
        b = Lease(store.engine(), "dispatch", "run-b", ttl=1.0)
        taker = threading.Thread(
            target=wait_until, args=(b.try_take, 60, "the row lock"), kwargs={"every": 0.05}, daemon=True
        )  # blocks on the row lock until
        taker.start()  # the server ends the stalled session (without that, until the stopped holder wakes)
        taker.join(60)
        assert not taker.is_alive() and b.held and b.took_over
        b.release()
    finally:
        child.send_signal(signal.SIGCONT)
        child.kill()
        child.wait()
