"""The Boeing sandbox over real HTTP: auth, price answers, admin and stats, its CLI (rate limit and faults:
`test_boeing_sandbox_limits.py`)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from boeinghub_dagster.sandbox.catalogue import current_hour, item_for
from boeinghub_dagster_tests.sandbox.conftest import PINNED_HOUR
from boeinghub_dagster_tests.support.waiting import first_answer, free_port

KNOWN = ["WF338109=K3", "ABC-123", "BACB30LH3-4"]


# -- auth -------------------------------------------------------------------
def test_three_step_auth_flow_answers_prices(boeing):
    r = boeing.http.post(
        "/oauth/token",
        data={
            "client_id": "sandbox-client",
            "client_secret": "sandbox-secret",
            "scope": "x",
            "grant_type": "client_credentials",
        },
    )
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and body["access_token"]
    r = boeing.http.get(
        "/pna/oauth",
        headers={
            "Authorization": f"Bearer {body['access_token']}",
            "x-username": "sandbox-user",
            "x-password": "sandbox-pass",
        },
    )
    assert r.status_code == 200
    part = r.headers["x-part-access-token"]
    assert r.json()["partAccessToken"] == part and r.json()["expires_in"] == 3600
    r = boeing.price(["ABC-123"], tokens=(body["access_token"], part))
    assert r.status_code == 200 and r.json()["currency"] == "USD"
    s = boeing.stats()
    assert (s["token_calls"], s["part_token_calls"], s["price_calls"]) == (1, 1, 1)


@pytest.mark.parametrize("form", [{"client_secret": "wrong"}, {"client_id": "nobody"}, {"grant_type": "password"}])
def test_wrong_client_credentials_are_401(boeing, form):
    data = {
        "client_id": "sandbox-client",
        "client_secret": "sandbox-secret",
        "scope": "",
        "grant_type": "client_credentials",
        **form,
    }
    r = boeing.http.post("/oauth/token", data=data)
    assert r.status_code == 401 and r.json() == {"error": "invalid_client"}


def test_part_token_needs_valid_access_token_and_user(boeing):
    access, _ = boeing.tokens()
    good = {"Authorization": f"Bearer {access}", "x-username": "sandbox-user", "x-password": "sandbox-pass"}
    assert boeing.http.get("/pna/oauth", headers={**good, "x-password": "nope"}).status_code == 401
    assert boeing.http.get("/pna/oauth", headers={**good, "Authorization": "Bearer forged"}).status_code == 401
    assert boeing.http.get("/pna/oauth", headers=good).status_code == 200


def test_price_rejects_missing_or_unknown_tokens(boeing):
    access, part = boeing.tokens()
    assert boeing.price(KNOWN, tokens=(access, "forged")).status_code == 401
    assert boeing.price(KNOWN, tokens=("forged", part)).status_code == 401
    assert boeing.http.post("/pna/price", json={"productCodes": KNOWN}).status_code == 401


def test_tokens_expire_after_ttl(boeing):
    boeing.admin(token_ttl=2)  # long enough for the first call on a busy machine
    tokens = boeing.tokens()
    assert boeing.price(KNOWN, tokens=tokens).status_code == 200
    time.sleep(2.1)
    assert boeing.price(KNOWN, tokens=tokens).status_code == 401


def test_expire_tokens_is_a_one_shot_action(boeing):
    tokens = boeing.tokens()
    config = boeing.admin(expire_tokens=True)
    assert "expire_tokens" not in config
    assert boeing.price(KNOWN, tokens=tokens).status_code == 401
    assert boeing.price(KNOWN).status_code == 200  # freshly issued tokens work again


# -- price answers ----------------------------------------------------------
def test_price_answers_known_parts_and_omits_unknown(boeing):
    r = boeing.price(["abc-123", "UNKNOWN-1", "WF338109=K3", "ABC-123", "NOPRICE-7"])
    assert r.status_code == 200
    items = r.json()["lineItems"]
    assert [i["aviallPartNumber"] for i in items] == ["ABC-123", "WF338109=K3", "NOPRICE-7"]
    assert items[0] == item_for("ABC-123", PINNED_HOUR, image_base=boeing.handle.url)  # images: on the sandbox
    assert items[2]["listPrice"] is None and items[2]["netPrice"] is None
    assert boeing.stats()["codes_requested"] == 5


def test_unpinned_hour_follows_the_clock(boeing):
    boeing.admin(hour=None)
    hour = current_hour()
    item = boeing.price(["ABC-123"]).json()["lineItems"][0]
    assert item in (item_for("ABC-123", hour, boeing.handle.url), item_for("ABC-123", hour + 1, boeing.handle.url))


def test_show_flags_filter_the_answer(boeing):
    r = boeing.http.post(
        "/pna/price",
        headers=_auth(boeing),
        json={"showNoStock": False, "showLocation": False, "productCodes": ["NOSTOCK-1", "ABC-123"]},
    )
    items = r.json()["lineItems"]
    assert [i["aviallPartNumber"] for i in items] == ["ABC-123"]
    assert items[0]["locationAvailabilities"] == []


def _auth(boeing) -> dict:
    access, part = boeing.tokens()
    return {"Authorization": f"Bearer {access}", "x-boeing-parts-authorization": part}


def test_too_many_codes_is_400(boeing):
    tokens = boeing.tokens()
    assert boeing.price([f"P{i}" for i in range(20)], tokens=tokens).status_code == 200
    r = boeing.price([f"P{i}" for i in range(21)], tokens=tokens)
    assert r.status_code == 400 and "error" in r.json()
    boeing.admin(max_codes=5)
    assert boeing.price([f"P{i}" for i in range(6)], tokens=tokens).status_code == 400


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"[]",
        b'{"showNoStock": true}',
        b'{"productCodes": "ABC"}',
        b'{"productCodes": []}',
        b'{"productCodes": ["ABC", 7]}',
    ],
)
def test_bad_body_is_400(boeing, content):
    r = boeing.price(None, content=content)
    assert r.status_code == 400 and isinstance(r.json()["error"], str)
    assert boeing.stats()["status_counts"] == {"400": 1}


# -- admin and stats ----------------------------------------------------------
def test_admin_rejects_unknown_or_bad_knobs_without_changing_anything(boeing):
    before = boeing.stats()["config"]
    assert boeing.http.post("/_admin", json={"nope": 1}).status_code == 400
    assert boeing.http.post("/_admin", json={"burst": 3, "error_rate": 2}).status_code == 400
    assert boeing.stats()["config"] == before


def test_reset_zeroes_stats_and_keeps_knobs(boeing):
    boeing.admin(latency_ms=1)
    boeing.price(KNOWN)
    assert boeing.stats()["price_calls"] == 1
    boeing.http.post("/_admin/reset")
    s = boeing.stats()
    assert (s["price_calls"], s["token_calls"], s["first_price_call_at"], s["status_counts"]) == (0, 0, None, {})
    assert s["config"]["latency_ms"] == 1


def test_stats_config_has_no_secrets(boeing):
    text = json.dumps(boeing.stats())
    assert "sandbox-secret" not in text and "sandbox-pass" not in text


# -- CLI ----------------------------------------------------------------------
def test_cli_starts_a_server_that_answers_stats():
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "boeinghub_dagster.sandbox",
            "boeing",
            "--port",
            str(port),
            "--rate-per-min",
            "30",
            "--seed",
            "3",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        r = first_answer(f"http://127.0.0.1:{port}/_stats", proc, 60, "the sandbox CLI server", every=0.05)
        assert r.status_code == 200
        assert r.json()["config"]["rate_per_min"] == 30 and r.json()["config"]["seed"] == 3
    finally:
        proc.terminate()
        proc.wait(timeout=10)
