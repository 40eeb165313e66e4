"""A failed or canceled extraction run never leaves parts silently unasked.

With DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS a run plans its range in one event,
and Dagster then no longer marks that range's partitions failed when the run dies. These
sensors do the bookkeeping instead: every part of the run without an answer gets a
`part_failures` row with the run's error, findable by part number like any other failure.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import dagster as dg

from boeinghub_dagster.defs.extraction.steps.report import RAW
from boeinghub_dagster.defs.extraction.steps.staging import STAGE
from boeinghub_dagster.defs.partitions import part_numbers
from boeinghub_dagster.domain.clock import aware
from boeinghub_dagster.resources.store import StoreResource


def _run_parts(
    run: dg.DagsterRun, instance: dg.DagsterInstance, store: StoreResource, created: datetime
) -> tuple[list[str], datetime]:
    """The run's parts, and since when an answer counts as theirs (as the run itself reckons it)."""
    config = ((run.run_config or {}).get("ops", {}).get("extraction", {}) or {}).get("config", {}) or {}
    if config.get("intake_batch_id") and config.get("intake_chunk"):
        parts, asked = store.chunks().parts(config["intake_batch_id"], config["intake_chunk"])
        return parts, min(created, asked or created)
    if config.get("intake_batch_id"):
        return store.intake().parts(config["intake_batch_id"]), created
    start, end = run.tags.get("dagster/asset_partition_range_start"), run.tags.get("dagster/asset_partition_range_end")
    if start and end:
        with dg.partition_loading_context(dynamic_partitions_store=instance):
            keys = part_numbers.get_partition_keys_in_range(dg.PartitionKeyRange(start, end))
        return list(keys), created
    single = run.tags.get("dagster/partition")
    return ([single] if single else []), created


def _canceled_with_batch(run: dg.DagsterRun, store: StoreResource) -> bool:
    """The operator canceled the run's whole intake batch (`cancel_intake_batch`), not just this run."""
    batch_id = run.tags.get("boeinghub/intake-batch", "")
    batch = store.intake().find(int(batch_id)) if batch_id.isdigit() else None
    return bool(batch and batch["status"] == "canceled")


def record_unanswered(context: dg.RunStatusSensorContext, store: StoreResource, outcome: str) -> dg.SkipReason | None:
    run = context.dagster_run
    if run.job_name != "extraction_job" and RAW not in (run.asset_selection or ()):
        return dg.SkipReason(f"run {run.run_id} asks Boeing nothing")
    if _canceled_with_batch(run, store):
        store.requests().drop(run.run_id)
        return dg.SkipReason(
            f"run {run.run_id} {outcome} with its intake batch canceled: its unasked parts are no "
            "failures (the batch view counts them as left; resume_intake_batch asks for them)"
        )
    record = context.instance.get_run_record_by_id(run.run_id)
    parts, since = _run_parts(run, context.instance, store, aware(record.create_timestamp) - timedelta(hours=1))
    answered = store.extraction().latest_index(parts, since)
    unanswered = [p for p in parts if p not in answered]
    message = context.dagster_event.message if context.dagster_event and context.dagster_event.message else outcome
    reason = f"run {outcome}: {message}"[:2000]
    store.staging().record_failures(run.run_id, STAGE, [(p, reason) for p in unanswered])
    store.requests().drop(run.run_id)
    context.log.info(
        f"run {run.run_id} {outcome}: {len(unanswered)} of {len(parts)} parts had no answer; recorded in part_failures"
    )
    return None


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.FAILURE,
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=10,
    description="Records the unanswered parts of a failed extraction run.",
)
def extraction_failure_sensor(context: dg.RunStatusSensorContext, store: StoreResource):
    return record_unanswered(context, store, "failed")


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.CANCELED,
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=10,
    description="Records the unanswered parts of a canceled extraction run.",
)
def extraction_canceled_sensor(context: dg.RunStatusSensorContext, store: StoreResource):
    return record_unanswered(context, store, "canceled")
