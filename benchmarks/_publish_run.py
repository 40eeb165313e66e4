"""One timed in-process `shopify_products` run against the Shopify sandbox, what the publishing benchmark's
bucket and inflight shapes (`publishing.py`) measure: parts staged first, setup outside the clock."""

import json
import os
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from boeinghub_dagster.defs.extraction.assets import extraction
from boeinghub_dagster.defs.partitions import part_numbers
from boeinghub_dagster.defs.publishing.assets import publishing
from boeinghub_dagster.resources.boeing import BoeingResource
from boeinghub_dagster.resources.images import ProductImagesResource
from boeinghub_dagster.resources.settings import publications_from_env
from boeinghub_dagster.resources.shopify import ShopifyResource
from boeinghub_dagster.resources.shopify_setup import run_setup
from boeinghub_dagster.resources.storage import LocalStorage
from boeinghub_dagster.resources.store import StoreResource
from boeinghub_dagster_tests.support.publish_hub import SANDBOX_LOCATION_MAP, harness, start_files, start_shopify

BUCKET, RESTORE = 2000.0, 100.0  # the sandbox's defaults: Shopify's Standard plan
SHOPIFY_PRODUCTS = dg.AssetKey("shopify_products")
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}  # in-process runs: no event per part on stderr


@dg.asset(partitions_def=part_numbers, backfill_policy=dg.BackfillPolicy.single_run())
def trivial_floor(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"parts": len(context.partition_keys)})


def _range_tags(keys: list[str]) -> dict[str, str]:
    return {"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}


@dataclass
class PublishRun:
    parts: int
    meta: dict
    stats: dict
    started: float
    ended: float
    floor: float

    @property
    def wall(self) -> float:
        return self.ended - self.started

    @property
    def api(self) -> float:
        return self.stats["last_call_at"] - self.stats["first_call_at"]

    @property
    def minimum(self) -> float:
        return max(0.0, (self.stats["points_spent"] - BUCKET) / RESTORE)

    def efficiency(self) -> str:
        return f"{self.minimum / self.api:.3f}" if self.api > 0 else "-"


def publish_run(
    args, tmp: Path, stack: ExitStack, parts_count: int, latency_ms: float = 0.0, concurrency: int | None = None
) -> PublishRun:
    """Stage `parts_count` parts in-process, then time one `shopify_products` run over them against the sandbox
    (a process at its default bucket) answering every call `latency_ms` late."""
    rate = args.staging_rate
    boeing_sandbox = harness.start_sandbox(stack, tmp, rate, burst=5, log="bucket-boeing.log")
    shop = start_shopify(stack, tmp)  # default bucket: 2,000 points refilled at 100/s
    files_url = start_files(stack, tmp, tmp / "images")
    os.environ["SHOPIFY_LOCATION_MAP"] = json.dumps(SANDBOX_LOCATION_MAP)  # as scripts/hub sets it
    url = boeing_sandbox.url
    store = StoreResource(database_url=f"sqlite:///{tmp / 'bucket-store.db'}")
    boeing = BoeingResource(
        client_id="sandbox-client",
        client_secret="sandbox-secret",
        username="sandbox-user",
        password="sandbox-pass",
        oauth_token_url=f"{url}/oauth/token",
        pna_oauth_url=f"{url}/pna/oauth",
        pna_price_url=f"{url}/pna/price",
        store=store,
        rate_per_min=rate,
        batch_size=10,
    )
    shopify = ShopifyResource(shop_url=shop.url, access_token=shop.token, store=store, publish_concurrency=concurrency)
    images = ProductImagesResource(storage=LocalStorage(root=str(tmp / "images"), public_base_url=files_url))
    resources = {"store": store, "boeing": boeing, "shopify": shopify, "product_images": images}
    store.engine()
    (tmp / "bucket-home").mkdir()
    (tmp / "bucket-home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    instance = dg.DagsterInstance.from_config(str(tmp / "bucket-home"))
    parts = [f"BACB30BK{i}-{i % 9 + 2}" for i in range(parts_count)]
    instance.add_dynamic_partitions(part_numbers.name, parts)
    tags = _range_tags(parts)

    print(f"staging {len(parts)} parts at {rate:g} Boeing calls/min …", file=sys.stderr, flush=True)
    assert dg.materialize([extraction], instance=instance, resources=resources, tags=tags, run_config=QUIET).success
    client = shopify.client()
    try:  # setup once, outside the measured run (a publish would run it itself when it never ran)
        run_setup(client, store.publishing(), SANDBOX_LOCATION_MAP, publications_from_env())
    finally:
        client.close()
    time.sleep(BUCKET / RESTORE * 0.2)  # let the store's mirror of the bucket refill what setup spent
    shop.reset()  # zero the counters, refill the sandbox's bucket
    shop.admin(latency_ms=latency_ms)

    print(f"publishing at {latency_ms:g} ms a call …", file=sys.stderr, flush=True)
    started = time.time()
    result = dg.materialize(
        [extraction, publishing],
        instance=instance,
        resources=resources,
        tags=tags,
        selection=[SHOPIFY_PRODUCTS],
        run_config=QUIET,
    )
    ended = time.time()
    assert result.success
    stats = shop.stats()
    summary = next(
        e for e in result.get_asset_check_evaluations() if e.check_name == "shopify_products_cover_parts_asked"
    )
    meta = {k: v.value for k, v in summary.metadata.items()}
    floor_started = time.time()
    assert dg.materialize([trivial_floor], instance=instance, tags=tags, run_config=QUIET).success
    return PublishRun(len(parts), meta, stats, started, ended, time.time() - floor_started)
