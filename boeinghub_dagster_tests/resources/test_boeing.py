"""The Boeing client against the sandbox over real HTTP: tokens, retries, errors, secrets."""

import logging

import pytest

from boeinghub_dagster.resources.boeing import BoeingAuthError, BoeingRequestError, BoeingRetryable
from boeinghub_dagster_tests.conftest import make_boeing_resource

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_price_answer_and_token_reuse(boeing, boeing_sandbox):
    client = boeing.client()
    answer = client.price(["BACB30LH3-4", "UNKNOWN-9"])
    client.price(["MS20470AD4-6"])
    codes = {i["aviallPartNumber"] for i in answer.payload["lineItems"]}
    assert codes == {"BACB30LH3-4"}
    stats = boeing_sandbox.stats()
    assert (stats["token_calls"], stats["part_token_calls"], stats["price_calls"]) == (1, 1, 2)


def test_429_storm_is_waited_out_honouring_retry_after(boeing, boeing_sandbox):
    boeing_sandbox.admin(storm_429=3, storm_retry_after=1)
    client = boeing.client()
    answer = client.price(["BACB30LH3-4"])
    assert answer.attempts == 4
    assert client.limiter.acquired == 4  # every retry took a slot: no call unmetered
    stats = boeing_sandbox.stats()
    assert stats["responses_429"] == 3 and stats["over_limit"] == 0


def test_expired_tokens_are_refreshed_once(boeing, boeing_sandbox):
    client = boeing.client()
    client.price(["BACB30LH3-4"])
    boeing_sandbox.admin(expire_tokens=True)
    client.price(["BACB30LH3-4"])
    stats = boeing_sandbox.stats()
    assert stats["token_calls"] == 2 and stats["status_counts"].get("401") == 1


def test_server_errors_and_malformed_bodies_are_retried(store, boeing_sandbox):
    boeing_sandbox.admin(error_rate=0.5, malformed_rate=0.2, seed=3)
    client = make_boeing_resource(store, boeing_sandbox, max_attempts=30, max_backoff_seconds=0.1).client()
    for i in range(5):
        assert "lineItems" in client.price([f"BACB30LH3-{i}"]).payload
    assert client.calls > 5


def test_outage_fails_after_bounded_retries(store, boeing_sandbox):
    boeing_sandbox.admin(outage=True)
    client = make_boeing_resource(store, boeing_sandbox, max_attempts=3).client()
    with pytest.raises(BoeingRetryable, match="HTTP 503"):
        client.price(["BACB30LH3-4"])


def test_too_many_codes_is_a_clear_non_retryable_error(boeing, boeing_sandbox):
    with pytest.raises(BoeingRequestError, match="400"):
        boeing.client().price([f"P{i}" for i in range(21)])
    assert boeing_sandbox.stats()["price_calls"] == 1


def test_bad_credentials_fail_without_leaking_them(store, boeing_sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    client = make_boeing_resource(
        store, boeing_sandbox, client_secret="wrong-Secret-123", password="pw-XYZ-789"
    ).client()
    with pytest.raises(BoeingAuthError) as exc:
        client.price(["BACB30LH3-4"])
    assert "BOEING_CLIENT_SECRET" in str(exc.value)
    for text in (str(exc.value), caplog.text):
        assert "wrong-Secret-123" not in text and "pw-XYZ-789" not in text
