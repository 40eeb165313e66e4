"""Retiring parts (issue 15 item 4) against both sandboxes over HTTP: archived and off every sales channel, not
synced the next day, its partition key gone, its history kept; dropped in again, it comes back as new."""

from datetime import timedelta

import dagster as dg
import httpx
import pytest
import time_machine
from sqlalchemy import func, select

from boeinghub_dagster.defs.publishing.assets import catalogue_overview
from boeinghub_dagster.defs.publishing.jobs import retire_parts
from boeinghub_dagster.defs.publishing.sensors import publish_intake_sensor
from boeinghub_dagster.domain.shopify_api import admin_product_url
from boeinghub_dagster.resources.store.schema import boeing_raw_parts, part_failures, product_staging
from boeinghub_dagster.resources.store.schema_prices import price_history
from boeinghub_dagster.resources.store.schema_publishing import sync_history
from boeinghub_dagster_tests.support.publishing import publish, stage
from boeinghub_dagster_tests.support.sync import (
    UTC,
    epoch_hour,
    fetched_parts,
    metadata,
    op_metadata,
    publish_parts,
    run_job,
    sync_hour,
)

DAY = __import__("datetime").datetime(2026, 12, 5, tzinfo=UTC)
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
COUNTS = {"lines": 1, "accepted": 1, "rejected": 0, "duplicates": 0}


def merchant_view(shopify_sandbox, product_id: str) -> dict:
    return httpx.get(admin_product_url(shopify_sandbox.url, product_id), timeout=10).json()


def rows_of(store, part: str) -> dict[str, int]:
    with store.engine().connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t).where(t.c.part_number == part)).scalar_one()
            for t in (boeing_raw_parts, product_staging, part_failures, sync_history, price_history)
        }


def retire(instance, resources, at, parts):
    config = {"ops": {"retire_selected": {"config": {"part_numbers": parts}}}}
    result = run_job(retire_parts, instance, resources, at, config, raise_on_error=False)
    return result, op_metadata(result, "retire_selected")


def tick(instance, store, at):
    with time_machine.travel(at, tick=True):
        return publish_intake_sensor(dg.build_sensor_context(instance=instance, resources={"store": store}))


@SQLITE_ONLY
def test_a_retired_part_leaves_the_shop_and_the_sync_keeps_its_history_and_comes_back_when_dropped_again(
    store, resources, shopify, shopify_sandbox, boeing_sandbox, instance
):
    gone, kept, deleted = parts = fetched_parts(3, DAY)
    boeing_sandbox.admin(hour=epoch_hour(DAY))
    store.intake().record_batch("first.txt", "a" * 64, "publish", {**COUNTS, "accepted": 3}, parts)
    publish_parts(instance, parts, resources, DAY - timedelta(hours=2))
    pid = {p: r["shopify_product_id"] for p, r in store.publishing().products(parts).items()}
    assert metadata(sync_hour(instance, resources, DAY))["parts_pushed"] == 3  # some sync history to keep
    shopify.client().delete_product(pid[deleted])  # the merchant deleted this one on the shop already
    before = rows_of(store, gone)
    assert before["sync_history"] and before["price_history"] and before["product_staging"]

    shopify_sandbox.admin(fail_field="ProductUpdatePayload.product")  # Shopify's answer to archiving `kept` fails
    result, meta = retire(instance, resources, DAY + timedelta(hours=1), [kept])
    assert not result.success and meta["not_retired"] == 1
    assert "archiving failed: Shopify: Internal error" in meta["parts"]  # Shopify's text, in the part's row
    assert kept in instance.get_dynamic_partitions("part_numbers") and store.sync().rows([kept])  # not retired
    shopify_sandbox.admin(fail_field="")

    result, meta = retire(instance, resources, DAY + timedelta(hours=2), [gone.lower(), deleted, "NEVER-SEEN-1", "A|B"])
    assert result.success, meta
    assert (meta["retired"], meta["archived_on_shopify"], meta["not_found"], meta["not_part_numbers"]) == (2, 1, 1, 1)
    assert "A\\|B | refused: not a part number" in meta["parts"]  # its row says why, the run goes on
    page = merchant_view(shopify_sandbox, pid[gone])
    assert page["status"] == "ARCHIVED" and page["sales_channels"] == []  # archived, and on no channel
    keys = instance.get_dynamic_partitions("part_numbers")
    assert gone not in keys and deleted not in keys and kept in keys
    row = store.publishing().products([gone])[gone]
    assert row["status"] == "retired" and row["retired_at"] and not store.sync().rows([gone])
    assert rows_of(store, gone) == before  # every history row kept
    assert tick(instance, store, DAY + timedelta(hours=3)).run_requests == []  # its old file does not bring it back

    boeing_sandbox.admin(hour=epoch_hour(DAY) + 24, repriced=kept)  # and Boeing doubles `kept`'s price
    next_day = metadata(sync_hour(instance, resources, DAY + timedelta(days=1)))
    assert next_day["parts_due"] == 1 and next_day["boeing_calls"] == 1  # only `kept`
    assert next_day["parts_held"] == 1  # held for approval
    assert rows_of(store, gone)["sync_history"] == before["sync_history"]  # not synced

    with time_machine.travel(DAY + timedelta(days=1, hours=1), tick=True):
        glance = dg.materialize([catalogue_overview], instance=instance, resources=resources)
    figures = {k: v.value for k, v in glance.asset_materializations_for_node("catalogue_overview")[-1].metadata.items()}
    assert (figures["retired"], figures["published"], figures["prices_held"]) == (2, 1, 1)
    page = figures["catalogue"]
    assert "| shopify | retired | 2 |" in page and "![price distribution](data:image/svg+xml;base64," in page
    held = page.split("#### Prices held")[1].split("####")[0]
    assert kept in held and "price jump held" in held  # waiting on a person, with why

    # Dropped in again: the intake records its batch and adds its key (as inbox_sensor does), extraction stages it,
    # the publish stream takes it, and the same product comes back on sale with a sync slot.
    again = DAY + timedelta(days=1, hours=2)
    store.intake().record_batch("again.txt", "b" * 64, "publish", COUNTS, [gone])
    with time_machine.travel(again, tick=True):
        stage(instance, [gone], resources)
    assert instance.get_dynamic_partitions("part_numbers")[-1] == gone  # a new key, at the end
    requests = tick(instance, store, again + timedelta(minutes=1)).run_requests
    assert [
        (r.tags["dagster/asset_partition_range_start"], r.tags["dagster/asset_partition_range_end"]) for r in requests
    ] == [(gone, gone)]
    with time_machine.travel(again + timedelta(minutes=2), tick=True):
        assert publish(instance, [gone], resources).success
    row = store.publishing().products([gone])[gone]
    assert row["shopify_product_id"] == pid[gone] and row["status"] == "published" and row["retired_at"] is None
    with time_machine.travel(again + timedelta(minutes=3), tick=True):  # the shop's clock: after the publish date
        page = merchant_view(shopify_sandbox, pid[gone])
    assert page["status"] == "ACTIVE" and page["sales_channels"] == ["Online Store"]
    assert shopify_sandbox.stats()["products_per_part_number"][gone] == 1  # the same product, un-archived
    assert store.sync().rows([gone])[gone]["sync_status"] == "pending"  # a slot again
