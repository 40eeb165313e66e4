"""Execute the runs an inbox tick requested, in-process, as the daemon would launch them."""

from __future__ import annotations

import dagster as dg
from dagster._core.events import DagsterEventType


def execute_requests(defs: dg.Definitions, instance: dg.DagsterInstance, requests, raise_on_error: bool = True) -> list:
    """One run per request whose run key has no run yet (the daemon's rule); returns the results."""
    job = defs.resolve_job_def("extraction_job")
    results = []
    for request in requests:
        key = {"dagster/run_key": request.run_key}
        if instance.get_runs(filters=dg.RunsFilter(tags=key), limit=1):
            continue
        results.append(
            job.execute_in_process(
                run_config=request.run_config,
                tags={**request.tags, **key},
                instance=instance,
                raise_on_error=raise_on_error,
            )
        )
    return results


def planned_partitions(instance: dg.DagsterInstance, run_id: str) -> dict[str, list[str]]:
    """asset key -> the partitions the run's ASSET_MATERIALIZATION_PLANNED events name (the UI's in-progress view)."""
    out: dict[str, list[str]] = {}
    for record in instance.get_records_for_run(run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION_PLANNED).records:
        data = record.event_log_entry.dagster_event.asset_materialization_planned_data
        keys = (
            list(data.partitions_subset.get_partition_keys())
            if data.partitions_subset is not None
            else [data.partition]
        )
        out.setdefault(data.asset_key.to_user_string(), []).extend(keys)
    return out


def report_row(table: str, file_name: str, columns: list[str]) -> dict[str, str]:
    """One batch-view row, by column name."""
    row = next(line for line in table.splitlines() if f"| {file_name} |" in line)
    return dict(zip(columns, [c.strip() for c in row.strip().strip("|").split("|")], strict=False))
