"""Real crashes (issue 14, item 6): the run worker SIGKILLed at three named points through the live hub
(`dagster dev`, its daemon, run retries from dagster.yaml), by the fault switch in `resources/faults.py`
armed in the hub's environment. Each fault fires once (a marker file), so the retry gets through.

One publish-target file of 24 parts the Boeing sandbox answers goes through the hub:
1. extraction: killed holding the dispatch lease, right after claiming its second 10-part batch;
2. publishing: killed after Shopify's second answer, before any products row is written;
3. then `sync_part_now` on one part: killed after its price went to Shopify, before its stock did.
Each ends, after Dagster's run retry, with one product per part, no lost update (the sync's values are
on the shop) and no part asked twice (the Boeing sandbox counts requests per part code).
"""

from __future__ import annotations

from contextlib import ExitStack
from decimal import Decimal

import dagster as dg
import pytest

from boeinghub_dagster.domain.clock import utcnow
from boeinghub_dagster.domain.pricing import shop_price
from boeinghub_dagster.sandbox.catalogue import current_hour
from boeinghub_dagster_tests.support.expected import expected_staging, part_list
from boeinghub_dagster_tests.support.live_hub import start_live_hub
from boeinghub_dagster_tests.support.publishing import shop_stock
from boeinghub_dagster_tests.support.waiting import wait_until

pytestmark = pytest.mark.slow

PARTS = [p for p in part_list(60, "CRASH") if expected_staging([p]).get(p) == "fetched"][:24]
FILE = "crash.txt"
KILL_AT = "extraction.dispatch_claimed:2,publish.after_answer:2,sync.mid_push:1"
PARENT = "dagster/parent_run_id"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crashes")
    (tmp / "faults").mkdir()
    env = {"BOEINGHUB_FAULTS": "1", "BOEINGHUB_FAULT_DIR": str(tmp / "faults"), "BOEINGHUB_FAULT_KILL_AT": KILL_AT}
    with ExitStack() as stack:
        live = start_live_hub(stack, tmp, boeing_rate=600, env=env)
        live.faults = tmp / "faults"
        live.drop(FILE, PARTS, folder="publish")
        yield live


def _runs(hub, job: str) -> list[dg.DagsterRun]:
    records = hub.instance.get_run_records(filters=dg.RunsFilter(job_name=job))
    return [r.dagster_run for r in sorted(records, key=lambda r: r.create_timestamp)]


def _killed_and_retried(hub, job: str, marker: str, timeout: float = 300) -> tuple[dg.DagsterRun, dg.DagsterRun]:
    """The run the fault killed (FAILURE) and its retry (SUCCESS), once both are done."""
    wait_until(lambda: (hub.faults / marker).exists(), timeout, f"the fault {marker} to fire", every=0.5)

    def pair():
        runs = _runs(hub, job)
        killed = [r for r in runs if r.status == dg.DagsterRunStatus.FAILURE and not r.tags.get(PARENT)]
        retry = [r for r in runs if killed and r.tags.get(PARENT) == killed[0].run_id and r.is_finished]
        return (killed[0], retry[0]) if retry else None

    killed, retry = wait_until(pair, timeout, f"the killed {job} run and its retry to end", every=1)
    assert retry.status == dg.DagsterRunStatus.SUCCESS, retry.run_id
    assert retry.tags["dagster/retry_number"] == "1"  # Dagster's run retries: a dead worker, not a failed step
    return killed, retry


def test_a_dispatcher_killed_holding_the_lease(hub):
    killed, retry = _killed_and_retried(hub, "extraction_job", "kill.extraction.dispatch_claimed")
    assert killed.tags["boeinghub/intake-file"] == f"publish/{FILE}" == retry.tags["boeinghub/intake-file"]
    staged = wait_until(lambda: len(hub.store.staging().rows(PARTS)) == len(PARTS), 120, "every part staged")
    assert staged and {r["status"] for r in hub.store.staging().rows(PARTS)} == {"fetched"}
    stats = hub.boeing.stats()
    print(
        f"\ndispatch kill: runs {killed.run_id[:8]} (killed) -> {retry.run_id[:8]}; Boeing {stats['price_calls']} "
        f"calls, {stats['codes_requested']} codes, {stats['codes_distinct']} distinct, "
        f"repeated {stats['codes_repeated']}"
    )
    assert stats["codes_repeated"] == {} and stats["codes_requested"] == stats["codes_distinct"] == len(PARTS)
    assert stats["status_counts"] == {"200": len(PARTS) // 10 + 1}  # 3 calls: the claimed batch was asked once


def test_a_publish_killed_between_shopify_and_the_write(hub):
    killed, retry = _killed_and_retried(hub, "publish_job", "kill.publish.after_answer")
    products = wait_until(lambda: _all_published(hub), 300, "one product per part")
    assert products == {p: 1 for p in PARTS}  # the lost answers were upserts by part number: no duplicate
    rows = hub.store.publishing().products(PARTS)
    assert sorted(rows) == sorted(PARTS) and hub.store.publishing().pending() == []
    print(
        f"\npublish kill: runs {killed.run_id[:8]} (killed) -> {retry.run_id[:8]}; products {len(products)}, "
        f"each once; pending reconciliations 0"
    )


def _all_published(hub) -> dict | None:
    products = {p: n for p, n in hub.shopify.stats()["products_per_part_number"].items() if p in PARTS}
    written = hub.store.publishing().products(PARTS)
    return products if len(products) == len(PARTS) == len(written) else None


def test_a_sync_killed_mid_push(hub):
    wait_until(lambda: _all_published(hub), 300, "the file's parts to be published")
    part = PARTS[0]
    before = hub.boeing.stats()["codes_repeated"]
    hub.boeing.admin(hour=current_hour() + 5)  # Boeing's prices and stock move: the sync has changes to push
    started = utcnow()
    run_id = hub.launch_job("sync_part_now", {"ops": {"sync_one_part": {"config": {"part_number": part}}}})
    killed, retry = _killed_and_retried(hub, "sync_part_now", "kill.sync.mid_push")
    assert killed.run_id == run_id

    row = hub.store.sync().rows([part])[part]
    history = hub.store.sync().history(started)
    assert row["sync_status"] == "success" and row["last_hash"] and [h["outcome"] for h in history] == ["changed"]
    product = hub.store.publishing().products([part])[part]
    shop = _client(hub).product_snapshot(product["shopify_product_id"])
    price = Decimal(shop["variants"]["nodes"][0]["price"])
    assert price == shop_price(row["last_price"], "1.1") == product["price"]  # the retry's price is the shop's
    assert sum(shop_stock(shop).values()) == row["last_quantity"] == product["quantity"]  # and so is its stock
    asked = hub.boeing.stats()["codes_repeated"]
    print(
        f"\nsync kill: runs {killed.run_id[:8]} (killed) -> {retry.run_id[:8]}; shop price {price}, stock "
        f"{row['last_quantity']}; Boeing requests for {part}: {asked.get(part)}"
    )
    assert asked == {**before, part: 2}  # extraction once, the sync once: its retry reused the killed run's answer


def _client(hub):
    from boeinghub_dagster.resources.shopify import ShopifyResource

    return ShopifyResource(
        shop_url=hub.shopify.url, access_token=hub.credentials["shopify_token"], store=hub.store
    ).client()
