"""`sync_dashboard` (what the old `/sync/*` pages showed) and `sync_daily_report` (the 00:00 cleanup).

The daily report asset *is* the cleanup: materializing it resets parts stuck in `syncing`
longer than SYNC_STUCK_MINUTES, prunes history older than 30 days, and reports yesterday.
"""

from datetime import timedelta

import dagster as dg

from boeinghub_dagster.domain.clock import utcnow
from boeinghub_dagster.resources.boeing import BoeingResource
from boeinghub_dagster.resources.store import StoreResource

from .assets import boeing_capacity
from .dashboard import every, figures, markdown
from .jobs import yesterday

HISTORY_DAYS = 30


@dg.asset(group_name="sync", kinds={"python"}, deps=["sync_hashes"],
          description="Sync dashboard: slot distribution, status counts, last 24 h outcomes, failures, and a chart.")
def sync_dashboard(boeing: BoeingResource, store: StoreResource) -> dg.MaterializeResult:
    now, sync = utcnow(), store.sync()
    f = figures(sync.all_rows(), sync.history(now - timedelta(hours=24)), now, boeing_capacity(boeing) * 24,
                boeing.effective_batch_size())
    return dg.MaterializeResult(metadata={
        "dashboard": dg.MetadataValue.md(markdown(f, boeing.effective_batch_size())),
        "parts_scheduled": f["total"], "parts_active": f["active"], "parts_inactive": f["inactive"],
        "parts_failed": f["status"].get("failed", 0), "parts_with_3_failures": len(f["three_plus"]),
        "success_rate_pct_24h": f["success_rate"] if f["success_rate"] is not None else dg.MetadataValue.null(),
        "slot_efficiency_pct": f["slot_efficiency"], "effective_recheck": every(f["recheck_days"]),
        "parts_older_than_recheck": len(f["older"]),
    })


@dg.asset(group_name="sync", kinds={"python"}, deps=["sync_hashes"],
          description="Daily sync cleanup (stuck parts reset, history over 30 days pruned) and yesterday's report.")
def sync_daily_report(boeing: BoeingResource, store: StoreResource) -> dg.MaterializeResult:
    now, sync, limits = utcnow(), store.sync(), boeing.limits()
    reset = sync.reset_stuck(now - timedelta(minutes=limits.sync_stuck_minutes), now)
    pruned = sync.prune_history(now - timedelta(days=HISTORY_DAYS))
    start, end = yesterday(now)
    outcomes = sync.outcome_counts(start, end)
    rows = sync.all_rows()
    attempted = sum(outcomes.values())
    return dg.MaterializeResult(metadata={
        "day": start.date().isoformat(), "stuck_reset": len(reset), "stuck_parts": dg.MetadataValue.json(reset[:200]),
        "history_pruned": pruned, "outcomes": dg.MetadataValue.json(outcomes), "attempts": attempted,
        "success_rate_pct": round((attempted - outcomes.get("failed", 0)) / attempted * 100, 1) if attempted else dg.MetadataValue.null(),
        "parts_active": sum(1 for r in rows if r["is_active"]), "parts_inactive": sum(1 for r in rows if not r["is_active"]),
        "parts_failed": sum(1 for r in rows if r["sync_status"] == "failed"),
    })


sync_cleanup_job = dg.define_asset_job("sync_cleanup_job", selection=dg.AssetSelection.assets("sync_daily_report"),
                                       description="Daily sync cleanup and report (00:00 UTC).")
sync_dashboard_job = dg.define_asset_job("sync_dashboard_job", selection=dg.AssetSelection.assets("sync_dashboard"),
                                         description="Refresh the sync dashboard.")
