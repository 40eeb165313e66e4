"""`sync_hashes`: the hourly sync of one hour bucket (docs/behaviour.md §8), one partition per UTC hour; beside it
`sync_dashboard` (what the old `/sync/*` pages showed) and `sync_daily_report` (the 00:00 cleanup).

For the partition of hour H the run takes the due rows of the buckets `due_buckets` gives
for H (active bucket H; all filling buckets with the first of them), stalest first, at most
what Boeing's rate lets it fetch within one hour; the rest are deferred to their next slot
(nothing piles up into the next hour). The parts go through the shared Boeing queue ahead
of any extraction, are hashed, and only real changes reach Shopify. Every attempt lands in
`sync_history`; the run's counts are the materialization's metadata.

The daily report asset *is* the cleanup: materializing it resets parts stuck in `syncing`
longer than SYNC_STUCK_MINUTES, prunes history older than 30 days, and reports yesterday.
"""

from datetime import datetime, timedelta

import dagster as dg

from boeinghub_dagster.defs.partitions import sync_hours
from boeinghub_dagster.defs.sync.steps.dashboard import every, figures, markdown, yesterday
from boeinghub_dagster.defs.sync.steps.runner import resume_after_crash, run_sync
from boeinghub_dagster.defs.sync.steps.sync_rows import SyncTally, hourly_capacity
from boeinghub_dagster.domain.clock import utcnow
from boeinghub_dagster.domain.slots import due_buckets
from boeinghub_dagster.resources.alerts import Alerts
from boeinghub_dagster.resources.boeing import BoeingResource
from boeinghub_dagster.resources.queue_guard import refuse_untagged
from boeinghub_dagster.resources.shopify import ShopifyResource
from boeinghub_dagster.resources.store import StoreResource

HISTORY_DAYS = 30


class SyncConfig(dg.Config):
    bucket: int = -1
    """Hour bucket to sync; -1 (default) is the partition's hour. The SYNC_MODE=testing schedule sets it."""
    due_since: str = ""
    """ISO time: rows not synced since then are due; empty is the partition's start (docs/behaviour.md §8)."""
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
def sync_hashes(
    context: dg.AssetExecutionContext,
    config: SyncConfig,
    boeing: BoeingResource,
    shopify: ShopifyResource,
    store: StoreResource,
) -> dg.MaterializeResult:
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
    metadata = run_sync(
        store,
        boeing,
        shopify,
        rows,
        now,
        hour_start,
        f"sync:{context.partition_key}",
        context.run_id,
        tally,
        extra,
        config.poll_seconds,
        answers_since,
    )
    finished = utcnow()
    metadata["finished_within_hour"] = finished - now <= timedelta(hours=1)
    Alerts.of(store).sync_overran(context.partition_key, finished - now, len(rows), tally.deferred, context.run_id)
    context.log.info(
        f"sync {context.partition_key} buckets {buckets}: {due} due, {len(rows)} taken, {tally.unchanged} unchanged, "
        f"{tally.pushed} pushed, {len(tally.held)} held, {len(tally.failed)} failed, {tally.deferred} deferred"
    )
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(
    group_name="sync",
    kinds={"python"},
    deps=["sync_hashes"],
    description="Sync dashboard: slot distribution, status counts, last 24 h outcomes, failures, and a chart.",
)
def sync_dashboard(boeing: BoeingResource, store: StoreResource) -> dg.MaterializeResult:
    now, sync = utcnow(), store.sync()
    f = figures(
        sync.all_rows(),
        sync.history(now - timedelta(hours=24)),
        now,
        boeing_capacity(boeing) * 24,
        boeing.effective_batch_size(),
    )
    return dg.MaterializeResult(
        metadata={
            "dashboard": dg.MetadataValue.md(markdown(f, boeing.effective_batch_size())),
            "parts_scheduled": f["total"],
            "parts_active": f["active"],
            "parts_inactive": f["inactive"],
            "parts_failed": f["status"].get("failed", 0),
            "parts_with_3_failures": len(f["three_plus"]),
            "success_rate_pct_24h": f["success_rate"] if f["success_rate"] is not None else dg.MetadataValue.null(),
            "slot_efficiency_pct": f["slot_efficiency"],
            "effective_recheck": every(f["recheck_days"]),
            "parts_older_than_recheck": len(f["older"]),
        }
    )


@dg.asset(
    group_name="sync",
    kinds={"python"},
    deps=["sync_hashes"],
    description="Daily sync cleanup (stuck parts reset, history over 30 days pruned) and yesterday's report.",
)
def sync_daily_report(boeing: BoeingResource, store: StoreResource) -> dg.MaterializeResult:
    now, sync, limits = utcnow(), store.sync(), boeing.limits()
    reset = sync.reset_stuck(now - timedelta(minutes=limits.sync_stuck_minutes), now)
    pruned = sync.prune_history(now - timedelta(days=HISTORY_DAYS))
    start, end = yesterday(now)
    outcomes = sync.outcome_counts(start, end)
    rows = sync.all_rows()
    attempted = sum(outcomes.values())
    return dg.MaterializeResult(
        metadata={
            "day": start.date().isoformat(),
            "stuck_reset": len(reset),
            "stuck_parts": dg.MetadataValue.json(reset[:200]),
            "history_pruned": pruned,
            "outcomes": dg.MetadataValue.json(outcomes),
            "attempts": attempted,
            "success_rate_pct": round((attempted - outcomes.get("failed", 0)) / attempted * 100, 1)
            if attempted
            else dg.MetadataValue.null(),
            "parts_active": sum(1 for r in rows if r["is_active"]),
            "parts_inactive": sum(1 for r in rows if not r["is_active"]),
            "parts_failed": sum(1 for r in rows if r["sync_status"] == "failed"),
        }
    )
