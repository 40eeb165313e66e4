"""`inbox_sensor`: dropped part-number files become intake batches, cut into exact chunk runs; and
`intake_report_automation`, which keeps the batch view fresh."""

import json

import dagster as dg

from boeinghub_dagster.defs.intake.steps.inbox import KnownPartitions, scan_inbox
from boeinghub_dagster.defs.intake.steps.runs import RunSeen, chunk_runs, plan_batches
from boeinghub_dagster.defs.partitions import part_numbers
from boeinghub_dagster.resources.inbox import Inbox
from boeinghub_dagster.resources.settings import Limits
from boeinghub_dagster.resources.store import StoreResource

PARTITION_CHUNK = 500  # SQLite's variable limit: add keys in chunks (dagster #16260)


def _run_for_key(instance: dg.DagsterInstance):
    def lookup(run_key: str) -> RunSeen | None:
        runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/run_key": run_key}), limit=1)
        return RunSeen(runs[0].run_id, runs[0].status, runs[0].is_complete_and_waiting_to_retry) if runs else None

    return lookup


@dg.sensor(job_name="extraction_job", minimum_interval_seconds=5, default_status=dg.DefaultSensorStatus.RUNNING)
def inbox_sensor(context: dg.SensorEvaluationContext, inbox: Inbox, store: StoreResource) -> dg.SensorResult:
    """Watches BOEINGHUB_INBOX (a folder or s3:// prefix, and its publish/) for part-number files, and keeps each
    batch's chunk runs going (a few at a time, failed ones asked again)."""
    cursor = json.loads(context.cursor) if context.cursor else {}
    limits = Limits.from_env()
    known = KnownPartitions(lambda: context.instance.get_dynamic_partitions(part_numbers.name))
    lookup = _run_for_key(context.instance)
    plan = scan_inbox(inbox, store.intake(), known, cursor.get("waiting", {}), lookup, limits.max_parts_per_file)
    if plan.runs:
        order = {p: i for i, p in enumerate(known.ordered())}
        plan.messages += plan_batches(plan.runs, order, store, limits, limits.intake_chunk_parts)
    runs, followed = chunk_runs(
        store, lookup, lambda parts: plan.new_partitions.extend(known.add_new(parts)), limits.boeing_batch_size
    )
    plan.messages += followed
    for message in plan.messages:
        context.log.info(message)
    register(context.instance, plan.new_partitions)
    skip = None if runs else ("; ".join(plan.messages) or "inbox is empty")
    return dg.SensorResult(run_requests=runs, skip_reason=skip, cursor=json.dumps({"waiting": plan.waiting}))


def register(instance: dg.DagsterInstance, keys: list[str]) -> None:
    """Add new part partitions in bulk, in order, before this tick's runs are created.

    Not through `SensorResult(dynamic_partitions_requests=…)`: the daemon checks those one key
    at a time (a query per key, ~75 s for 50,000) and logs every key; one bulk insert per
    PARTITION_CHUNK keys takes ~25 ms. Adding is idempotent, so a lost tick costs nothing."""
    for i in range(0, len(keys), PARTITION_CHUNK):
        instance.add_dynamic_partitions(part_numbers.name, keys[i : i + PARTITION_CHUNK])


intake_report_automation = dg.AutomationConditionSensorDefinition(
    "intake_report_automation",
    target=dg.AssetSelection.assets("intake_batch_report"),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Keeps the batch view fresh (its automation condition says when).",
)
