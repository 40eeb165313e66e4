"""The shared limiter holds across processes, on SQLite and PostgreSQL, proven at the sandbox."""

import subprocess
import sys
import time

import pytest

from boeinghub_dagster.resources.limiter import RateLimiter

RATE = 300  # per minute: one call every 0.2 s
CALLS_EACH = 6


def _run_workers(db_urls: list[str], sandbox_url: str) -> list[subprocess.CompletedProcess]:
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "boeinghub_dagster_tests.support.limiter_worker",
                url,
                sandbox_url,
                str(CALLS_EACH),
                str(RATE),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for url in db_urls
    ]
    return [(p, *p.communicate(timeout=120)) for p in procs]


@pytest.mark.parametrize("boeing_sandbox", [{"rate_per_min": RATE, "burst": 2}], indirect=True)
def test_three_processes_share_one_budget(database_url, store, boeing_sandbox):
    store.engine()  # migrate once up front, as the hub does
    started = time.monotonic()
    results = _run_workers([database_url] * 3, boeing_sandbox.url)
    elapsed = time.monotonic() - started
    for proc, out, err in results:
        assert proc.returncode == 0, err[-2000:]
        assert out.strip() == f"ok {CALLS_EACH}"
    stats = boeing_sandbox.stats()
    assert stats["price_calls"] == 3 * CALLS_EACH
    assert stats["over_limit"] == 0
    assert stats["responses_429"] == 0
    assert elapsed >= (3 * CALLS_EACH - 1) * 60 / RATE  # the budget was shared, not tripled


@pytest.mark.parametrize("boeing_sandbox", [{"rate_per_min": RATE, "burst": 2}], indirect=True)
def test_without_a_shared_store_the_same_load_breaks_the_limit(tmp_path, boeing_sandbox):
    """The control: three separate limiters exceed the sandbox's limit, so the test above can fail."""
    urls = [f"sqlite:///{tmp_path / f'own-{i}.db'}" for i in range(3)]
    results = _run_workers(urls, boeing_sandbox.url)
    assert all(proc.returncode in (0, 1) for proc, _, _ in results)
    assert boeing_sandbox.stats()["over_limit"] > 0


def test_slots_are_spaced_by_the_interval(store):
    slept: list[float] = []
    limiter = RateLimiter(store.engine(), "spacing", rate_per_min=60, sleep=slept.append)
    # Each wait is "slot - now" at its reserve; a busy machine moves "now" between reserves, so the slots are
    # bounded by the time taken before and after each call rather than read from the waits alone.
    calls, waits = [], []
    for _ in range(4):
        before = time.monotonic()
        waits.append(limiter.reserve())
        calls.append((before + waits[-1], time.monotonic() + waits[-1]))  # the slot lies between these
    assert waits[0] == pytest.approx(0, abs=0.05)
    for (a_low, a_high), (b_low, b_high) in zip(calls, calls[1:], strict=False):
        assert b_low - a_high - 0.02 <= 1.0 <= b_high - a_low + 0.02, (a_low, a_high, b_low, b_high)


def test_rate_must_be_positive(store):
    with pytest.raises(ValueError, match="must be positive"):
        RateLimiter(store.engine(), "zero", rate_per_min=0)
