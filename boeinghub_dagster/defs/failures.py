"""How a failed part stays visible in a single-run backfill.

Dagster cannot mark one partition of a single-run range failed (dagster #17836),
so each failed part gets an `AssetObservation` on its own partition (the
partition page shows the reason), the materialization carries a failures table,
a WARN check fails, and `part_failures` keeps the row, findable by part number.
"""

from __future__ import annotations

import dagster as dg

from boeinghub_dagster.domain.reporting import markdown_table, reason_counts


def failed_part_observations(context: dg.AssetExecutionContext, failures: list[tuple[str, str]]) -> None:
    for part, reason in failures:
        context.log_event(
            dg.AssetObservation(
                asset_key=context.asset_key,
                partition=part,
                metadata={"status": "failed", "reason": reason, "run_id": context.run_id},
            )
        )


def failure_metadata(failures: list[tuple[str, str]], stage: str) -> dict:
    rows = [{"part_number": p, "stage": stage, "reason": r} for p, r in failures]
    return {
        "failure_reasons": dg.MetadataValue.json(reason_counts(r for _, r in failures)),
        "failures": dg.MetadataValue.md(markdown_table(rows, ["part_number", "stage", "reason"], limit=50)),
    }
