"""The adaptive Shopify limiter on SQLite and PostgreSQL: floor, bucket mirror, and shared load at the sandbox."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from boeinghub_dagster.resources.shopify_limiter import ShopifyLimiter, default_estimate, estimate, learn
from boeinghub_dagster_tests.support.shopify_load import flip_status, publish, resource

BUCKET, RATE = 200, 50  # a small shop: 200 points refilled at 50/s
SMALL_SHOP = {"bucket_size": BUCKET, "restore_rate": RATE}


def status(maximum=BUCKET, current=BUCKET, rate=RATE) -> dict:
    return {"maximumAvailable": maximum, "currentlyAvailable": current, "restoreRate": rate}


def bucket_limiter(store, name="t", current=BUCKET, floor_per_min=1) -> ShopifyLimiter:
    """A limiter in bucket mode holding `current` points; its floor (1/min) would make any wait obvious."""
    limiter = ShopifyLimiter(store.engine(), name, floor_per_min=floor_per_min, sleep=lambda _s: None)
    limiter.observe(limiter.reserve(0), status(current=current), actual_cost=0)
    return limiter


def test_before_any_answer_calls_keep_to_the_floor(store):
    limiter = ShopifyLimiter(store.engine(), "floor", floor_per_min=60, sleep=lambda _s: None)
    reservations = [limiter.reserve(10) for _ in range(4)]
    assert not any(r.bucket_mode for r in reservations)
    assert [round(r.wait) for r in reservations] == [0, 1, 2, 3]  # one call a second, whatever the cost
    row = limiter.status()
    assert row["known"] is False and row["reserved_total"] == 40


def test_after_an_answer_the_bucket_decides(store):
    started = time.monotonic()
    limiter = bucket_limiter(store, current=100)
    assert limiter.status()["known"] is True
    first, second = limiter.reserve(80), limiter.reserve(80)
    refilled = time.monotonic() - started  # the bucket refills at RATE meanwhile: a busy machine shortens the wait
    assert first.bucket_mode and first.wait == pytest.approx(0, abs=0.01)
    assert 60 / RATE - refilled - 0.05 <= second.wait <= 60 / RATE + 0.05  # 100 - 160 = -60 points at 50/s
    assert -62 <= limiter.status()["available"] <= -60 + (time.monotonic() - started) * RATE + 2


def test_observe_discounts_what_was_reserved_since_the_request(store):
    limiter = bucket_limiter(store)
    mine, later = limiter.reserve(20), limiter.reserve(30)
    limiter.observe(mine, status(current=150), actual_cost=20)
    # Shopify saw `mine` (150 left) but not `later`, which is already promised: 150 - 30.
    assert limiter.status()["available"] == pytest.approx(120, abs=2)
    limiter.observe(later, status(current=200), actual_cost=30)
    assert limiter.status()["available"] <= 121  # never more than the mirror believed


def test_an_under_estimate_is_charged_and_a_throttled_call_gets_its_points_back(store):
    limiter = bucket_limiter(store)
    throttled = limiter.reserve(50)
    limiter.observe(throttled, status(current=BUCKET), actual_cost=None)  # THROTTLED costs nothing
    assert limiter.status()["available"] == pytest.approx(BUCKET, abs=1)
    cheap = limiter.reserve(10)
    limiter.observe(cheap, status(current=1000), actual_cost=40)  # the server lies high: ignored
    assert limiter.status()["available"] == pytest.approx(BUCKET - 40, abs=2)


def test_a_smaller_plan_caps_the_mirror_and_claims(store):
    limiter = bucket_limiter(store)
    limiter.observe(limiter.reserve(0), status(maximum=100, current=100, rate=10), actual_cost=0)
    row = limiter.status()
    assert (row["maximum"], row["restore_rate"]) == (100, 10) and row["available"] <= 100
    assert limiter.reserve(500).cost == 100  # a claim over the maximum could never be covered


def test_a_status_without_numbers_changes_nothing(store):
    limiter = ShopifyLimiter(store.engine(), "odd", floor_per_min=60, sleep=lambda _s: None)
    limiter.observe(limiter.reserve(1), {"maximumAvailable": None}, actual_cost=1)
    limiter.observe(limiter.reserve(1), status(rate=0), actual_cost=1)
    assert limiter.status()["known"] is False


def test_cost_estimates_learn_from_the_last_answer():
    document = "mutation LearnMe($id: ID!) { productDelete(input: {id: $id}) { deletedProductId } }"
    assert estimate(document) == default_estimate(document) == 10
    learn(document, 23)
    assert estimate(document) == 23
    learn(document, 25_000)  # a MAX_COST_EXCEEDED price is not a price to reserve
    assert estimate(document) == 23


def _load(shopify_sandbox, tmp_path) -> str:
    """One product to flip (set up through a store of its own), then a full bucket and fresh counters.

    The measured store starts knowing nothing, as a new deployment does: floor, then the bucket.
    """
    setup = resource(f"sqlite:///{tmp_path / 'setup.db'}", shopify_sandbox.url, shopify_sandbox.token)
    product_id = publish(setup.client()).root["product"]["id"]
    shopify_sandbox.reset()
    return product_id


def _run_threads(clients, product_id: str, calls: int) -> float:
    errors: list[BaseException] = []

    def work(client):
        try:
            flip_status(client, product_id, calls)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not errors, errors
    return time.monotonic() - started


@pytest.mark.parametrize("shopify_sandbox", [SMALL_SHOP], indirect=True)
def test_three_threads_share_the_bucket_without_a_single_throttle(store, shopify_sandbox, tmp_path, capsys):
    product_id = _load(shopify_sandbox, tmp_path)
    clients = [resource(store.database_url, shopify_sandbox.url, shopify_sandbox.token).client() for _ in range(3)]
    elapsed = _run_threads(clients, product_id, calls=40)
    stats = shopify_sandbox.stats()
    assert stats["mutations"] == 120 and stats["throttled"] == 0
    minimum = (stats["points_spent"] - BUCKET) / RATE  # the burst, then the restore rate
    assert minimum * 0.9 <= elapsed < 2 * minimum
    with capsys.disabled():
        print(
            f"\n[{store.database_url.split(':')[0]}] 3 threads x 40 mutations: {stats['points_spent']} points in "
            f"{elapsed:.1f}s (minimum {minimum:.1f}s); {(stats['points_spent'] - BUCKET) / elapsed:.1f} points/s of "
            f"{RATE}; throttled {stats['throttled']}"
        )


@pytest.mark.parametrize("shopify_sandbox", [SMALL_SHOP], indirect=True)
def test_two_processes_share_the_bucket_through_the_store(store, shopify_sandbox, tmp_path, capsys):
    product_id = _load(shopify_sandbox, tmp_path)
    args = [store.database_url, shopify_sandbox.url, shopify_sandbox.token, product_id, "30"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "boeinghub_dagster_tests.support.shopify_load", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err[-2000:]
        assert out.split() == ["ok", "30", "0"]
    stats = shopify_sandbox.stats()
    assert stats["mutations"] == 60 and stats["throttled"] == 0
    with capsys.disabled():
        busy = stats["last_call_at"] - stats["first_call_at"]
        print(
            f"\n[{store.database_url.split(':')[0]}] 2 processes x 30 mutations: {stats['points_spent']} points, "
            f"first to last call {busy:.1f}s (minimum {(stats['points_spent'] - BUCKET) / RATE:.1f}s); throttled 0"
        )


@pytest.mark.parametrize("shopify_sandbox", [SMALL_SHOP], indirect=True)
def test_without_a_shared_store_the_same_load_is_throttled(tmp_path, shopify_sandbox, capsys):
    """The control: one store per thread, so each mirror misses the others' spending."""
    product_id = _load(shopify_sandbox, tmp_path)
    urls = [f"sqlite:///{tmp_path / f'own-{i}.db'}" for i in range(3)]
    _run_threads([resource(u, shopify_sandbox.url, shopify_sandbox.token).client() for u in urls], product_id, calls=20)
    throttled = shopify_sandbox.stats()["throttled"]
    assert throttled > 0
    with capsys.disabled():
        print(f"\n[control] 3 threads x 20 mutations, one store each: throttled {throttled}")
