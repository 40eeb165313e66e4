"""Publishing under Shopify's faults and limits: lost answers, THROTTLED storms, the variant throttle, price
jumps and broken images; over real HTTP, on SQLite and PostgreSQL. A real crash between Shopify's answer and
the database write (the run worker SIGKILLed) is in `test_real_crashes.py`."""

import pytest
from sqlalchemy import update

from boeinghub_dagster.defs.publishing.jobs import approve_prices
from boeinghub_dagster.defs.reconciliation.jobs import publish_reconciliation_job
from boeinghub_dagster.resources.shopify import ShopifyResource
from boeinghub_dagster.resources.store.schema import product_staging
from boeinghub_dagster_tests.support.expected import expected_staging, part_list
from boeinghub_dagster_tests.support.publishing import (
    check,
    expected_price,
    materialized,
    publish,
    stage,
    wait_for_media,
)

PARTS = [p for p in part_list(12) if expected_staging([p]).get(p) == "fetched"][:5]


def _reconcile(instance, resources):
    result = publish_reconciliation_job.execute_in_process(
        instance=instance, resources={"shopify": resources["shopify"], "store": resources["store"]}
    )
    assert result.success
    return result


def _one_product_each(sandbox, parts):
    assert sandbox.stats()["products_per_part_number"] == {p: 1 for p in parts}


def _complete(store, sandbox, shopify, parts):
    rows = store.publishing().products(parts)
    assert sorted(rows) == sorted(parts)
    client = shopify.client()
    for part, row in rows.items():
        found = client.find_product_by_part_number(part)
        assert row["shopify_product_id"] == found["id"]
        assert row["shopify_variant_id"] == found["variants"]["nodes"][0]["id"]
        assert row["inventory_item_id"] == found["variants"]["nodes"][0]["inventoryItem"]["id"]
        assert row["price"] is not None and row["cost"] is not None and row["quantity"] is not None
    assert sorted(store.publishing().schedule(parts)) == sorted(parts)
    assert store.publishing().pending() == []


def test_apply_then_fail_ends_with_one_complete_product_per_part(store, resources, shopify_sandbox, instance):
    stage(instance, PARTS, resources)
    flaky = ShopifyResource(
        shop_url=shopify_sandbox.url,
        access_token=shopify_sandbox.token,
        store=store,
        rate_per_min=6000,
        timeout_seconds=5,
        max_attempts=2,
        max_backoff_seconds=0.2,
        publish_concurrency=1,
    )  # one call at a time: "three in a row" is exactly these three
    publish(instance, PARTS[:1], {**resources})  # setup and one product, so the failures below are publishes
    shopify_sandbox.admin(apply_then_fail_rate=1.0)
    result = publish(instance, PARTS, {**resources, "shopify": flaky}, raise_on_error=False)
    assert not result.success  # three parts in a row never answered: the run stops loudly
    stats = shopify_sandbox.stats()
    assert stats["apply_then_fail"] >= 6
    lost = {r["part_number"] for r in store.publishing().pending()}
    assert lost == set(PARTS[1:4])
    assert not set(store.publishing().products(PARTS)) & lost
    _one_product_each(shopify_sandbox, PARTS[:4])  # every retry was an upsert by part number

    shopify_sandbox.admin(apply_then_fail_rate=0.0)
    _reconcile(instance, resources)
    _complete(store, shopify_sandbox, resources["shopify"], PARTS[:4])
    assert publish(instance, PARTS, resources).success
    _one_product_each(shopify_sandbox, PARTS)
    _complete(store, shopify_sandbox, resources["shopify"], PARTS)


@pytest.mark.parametrize("shopify_sandbox", [{"throttle_storm": 6}], indirect=True)
def test_a_throttled_storm_ends_with_every_part_published(store, resources, shopify_sandbox, instance):
    stage(instance, PARTS, resources)
    assert publish(instance, PARTS, resources).success
    assert sorted(store.publishing().products(PARTS)) == sorted(PARTS)
    assert shopify_sandbox.stats()["throttled"] == 6
    _one_product_each(shopify_sandbox, PARTS)


