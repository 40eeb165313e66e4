"""`intake_batch_report`: the batch view — per dropped file, what happened to its lines and parts."""

import dagster as dg

from boeinghub_dagster.domain.intake_chunks import duration_text, eta_minutes
from boeinghub_dagster.domain.reporting import markdown_table
from boeinghub_dagster.resources.settings import Limits
from boeinghub_dagster.resources.store import StoreResource

COLUMNS = [
    "id",
    "file_name",
    "status",
    "accepted",
    "answered",
    "staged",
    "failed",
    "left",
    "eta",
    "chunks",
    "failure_reasons",
    "lines",
    "rejected",
    "duplicates",
    "encoding",
    "reason",
    "run_id",
]


# Refresh after any extraction run, and every 5 minutes for files that started no run (rejected,
# duplicates). Not `eager()`: its "no parent partition missing" clause never holds under a
# dynamically partitioned parent whose failed parts stay unmaterialized.
REFRESH = (
    dg.AutomationCondition.any_deps_updated() | dg.AutomationCondition.cron_tick_passed("*/5 * * * *")
) & ~dg.AutomationCondition.in_progress()


@dg.asset(deps=["staged_products"], group_name="intake", kinds={"sql"}, automation_condition=REFRESH)
def intake_batch_report(store: StoreResource) -> dg.MaterializeResult:
    """The newest 50 intake batches: progress (answered, staged, failed, left of accepted), the time
    Boeing still needs at the configured rate, chunk runs by state, and what the file held."""
    limits = Limits.from_env()
    rows = store.intake().report(limit=50)
    for row in rows:
        row["run_id"] = (row["run_id"] or "")[:8]
        running = row["left"] and row["status"] not in ("rejected", "duplicate", "failed", "canceled")
        row["eta"] = (
            duration_text(eta_minutes(row["left"], limits.boeing_rate_per_min, limits.boeing_batch_size))
            if running
            else ""
        )
    return dg.MaterializeResult(
        metadata={
            "batches": dg.MetadataValue.md(markdown_table(rows, COLUMNS, limit=50)),
            "batches_shown": len(rows),
            "parts_staged": sum(r["staged"] for r in rows),
            "parts_failed": sum(r["failed"] for r in rows),
            "parts_left": sum(r["left"] for r in rows),
            "batches_failed": sum("failed" in r["status"] for r in rows),
            "files_rejected": sum(r["status"] == "rejected" for r in rows),
            "batches_canceled": sum(r["status"] == "canceled" for r in rows),
        }
    )
