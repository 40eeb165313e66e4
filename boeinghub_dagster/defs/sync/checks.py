"""`sync_hashes`' check: no active part goes unsynced for more than a day and two hours."""

from datetime import timedelta

import dagster as dg

from boeinghub_dagster.domain.clock import utcnow
from boeinghub_dagster.domain.reporting import markdown_table
from boeinghub_dagster.resources.store import StoreResource

STALE_HOURS = 26


@dg.asset_check(
    asset="sync_hashes",
    blocking=False,
    description=f"Every active part was synced within the last {STALE_HOURS} hours; names those that were not.",
)
def active_parts_synced_within_26_hours(store: StoreResource) -> dg.AssetCheckResult:
    stale = store.sync().stale_active(utcnow() - timedelta(hours=STALE_HOURS))
    rows = [
        {**r, "last_sync_at": r["last_sync_at"].isoformat(timespec="minutes") if r["last_sync_at"] else "never"}
        for r in stale
    ]
    return dg.AssetCheckResult(
        passed=not stale,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "stale_parts": len(stale),
            "stale_part_numbers": dg.MetadataValue.json([r["part_number"] for r in stale[:200]]),
            "stale": dg.MetadataValue.md(
                markdown_table(rows, ["part_number", "sku", "hour_bucket", "sync_status", "last_sync_at"], 50)
            ),
        },
    )