@pytest.mark.parametrize("shopify_sandbox", [{"variant_threshold": 0, "variants_per_day": 3}], indirect=True)
def test_the_variant_throttle_defers_parts_to_the_next_day(store, resources, shopify_sandbox, instance):
    stage(instance, PARTS, resources)
    result = publish(instance, PARTS, resources)
    assert len(store.publishing().products(PARTS)) == 3
    deferred = store.publishing().deferred()
    assert len(deferred) == 2 and all("variant throttle" in d["reason"] for d in deferred.values())
    assert all("VARIANT_THROTTLE_EXCEEDED" in d["reason"] for d in deferred.values())  # Shopify's own words
    assert not [f for f in store.staging().failures(run_id=result.run_id) if f["part_number"] in deferred]
    _, meta = check(result, "shopify_products_cover_parts_asked")
    assert meta["parts_deferred"] == 2 and meta["parts_failed"] == 0
    assert materialized(instance) == set(PARTS) - set(deferred)

    shopify_sandbox.admin(advance_day=1)
    again = publish(instance, PARTS, resources)
    _, meta = check(again, "shopify_products_cover_parts_asked")
    assert meta["parts_published"] == 2 and meta["parts_unchanged"] == 3
    assert sorted(store.publishing().products(PARTS)) == sorted(PARTS)
    assert store.publishing().deferred() == {}
    _one_product_each(shopify_sandbox, PARTS)
    client = resources["shopify"].client()
    online = client.publications()["Online Store"]
    for part in deferred:  # the merchant's view: the late parts are on sale like the others
        assert client.published_on(store.publishing().products([part])[part]["shopify_product_id"], online) is True


def test_a_price_jump_is_held_until_approved(store, resources, shopify_sandbox, instance):
    stage(instance, PARTS, resources)
    assert publish(instance, PARTS, resources).success
    jumped = PARTS[0]
    old = store.publishing().products([jumped])[jumped]
    with store.engine().begin() as conn:
        conn.execute(
            update(product_staging)
            .where(product_staging.c.part_number == jumped)
            .values(list_price=product_staging.c.list_price * 2, net_price=product_staging.c.net_price * 2)
        )
    new_price = expected_price(store.staging().rows([jumped])[0])
    client = resources["shopify"].client()

    for _ in range(2):  # held, and still held on the next publish
        held = publish(instance, PARTS, resources)
        passed, meta = check(held, "shopify_prices_not_held")
        assert not passed and meta["held_parts"] == [jumped]
        assert client.find_product_by_part_number(jumped)["variants"]["nodes"][0]["price"] == str(old["price"])
    assert store.publishing().holds([jumped])[jumped]["new_price"] == new_price

    approve_prices.execute_in_process(
        instance=instance,
        resources={"store": store},
        run_config={"ops": {"approve_held_prices": {"config": {"part_numbers": [jumped]}}}},
    )
    pushed = publish(instance, PARTS, resources)
    assert check(pushed, "shopify_prices_not_held")[0]
    assert client.find_product_by_part_number(jumped)["variants"]["nodes"][0]["price"] == str(new_price)
    assert store.publishing().products([jumped])[jumped]["price"] == new_price
    _one_product_each(shopify_sandbox, PARTS)


def test_a_broken_image_gives_the_placeholder_and_a_warning(store, resources, shopify_sandbox, instance):
    parts = ["BADIMAGE-1", "NOIMAGE-2", "MISSINGIMAGE-3", "TINYIMAGE-4", PARTS[0]]
    stage(instance, parts, resources)
    fetched = [p for p in parts if expected_staging([p]).get(p) == "fetched"]
    assert len(fetched) >= 4
    result = publish(instance, parts, resources)
    assert result.success
    rows = store.publishing().products(parts)
    assert sorted(rows) == sorted(fetched)
    broken = [p for p in fetched if p != PARTS[0]]
    assert all("/products/_fallback/" in rows[p]["image_url"] for p in broken)
    _, meta = check(result, "shopify_products_cover_parts_asked")
    assert meta["image_warnings"] >= len(broken) and meta["parts_failed"] == 0
    assert all(p in meta["image_warning_list"] for p in broken)
    assert wait_for_media(shopify_sandbox).get("READY", 0) == len(fetched)
