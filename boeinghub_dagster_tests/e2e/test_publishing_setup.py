"""`shopify_setup`: metafield definitions once (idempotent), locations and sales channels by name in the store,
bad maps and a shop that serves another API version refused."""

import json

import pytest

from boeinghub_dagster.defs.publishing.jobs import shopify_setup
from boeinghub_dagster.domain.metafields import METAFIELD_DEFINITIONS
from boeinghub_dagster.resources.shopify_setup import LOCATIONS, PUBLICATIONS

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _run(instance, resources, raise_on_error=True):
    return shopify_setup.execute_in_process(
        instance=instance,
        raise_on_error=raise_on_error,
        resources={"shopify": resources["shopify"], "store": resources["store"]},
    )


def _meta(result) -> dict:
    """The setup op's output metadata."""
    outputs = [e for e in result.all_events if e.event_type_value == "STEP_OUTPUT"]
    return {k: v.value for e in outputs for k, v in e.event_specific_data.metadata.items()}


def test_setup_creates_definitions_once_and_stores_locations(store, resources, shopify_sandbox, instance):
    first = _run(instance, resources)
    assert first.success
    assert sorted(_meta(first)["definitions_created"]) == sorted(d.key for d in METAFIELD_DEFINITIONS)
    stored = dict(store.publishing().setting(LOCATIONS))
    assert list(stored) == ["Dallas Central", "Chicago", "Miami"]
    assert all(v.startswith("gid://shopify/Location/") for v in stored.values())
    assert list(dict(store.publishing().setting(PUBLICATIONS))) == ["Online Store"]  # SHOPIFY_PUBLICATIONS' default

    again = _run(instance, resources)
    assert again.success
    meta = _meta(again)
    assert meta["definitions_created"] == [] and meta["definitions_existing"] == len(METAFIELD_DEFINITIONS)
    assert shopify_sandbox.stats()["root_fields"].get("metafieldDefinitionCreate") == len(METAFIELD_DEFINITIONS)


def test_setup_refuses_a_location_map_naming_a_location_the_shop_lacks(store, resources, instance, monkeypatch):
    monkeypatch.setenv("SHOPIFY_LOCATION_MAP", json.dumps({"Dallas Central": "Houston"}))
    result = _run(instance, resources, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "Houston" in str(failure.step_failure_data.error)


@SQLITE_ONLY
def test_setup_refuses_a_sales_channel_the_shop_lacks(store, resources, instance, monkeypatch):
    monkeypatch.setenv("SHOPIFY_PUBLICATIONS", "Online Store,Wholesale")
    result = _run(instance, resources, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "SHOPIFY_PUBLICATIONS names sales channels the shop does not have: Wholesale" in str(
        failure.step_failure_data.error
    )
    assert store.publishing().setting(PUBLICATIONS) is None


@SQLITE_ONLY
def test_a_shop_serving_another_api_version_stops_setup_before_it_writes(store, resources, shopify_sandbox, instance):
    shopify_sandbox.admin(api_versions=["2026-10", "2027-01"])  # 2026-07 retired: Shopify serves 2026-10 instead
    result = _run(instance, resources, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "Shopify served API version 2026-10, not the pinned 2026-07" in str(failure.step_failure_data.error)
    stats = shopify_sandbox.stats()
    assert stats["calls"] == 1 and stats["root_fields"] == {"metafieldDefinitions": 1}  # one read, then stop
    assert store.publishing().setting(LOCATIONS) is None
