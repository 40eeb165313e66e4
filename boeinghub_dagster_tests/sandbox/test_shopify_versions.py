"""API versions in the Shopify sandbox: an unsupported version falls forward to the oldest supported one (HTTP 200),
and `X-Shopify-API-Version` on every answer names the version that served it."""

from __future__ import annotations

import httpx

from boeinghub_dagster.domain.shopify_api import SHOPIFY_API_VERSION
from boeinghub_dagster_tests.support.sandboxes import start_shopify

LOCATIONS = "{ locations(first: 1) { nodes { id } } }"


def _post(shop, version: str, token: str | None = None) -> httpx.Response:
    return httpx.post(
        f"{shop.url}/admin/api/{version}/graphql.json",
        json={"query": LOCATIONS},
        timeout=10,
        headers={"X-Shopify-Access-Token": shop.token if token is None else token},
    )


def test_the_pinned_version_is_served_as_itself(shopify):
    r = shopify.graphql(LOCATIONS)
    assert r.status_code == 200 and r.headers["x-shopify-api-version"] == SHOPIFY_API_VERSION == "2026-07"


def test_retired_unknown_and_unreleased_versions_are_served_by_the_oldest_supported(shopify):
    for version in ("2023-01", "2026-02", "latest", "2030-01"):
        r = _post(shopify, version)
        assert r.status_code == 200 and "data" in r.json(), version
        assert r.headers["x-shopify-api-version"] == "2025-10", version
    assert shopify.stats()["versions_served"] == {"2025-10": 4}


def test_a_shop_that_no_longer_supports_the_pinned_version(shopify):
    config = shopify.admin(api_versions=["2026-10", "2027-01", "2027-04", "2027-07"])
    assert config["api_versions"] == ["2026-10", "2027-01", "2027-04", "2027-07"]
    r = shopify.graphql(LOCATIONS)
    assert r.status_code == 200 and r.headers["x-shopify-api-version"] == "2026-10"
    listed = shopify.graphql("{ publicApiVersions { handle displayName supported } }").json()
    assert listed["data"]["publicApiVersions"] == [
        {"handle": "2026-10", "displayName": "2026-10", "supported": True},
        {"handle": "2027-01", "displayName": "2027-01", "supported": True},
        {"handle": "2027-04", "displayName": "2027-04", "supported": True},
        {"handle": "2027-07", "displayName": "2027-07 (Latest)", "supported": True},
        {"handle": "2027-10", "displayName": "2027-10 (Release candidate)", "supported": False},
        {"handle": "unstable", "displayName": "unstable", "supported": False},
    ]


def test_every_answer_carries_the_header_refusals_too(shopify):
    assert _post(shopify, "2026-07", token="nope").headers["x-shopify-api-version"] == "2026-07"
    shopify.admin(outage=True)
    r = _post(shopify, "2019-04")
    assert r.status_code == 503 and r.headers["x-shopify-api-version"] == "2025-10"


def test_bad_version_lists_are_refused(shopify):
    for bad in ([], ["2026-05"], "2026-07,x", [2026], 2026):
        r = httpx.post(f"{shopify.url}/_admin", json={"api_versions": bad}, timeout=10)
        assert r.status_code == 400, bad
    assert shopify.stats()["config"]["api_versions"] == ["2025-10", "2026-01", "2026-04", "2026-07"]


def test_the_command_line_form_is_a_comma_separated_list(tmp_path):
    server, shop = start_shopify(str(tmp_path / "shop.db"), api_versions="2026-04, 2026-07")
    try:
        assert shop.stats()["config"]["api_versions"] == ["2026-04", "2026-07"]
        assert _post(shop, "2026-01").headers["x-shopify-api-version"] == "2026-04"
    finally:
        server.stop()
        server.app.state.sandbox.store.close()
