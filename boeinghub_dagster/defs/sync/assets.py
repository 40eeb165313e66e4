"""`sync_hashes`: the hourly sync of one hour bucket (SPEC §8), one partition per UTC hour.

For the partition of hour H the run takes the due rows of the buckets `due_buckets` gives
for H (active bucket H; all filling buckets with the first of them), stalest first, at most
what Boeing's rate lets it fetch within one hour; the rest are deferred to their next slot
(nothing piles up into the next hour). The parts go through the shared Boeing queue ahead
of any extraction, are hashed, and only real changes reach Shopify. Every attempt lands in
`sync_history`; the run's counts are the materialization's metadata.
"""

from datetime import datetime, timedelta

import dagster as dg

from boeinghub_dagster.defs.partitions import sync_hours
from boeinghub_dagster.domain.clock import utcnow
from boeinghub_dagster.domain.reporting import markdown_table
from boeinghub_dagster.domain.slots import due_buckets
from boeinghub_dagster.resources.alerts import Alerts
from boeinghub_dagster.resources.boeing import BoeingResource
from boeinghub_dagster.resources.queue_guard import refuse_untagged
from boeinghub_dagster.resources.shopify import ShopifyResource
from boeinghub_dagster.resources.store import StoreResource

from .runner import resume_after_crash, run_sync
from .steps import SyncTally, hourly_capacity

STALE_HOURS = 26


class SyncConfig(dg.Config):
    bucket: int = -1
    """Hour bucket to sync; -1 (default) is the partition's hour. The SYNC_MODE=testing schedule sets it."""
    due_since: str = ""
    """ISO time: rows not synced since then are due; empty is the partition's start (SPEC §8)."""
    poll_seconds: float = 0.5
    plan_rate_per_min: float = 0.0
    """Boeing calls a minute the bucket is planned for (0: the Boeing resource's rate); benchmarks run the
    sandbox faster but plan at the real rate."""


def boeing_capacity(boeing: BoeingResource, plan_rate_per_min: float = 0.0) -> int:
    rate = plan_rate_per_min or boeing.rate_per_min or boeing.limits().boeing_rate_per_min
    return hourly_capacity(rate, boeing.effective_batch_size())


@dg.asset(
    partitions_def=sync_hours,
    group_name="sync",
    kinds={"python", "shopify"},
    deps=[dg.AssetDep("shopify_products", partition_mapping=dg.AllPartitionMapping())],
    description="Hourly re-check of one hour bucket's published parts: hash, and push only real changes to Shopify.",
)
def sync_hashes(context: dg.AssetExecutionContext, config: SyncConfig, boeing: BoeingResource, shopify: ShopifyResource,
                store: StoreResource) -> dg.MaterializeResult:
    refuse_untagged(context)
    hour_start = context.partition_time_window.start
    now = utcnow()
    answers_since = resume_after_crash(context, store, now)
    due_before = datetime.fromisoformat(config.due_since) if config.due_since else hour_start
    bucket = config.bucket if config.bucket >= 0 else hour_start.hour
    buckets = due_buckets(bucket, store.sync().bucket_counts(), boeing.effective_batch_size())
    cap = boeing_capacity(boeing, config.plan_rate_per_min)
    rows, due = store.sync().due(buckets, due_before, cap)
    tally = SyncTally(due=due, deferred=due - len(rows))
    extra = {"buckets": dg.MetadataValue.json(buckets), "capacity_per_hour": cap}
    metadata = run_sync(store, boeing, shopify, rows, now, hour_start, f"sync:{context.partition_key}", context.run_id,
                        tally, extra, config.poll_seconds, answers_since)
    finished = utcnow()
    metadata["finished_within_hour"] = finished - now <= timedelta(hours=1)
    Alerts.of(store).sync_overran(context.partition_key, finished - now, len(rows), tally.deferred, context.run_id)
    context.log.info(f"sync {context.partition_key} buckets {buckets}: {due} due, {len(rows)} taken, {tally.unchanged} unchanged, "
                     f"{tally.pushed} pushed, {len(tally.held)} held, {len(tally.failed)} failed, {tally.deferred} deferred")
    return dg.MaterializeResult(metadata=metadata)


@dg.asset_check(asset=sync_hashes, blocking=False,
                description=f"Every active part was synced within the last {STALE_HOURS} hours; names those that were not.")
def active_parts_synced_within_26_hours(store: StoreResource) -> dg.AssetCheckResult:
    stale = store.sync().stale_active(utcnow() - timedelta(hours=STALE_HOURS))
    rows = [{**r, "last_sync_at": r["last_sync_at"].isoformat(timespec="minutes") if r["last_sync_at"] else "never"}
            for r in stale]
    return dg.AssetCheckResult(
        passed=not stale, severity=dg.AssetCheckSeverity.WARN,
        metadata={"stale_parts": len(stale), "stale_part_numbers": dg.MetadataValue.json([r["part_number"] for r in stale[:200]]),
                  "stale": dg.MetadataValue.md(markdown_table(rows, ["part_number", "sku", "hour_bucket", "sync_status", "last_sync_at"], 50))},
    )
