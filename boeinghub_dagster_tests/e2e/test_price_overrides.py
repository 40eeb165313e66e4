"""Operator price overrides (issue 15 items 8, 9) against both sandboxes over HTTP: an override reaches the shop
at once, survives a sync while Boeing's price moves, and clearing it brings back cost × markup."""

from datetime import timedelta
from decimal import Decimal

import httpx
import pytest

from boeinghub_dagster.defs.operations.jobs import lookup_parts
from boeinghub_dagster.defs.publishing.jobs import set_price_overrides
from boeinghub_dagster.domain.pricing import shop_price
from boeinghub_dagster.domain.shopify_api import admin_product_url
from boeinghub_dagster.resources.store.price_history import PriceHistoryStore
from boeinghub_dagster_tests.support.sync import (
    UTC,
    base_cost_at,
    epoch_hour,
    fetched_parts,
    metadata,
    op_metadata,
    publish_parts,
    run_job,
    sync_hour,
)

DAY = __import__("datetime").datetime(2026, 12, 3, tzinfo=UTC)
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def overrides(instance, resources, at, entries, set_by="alice"):
    config = {"ops": {"set_overrides": {"config": {"overrides": entries, "set_by": set_by}}}}
    result = run_job(set_price_overrides, instance, resources, at, config, raise_on_error=False)
    return result, op_metadata(result, "set_overrides")


def shop_price_of(shopify_sandbox, product_id: str) -> Decimal:
    page = httpx.get(admin_product_url(shopify_sandbox.url, product_id), timeout=10).json()
    return Decimal(page["variants"][0]["price"])


def moved_hour(parts: list[str], at) -> int:
    """An epoch hour at which Boeing's cost of every part differs from its cost at `at`."""
    for offset in range(1, 48):
        hour = epoch_hour(at) + offset
        if all(base_cost_at(p, at + timedelta(hours=offset)) != base_cost_at(p, at) for p in parts):
            return hour
    raise AssertionError("no hour moves every price")


@SQLITE_ONLY
def test_an_override_reaches_the_shop_survives_a_sync_while_boeing_moves_and_clearing_brings_back_cost_times_markup(
    store, resources, shopify_sandbox, boeing_sandbox, instance
):
    fixed, marked = parts = fetched_parts(2, DAY)
    boeing_sandbox.admin(hour=epoch_hour(DAY))
    publish_parts(instance, parts, resources, DAY - timedelta(hours=2))
    rows = store.publishing().products(parts)
    pid = {p: rows[p]["shopify_product_id"] for p in parts}
    assert shop_price_of(shopify_sandbox, pid[fixed]) == shop_price(rows[fixed]["cost"], "1.1")

    result, meta = overrides(
        instance,
        resources,
        DAY - timedelta(hours=1),
        [
            {"part_number": f" {fixed.lower()} ", "price": 123.45},
            {"part_number": marked, "markup": 1.5},
            {"part_number": "BAD|PART", "price": 10},
            {"part_number": marked, "price": -3},
        ],
    )
    assert not result.success  # two entries refused, with their reasons; the good ones went through
    assert (meta["recorded"], meta["pushed"], meta["refused"], meta["set_by"]) == (2, 2, 2, "alice")
    assert "not allowed" in meta["overrides"] and "price must be above 0" in meta["overrides"]
    assert shop_price_of(shopify_sandbox, pid[fixed]) == Decimal("123.45")  # on the shop now, not at the next sync
    assert shop_price_of(shopify_sandbox, pid[marked]) == shop_price(rows[marked]["cost"], "1.5")

    moved = moved_hour(parts, DAY)
    boeing_sandbox.admin(hour=moved)  # Boeing's prices move before the parts' next sync
    synced = metadata(sync_hour(instance, resources, DAY))
    assert (synced["parts_due"], synced["parts_pushed"], synced["parts_held"], synced["parts_failed"]) == (2, 2, 0, 0)
    now = store.publishing().products(parts)
    new_cost = {p: Decimal(str(base_cost_at(p, DAY + timedelta(hours=moved - epoch_hour(DAY))))) for p in parts}
    assert now[fixed]["cost"] == new_cost[fixed] != rows[fixed]["cost"]  # Boeing moved, the sync took its cost
    assert shop_price_of(shopify_sandbox, pid[fixed]) == Decimal("123.45")  # the operator's price survived
    assert shop_price_of(shopify_sandbox, pid[marked]) == shop_price(new_cost[marked], "1.5")  # cost × their markup

    result, meta = overrides(
        instance, resources, DAY + timedelta(hours=1), [{"part_number": fixed, "clear": True}], set_by="bob"
    )
    assert result.success and meta["pushed"] == 1
    assert shop_price_of(shopify_sandbox, pid[fixed]) == shop_price(new_cost[fixed], "1.1")  # cost × markup again
    assert store.publishing().products([fixed])[fixed]["price"] == shop_price(new_cost[fixed], "1.1")

    history = PriceHistoryStore(store.engine()).last([fixed])[fixed]  # every change kept, in order, with its source
    assert [h["source"] for h in history] == ["publish", "override", "sync", "override"]
    assert [h["new_price"] for h in history[1:]] == [
        Decimal("123.45"),
        Decimal("123.45"),
        shop_price(new_cost[fixed], "1.1"),
    ]

    config = {"ops": {"look_up_parts": {"config": {"text": f"{fixed}\n{marked}"}}}}
    table = op_metadata(run_job(lookup_parts, instance, resources, DAY + timedelta(hours=2), config), "look_up_parts")
    lines = {line.split(" | ")[0].strip("| "): line for line in table["parts"].splitlines()}
    assert "none (cleared by bob, 2026-12-03 01:00)" in lines[fixed]
    assert "markup × 1.5 by alice, 2026-12-02 23:00" in lines[marked]
    assert "$123.45→" in lines[fixed] and "(override, 2026-12-03 01:00)" in lines[fixed]
