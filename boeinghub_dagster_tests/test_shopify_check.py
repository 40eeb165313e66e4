"""`boeinghub shopify-check` against the Shopify sandbox: one line per check and a verdict, the token never shown."""

from __future__ import annotations

import json

import pytest

from boeinghub_dagster.cli import main
from boeinghub_dagster_tests.support.sandboxes import running_shopify
from boeinghub_dagster_tests.support.shopify_calls import define_part_number

pytestmark = pytest.mark.shopify_contract
MAP = {"Dallas Central": "Dallas Central", "Seattle": "Chicago", "Atlanta": "Miami"}


@pytest.fixture
def shop(monkeypatch):
    with running_shopify() as handle:
        monkeypatch.setenv("SHOPIFY_SHOP_URL", handle.url)
        monkeypatch.setenv("SHOPIFY_ACCESS_TOKEN", handle.token)
        monkeypatch.setenv("SHOPIFY_LOCATION_MAP", json.dumps(MAP))
        monkeypatch.delenv("SHOPIFY_PUBLICATIONS", raising=False)
        yield handle


def check(capsys) -> tuple[int, list[str]]:
    code = main(["shopify-check"])
    out = capsys.readouterr()
    print(out.out)  # the report shows it (pytest -s)
    return code, out.out.splitlines()


def test_a_ready_shop_passes_every_check(shop, capsys):
    code, lines = check(capsys)
    assert code == 0
    assert lines[0] == f"boeinghub shopify-check: {shop.url} (token from SHOPIFY_ACCESS_TOKEN, not shown)"
    assert [line.split(":")[0] for line in lines[1:]] == [
        "ok    token",
        "ok    API version",
        "ok    locations",
        "ok    sales channels",
        "ok    metafield definitions",
        "verdict",
    ]
    assert lines[2] == "ok    API version: 2026-07 served, as pinned"
    assert lines[4] == 'ok    sales channels: "Online Store" found (the shop has: Online Store, Point of Sale)'
    assert "17 missing (shopify_setup creates them)" in lines[5]
    assert lines[6].startswith("verdict: ready to publish; run the shopify_setup job once")
    assert shop.token not in "\n".join(lines)
    assert shop.stats()["mutations"] == 0  # read-only


def test_a_missing_location_and_sales_channel_fail_with_what_the_shop_has(shop, capsys, monkeypatch):
    monkeypatch.setenv("SHOPIFY_LOCATION_MAP", json.dumps({**MAP, "Denver": "Denver"}))
    monkeypatch.setenv("SHOPIFY_PUBLICATIONS", "Online Store, Wholesale")
    code, lines = check(capsys)
    assert code == 1
    assert (
        'FAIL  locations: SHOPIFY_LOCATION_MAP names "Denver", not an active location of the shop (active: '
        "Dallas Central, Chicago, Miami)"
    ) in lines
    assert (
        'FAIL  sales channels: SHOPIFY_PUBLICATIONS names "Wholesale", not a publication of the shop (it has: '
        "Online Store, Point of Sale)"
    ) in lines
    assert lines[-1] == (
        "verdict: NOT READY, 2 check(s) failed (locations, sales channels); fix them before the first publish"
    )


def test_a_shop_that_no_longer_serves_the_pinned_version_fails_the_version_check(shop, capsys):
    shop.admin(api_versions=["2026-10", "2027-01"])  # 2026-07 retired: served by 2026-10
    code, lines = check(capsys)
    assert code == 1
    assert "FAIL  API version: 2026-10 served, the hub is pinned to 2026-07" in "\n".join(lines)
    assert lines[1].startswith("ok    token")


def test_a_part_number_definition_without_unique_values_fails(shop, capsys):
    define_part_number(shop, unique=False)  # made by hand in the admin, before the hub
    code, lines = check(capsys)
    assert code == 1
    assert (
        "FAIL  metafield definitions: 1 of 17 present; custom.boeing_part_number lacks unique values (publishing "
        "upserts by it): delete or fix them in the admin"
    ) in lines


def test_a_token_without_a_scope_the_hub_needs_fails(shop, capsys):
    shop.admin(access_scopes=["write_products", "write_inventory", "read_locations", "read_publications"])
    code, lines = check(capsys)
    assert code == 1
    assert lines[1] == (
        "FAIL  token: accepted, but lacks write_publications (sales channels); grant them in the app's configuration"
    )


def test_without_the_shop_it_says_what_to_set(monkeypatch, capsys):
    monkeypatch.delenv("SHOPIFY_SHOP_URL", raising=False)
    assert main(["shopify-check"]) == 2
    assert "set SHOPIFY_SHOP_URL and SHOPIFY_ACCESS_TOKEN" in capsys.readouterr().err
