"""48 simulated hours of the hourly sync over 240 published parts: both sandboxes over HTTP, a real
PostgreSQL, partition keys and a frozen (ticking) clock.

Day 1 Boeing drifts every hour (every first sync is a change: no hash yet). Day 2 Boeing answers
the even buckets exactly as on day 1 (unchanged: no Shopify call) and drifts the odd ones. One
part vanishes from Boeing, one is left `syncing` by a "crashed" run, one jumps in price.
"""

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from boeinghub_dagster.resources.store.schema_publishing import product_sync_schedule, products
from boeinghub_dagster_tests.support.sync import (
    dashboard,
    epoch_hour,
    fetched_parts,
    metadata,
    publish_parts,
    reactivate,
    report,
    retry,
    sync_hour,
)

T0 = datetime(2026, 12, 1, tzinfo=UTC)
VANISH_BUCKET, JUMP_BUCKET, STUCK_BUCKET = 5, 7, 11


def _check(result) -> tuple[bool, dict]:
    e = result.get_asset_check_evaluations()[0]
    return e.passed, {k: v.value for k, v in e.metadata.items()}


def _pick(sched: dict, bucket: int) -> str:
    return sorted(p for p, r in sched.items() if r["hour_bucket"] == bucket)[0]


def _lower_price(store, client, row: dict) -> Decimal:
    """The shop (and the hub's record) sells the part at a third of its price: Boeing's next answer jumps."""
    low = (row["shop_price"] / 3).quantize(Decimal("0.01"))
    client.variants_bulk_update(row["shopify_product_id"], [{"id": row["shopify_variant_id"], "price": str(low)}])
    with store.engine().begin() as conn:
        conn.execute(update(products).where(products.c.part_number == row["part_number"]).values(price=low))
    return low


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_48_simulated_hours_over_240_published_parts(store, resources, shopify, boeing_sandbox, instance):
    parts = fetched_parts(240, T0 - timedelta(hours=1))
    publish_parts(instance, parts, resources, T0 - timedelta(hours=1))
    sync, client = store.sync(), shopify.client()
    sched = sync.rows(parts)
    assert [sum(1 for r in sched.values() if r["hour_bucket"] == h) for h in range(24)] == [10] * 24
    vanish, jump, stuck = _pick(sched, VANISH_BUCKET), _pick(sched, JUMP_BUCKET), _pick(sched, STUCK_BUCKET)
    low = None
    runs, checks, cleanup = {}, {}, None
    for h in range(48):
        hour = T0 + timedelta(hours=h)
        if h == 3:  # a run died holding this part
            with store.engine().begin() as conn:
                conn.execute(
                    update(product_sync_schedule)
                    .where(product_sync_schedule.c.part_number == stuck)
                    .values(sync_status="syncing", updated_at=hour)
                )
        if h == VANISH_BUCKET:
            boeing_sandbox.admin(withheld=vanish)
        if h == JUMP_BUCKET - 1:
            low = _lower_price(store, client, sync.rows([jump])[jump])
        if h == 24:
            cleanup = metadata(report(instance, resources, hour), "sync_daily_report")
        if h == 26:  # the operator brings the vanished part back; Boeing knows it again
            boeing_sandbox.admin(withheld="")
            reactivate(instance, resources, hour + timedelta(minutes=5), [vanish])
        if h % 4 == 0:
            retry(instance, resources, hour + timedelta(minutes=15))
        if h >= 24:  # day 2: even buckets answer as on day 1, odd ones drift
            boeing_sandbox.admin(hour=epoch_hour(hour - timedelta(days=1)) if h % 2 == 0 else None)
        result = sync_hour(instance, resources, hour)
        runs[h], checks[h] = metadata(result), _check(result)

    history = sync.history(T0 - timedelta(days=1))
    ok = defaultdict(list)
    for row in history:
        if row["outcome"] != "failed":
            ok[row["part_number"]].append(row["at"])
    final = sync.rows(parts)
    # Every active part synced once per day, in its slot (the stuck part only once it was reset).
    for part in parts:
        bucket = final[part]["hour_bucket"]
        days = [T0 + timedelta(days=d, hours=bucket) for d in range(2)]
        if part == vanish:
            days = days[1:]
        elif part == stuck:
            days = days[1:]
        assert sorted(at.replace(minute=0, second=0, microsecond=0) for at in ok[part]) == days, part
    assert all(r["sync_status"] == "success" and r["is_active"] for r in final.values())

    # Shopify calls: none for unchanged parts, at most two per changed part (price + share of a stock call).
    for h, m in runs.items():
        status_calls = len(m["deactivated"]) + len(m["reactivated_on_shopify"])
        assert m["shopify_calls"] <= 2 * m["parts_changed"] + status_calls, (h, m)
        assert m["parts_failed"] == (1 if h == VANISH_BUCKET else 0), (h, m["failures"])
        assert m["finished_within_hour"] and m["parts_deferred"] == 0
    for h in range(24, 48, 2):
        assert (runs[h]["parts_unchanged"], runs[h]["parts_changed"], runs[h]["shopify_calls"]) == (10, 0, 0), h
    assert sum(runs[h]["parts_changed"] for h in range(25, 48, 2)) >= 100  # Boeing's hourly drift is found and pushed

    # The vanished part: 5 failures (its slot, then 4-hourly retries) -> inactive and DRAFT; reactivated -> ACTIVE.
    failures = [r for r in history if r["part_number"] == vanish and r["outcome"] == "failed"]
    assert len(failures) == 5 and all(r["reason"] == "not returned by Boeing" for r in failures)
    assert runs[VANISH_BUCKET + 24]["reactivated_on_shopify"] == [vanish]
    assert final[vanish]["shopify_status"] == "ACTIVE"
    assert client.product_snapshot(final[vanish]["shopify_product_id"])["status"] == "ACTIVE"

    # The stuck part: flagged by the freshness check, reset by the 00:00 cleanup, synced in its slot on day 2.
    assert stuck in cleanup["stuck_parts"] and cleanup["stuck_reset"] == 1
    passed, meta = checks[25]  # 26 hours after it was published, never synced
    assert not passed and meta["stale_part_numbers"] == [stuck]
    assert checks[47][0], checks[47][1]

    # The price jump: held twice (day 1 and day 2), never pushed; the shop still sells at the old price.
    assert jump in runs[JUMP_BUCKET]["held"] and "price jump held" in runs[JUMP_BUCKET]["held"]
    assert store.publishing().holds([jump])[jump]["approved_at"] is None
    variant = client.product_snapshot(final[jump]["shopify_product_id"])["variants"]["nodes"][0]
    assert Decimal(variant["price"]) == low
    assert runs[JUMP_BUCKET]["parts_held"] == 1 and runs[JUMP_BUCKET + 24]["parts_held"] == 1

    board = metadata(dashboard(instance, resources, T0 + timedelta(hours=47, minutes=50)), "sync_dashboard")
    assert board["parts_scheduled"] == 240 and board["effective_recheck"] == "every 1 day"
    assert "![parts per hour bucket" in board["dashboard"] and "| 05:00 | 10 | 10 | active |" in board["dashboard"]
