"""One hour's sync over real HTTP (both sandboxes) on SQLite and PostgreSQL: first sync pushes, a repeat is free."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from boeinghub_dagster.domain.pricing import shop_price
from boeinghub_dagster_tests.support.sync import (
    epoch_hour,
    fetched_parts,
    metadata,
    op_metadata,
    publish_parts,
    sync_hour,
    sync_now,
)

DAY = datetime(2026, 12, 1, tzinfo=UTC)


def test_a_bucket_syncs_its_parts_once_and_only_changes_cost_shopify_calls(
    store, resources, shopify, boeing_sandbox, instance
):
    parts = fetched_parts(25, DAY)
    publish_parts(instance, parts, resources, DAY - timedelta(hours=2))
    sched = store.sync().rows(parts)
    assert sorted(r["hour_bucket"] for r in sched.values()) == [0] * 10 + [1] * 10 + [2] * 5

    first = metadata(sync_hour(instance, resources, DAY))  # bucket 0: 10 parts, no hash yet -> all pushed
    assert (first["parts_due"], first["parts_fetched"], first["parts_changed"], first["parts_pushed"]) == (
        10,
        10,
        10,
        10,
    )
    assert first["parts_failed"] == 0 and first["boeing_calls"] == 1 and first["parts_deferred"] == 0
    assert 10 <= first["shopify_calls"] <= 2 * 10  # one price call per part and one stock call per answer
    synced = {p: r for p, r in store.sync().rows(parts).items() if r["hour_bucket"] == 0}
    assert {r["sync_status"] for r in synced.values()} == {"success"} and all(r["last_hash"] for r in synced.values())
    client = shopify.client()
    part = next(iter(synced))
    variant = client.product_snapshot(synced[part]["shopify_product_id"])["variants"]["nodes"][0]
    assert Decimal(variant["price"]) == shop_price(synced[part]["last_price"], "1.1")

    again = metadata(sync_hour(instance, resources, DAY, minute=50))  # same hour: nothing is due again
    assert again["parts_due"] == 0 and again["shopify_calls"] == 0 and again["boeing_calls"] == 0

    filling = metadata(sync_hour(instance, resources, DAY + timedelta(hours=2)))  # the filling bucket 2 (5 parts)
    assert filling["buckets"] == [2] and filling["parts_due"] == 5

    boeing_sandbox.admin(hour=epoch_hour(DAY))  # Boeing answers exactly as in that hour: nothing changed
    next_day = metadata(sync_hour(instance, resources, DAY + timedelta(days=1)))
    assert (next_day["parts_due"], next_day["parts_unchanged"], next_day["shopify_calls"]) == (10, 10, 0)
    history = store.sync().history(DAY - timedelta(days=1))
    assert len(history) == 25 and {h["outcome"] for h in history} == {"changed", "unchanged"}

    part = sorted(synced)[0]  # the operator's "sync this SKU now": any slot, any time
    now = op_metadata(
        sync_now(instance, resources, DAY + timedelta(days=1, minutes=50), sched[part]["sku"]), "sync_one_part"
    )
    assert (now["parts_due"], now["parts_unchanged"], now["shopify_calls"], now["parts_failed"]) == (1, 1, 0, 0)
    assert not sync_now(
        instance, resources, DAY + timedelta(days=1, minutes=55), "NOT-PUBLISHED-1", raise_on_error=False
    ).success
