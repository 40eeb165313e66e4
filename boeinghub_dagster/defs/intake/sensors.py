"""`inbox_sensor`: dropped part-number files become intake batches and extraction runs."""

import json

import dagster as dg

from boeinghub_dagster.defs.extraction.jobs import BOEING_RUN_TAGS, extraction_job
from boeinghub_dagster.defs.partitions import part_numbers
from boeinghub_dagster.resources.inbox import InboxResource
from boeinghub_dagster.resources.settings import Limits
from boeinghub_dagster.resources.store import StoreResource

from .steps import BatchRun, KnownPartitions, scan_inbox

PARTITION_CHUNK = 500  # SQLite's variable limit: add keys in chunks (dagster #16260)


def _run_for_key(instance: dg.DagsterInstance):
    def lookup(run_key: str) -> str | None:
        runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/run_key": run_key}), limit=1)
        return runs[0].run_id if runs else None

    return lookup


def _run_request(run: BatchRun, order: dict[str, int]) -> dg.RunRequest:
    """One run over exactly the batch's parts; its partition range spans them in partition order."""
    ordered = sorted(run.parts, key=order.__getitem__)
    batch = run.batch
    return dg.RunRequest(
        run_key=batch["run_key"],
        run_config={"ops": {"extraction": {"config": {"intake_batch_id": batch["id"]}}}},
        tags={
            **BOEING_RUN_TAGS,
            "boeinghub/intake-batch": str(batch["id"]),
            "boeinghub/intake-file": batch["file_name"][:200],
            "boeinghub/intake-target": batch["target"],
            "dagster/asset_partition_range_start": ordered[0],
            "dagster/asset_partition_range_end": ordered[-1],
        },
    )


@dg.sensor(job=extraction_job, minimum_interval_seconds=15, default_status=dg.DefaultSensorStatus.RUNNING)
def inbox_sensor(context: dg.SensorEvaluationContext, inbox: InboxResource, store: StoreResource) -> dg.SensorResult:
    """Watches BOEINGHUB_INBOX (and its publish/ folder) for part-number files."""
    cursor = json.loads(context.cursor) if context.cursor else {}
    known = KnownPartitions(lambda: context.instance.get_dynamic_partitions(part_numbers.name))
    plan = scan_inbox(
        inbox, store.intake(), known, cursor.get("waiting", {}), _run_for_key(context.instance), Limits.from_env().max_parts_per_file
    )
    for message in plan.messages:
        context.log.info(message)
    order = {p: i for i, p in enumerate(known.ordered())} if plan.runs else {}
    runs = [_run_request(r, order) for r in plan.runs if r.parts]
    adds = [
        part_numbers.build_add_request(plan.new_partitions[i : i + PARTITION_CHUNK])
        for i in range(0, len(plan.new_partitions), PARTITION_CHUNK)
    ]
    skip = None if runs else ("; ".join(plan.messages) or "inbox is empty")
    return dg.SensorResult(
        run_requests=runs, dynamic_partitions_requests=adds, skip_reason=skip, cursor=json.dumps({"waiting": plan.waiting})
    )
