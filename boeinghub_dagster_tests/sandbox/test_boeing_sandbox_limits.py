"""The Boeing sandbox over real HTTP: its own rate limit (429s, Retry-After, burst) and the faults it injects
on demand, the misbehaviour the hub's client must survive (auth and answers: `test_boeing_sandbox_answers.py`)."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

KNOWN = ["WF338109=K3", "ABC-123", "BACB30LH3-4"]


# -- the server's own rate limit ----------------------------------------------
def test_back_to_back_calls_over_the_limit_get_429(boeing):
    tokens = boeing.tokens()
    boeing.admin(rate_per_min=600, burst=2)
    answers = [boeing.price(["ABC-123"], tokens=tokens) for _ in range(10)]
    codes = [a.status_code for a in answers]
    assert codes[:2] == [200, 200]
    rejected = [a for a in answers if a.status_code == 429]
    assert len(rejected) >= 5
    assert all(int(a.headers["Retry-After"]) >= 1 for a in rejected)
    s = boeing.stats()
    assert s["price_calls"] == 10
    assert s["over_limit"] == s["responses_429"] == len(rejected)
    assert s["status_counts"]["429"] == len(rejected)
    assert s["first_price_call_at"] <= s["last_price_call_at"]


def test_calls_spaced_by_the_interval_all_pass(boeing):
    tokens = boeing.tokens()
    boeing.admin(rate_per_min=600, burst=1)
    codes = []
    for _ in range(6):
        codes.append(boeing.price(["ABC-123"], tokens=tokens).status_code)
        time.sleep(0.12)
    assert codes == [200] * 6
    assert boeing.stats()["over_limit"] == 0


def test_rejected_calls_do_not_consume_tokens(boeing):
    tokens = boeing.tokens()
    boeing.admin(rate_per_min=60, burst=1)  # 1 s interval: the five rejected calls fit in it on a busy machine
    assert boeing.price(["ABC-123"], tokens=tokens).status_code == 200
    assert [boeing.price(["ABC-123"], tokens=tokens).status_code for _ in range(5)] == [429] * 5
    time.sleep(1.05)
    assert boeing.price(["ABC-123"], tokens=tokens).status_code == 200


def test_retry_after_is_the_time_until_a_token(boeing):
    tokens = boeing.tokens()
    boeing.admin(rate_per_min=2, burst=1)
    assert boeing.price(["ABC-123"], tokens=tokens).status_code == 200
    r = boeing.price(["ABC-123"], tokens=tokens)
    assert r.status_code == 429 and 29 <= int(r.headers["Retry-After"]) <= 30


def test_concurrent_calls_never_exceed_the_burst(boeing):
    tokens = boeing.tokens()
    boeing.admin(rate_per_min=6, burst=3)  # 10 s interval: no refill during the volley, however slow the machine
    with ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(lambda _: boeing.price(["ABC-123"], tokens=tokens).status_code, range(16)))
    assert sorted(codes) == [200] * 3 + [429] * 13
    assert boeing.stats()["over_limit"] == 13


def test_limit_is_checked_before_auth(boeing):
    boeing.admin(rate_per_min=2, burst=1)
    assert boeing.price(KNOWN, tokens=("x", "y")).status_code == 401  # took the only token
    assert boeing.price(KNOWN, tokens=("x", "y")).status_code == 429
    assert boeing.stats()["over_limit"] == 1


# -- faults -------------------------------------------------------------------
def test_storm_429_gives_exactly_n_not_counted_as_over_limit(boeing):
    tokens = boeing.tokens()
    boeing.admin(storm_429=3, storm_retry_after=2)
    answers = [boeing.price(KNOWN, tokens=tokens) for _ in range(5)]
    assert [a.status_code for a in answers] == [429, 429, 429, 200, 200]
    assert all(a.headers["Retry-After"] == "2" for a in answers[:3])
    s = boeing.stats()
    assert s["responses_429"] == 3 and s["over_limit"] == 0
    assert s["config"]["storm_429"] == 0


def test_outage_is_503_except_stats_and_admin(boeing):
    tokens = boeing.tokens()
    boeing.admin(outage=True)
    assert boeing.price(KNOWN, tokens=tokens).status_code == 503
    assert boeing.http.post("/oauth/token", data={}).status_code == 503
    assert boeing.http.get("/pna/oauth").status_code == 503
    assert boeing.stats()["status_counts"] == {"503": 1}
    boeing.admin(outage=False)
    assert boeing.price(KNOWN, tokens=tokens).status_code == 200


def test_error_rate_one_gives_5xx(boeing):
    tokens = boeing.tokens()
    boeing.admin(error_rate=1.0)
    codes = {boeing.price(KNOWN, tokens=tokens).status_code for _ in range(8)}
    assert codes and codes <= {500, 502, 503}


def test_malformed_rate_one_gives_non_json_200(boeing):
    boeing.admin(malformed_rate=1.0)
    r = boeing.price(KNOWN)
    assert r.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.text)


def test_latency_delays_price_answers(boeing):
    tokens = boeing.tokens()
    boeing.admin(latency_ms=200)
    started = time.monotonic()
    assert boeing.price(KNOWN, tokens=tokens).status_code == 200
    assert time.monotonic() - started >= 0.19


def test_fault_sequence_is_reproducible_with_a_seed(boeing):
    tokens = boeing.tokens()

    def run() -> list[int]:
        boeing.admin(seed=7, error_rate=0.5)
        return [boeing.price(KNOWN, tokens=tokens).status_code for _ in range(12)]

    first = run()
    assert first == run() and 200 in first and len(set(first)) > 1
