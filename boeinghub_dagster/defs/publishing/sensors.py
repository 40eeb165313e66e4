"""`publish_intake_sensor`: parts dropped in `inbox/publish/` are published soon after each Boeing
batch of them is staged, not after the whole file is fetched (issue 8 item 7).

Every 15 s, when no run it started is still in flight, it requests `publish_job` runs over
the due parts (`resources/store/publish_intake.py`): contiguous slices of partition order (a
few per tick, MAX_PARTS_PER_PUBLISH in all) that pass over short gaps of quiet parts of
publish files (blocked, unstaged, published already: no call, and a stream run skips the
unstaged ones), so one run takes a file's due parts. Deferred parts
whose day has come ride along. One run at a time keeps the shop's bucket for one publisher
and every tick cheap; a run takes all that is due, so it keeps pace with extraction.
"""

import json

import dagster as dg

from boeinghub_dagster.defs.partitions import part_numbers
from boeinghub_dagster.defs.publishing.jobs import publish_job
from boeinghub_dagster.defs.publishing.steps.publisher import STREAM_TAG
from boeinghub_dagster.domain.intake_chunks import plan_chunks
from boeinghub_dagster.domain.run_queue import SHOPIFY_RUN_TAGS
from boeinghub_dagster.resources.settings import Limits
from boeinghub_dagster.resources.store import StoreResource
from boeinghub_dagster.resources.store.publish_intake import due_parts, stream_parts

SLICES_PER_TICK = 4  # ranges stop at other files' parts and at longer gaps: a few per tick
IN_FLIGHT = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


@dg.sensor(job=publish_job, minimum_interval_seconds=15, default_status=dg.DefaultSensorStatus.RUNNING)
def publish_intake_sensor(context: dg.SensorEvaluationContext, store: StoreResource) -> dg.SensorResult:
    """Publishes the staged parts of publish-target intake files (and deferred parts whose day came)."""
    running = context.instance.get_runs(
        filters=dg.RunsFilter(job_name=publish_job.name, tags={STREAM_TAG: "1"}, statuses=IN_FLIGHT), limit=1
    )
    if running:
        return dg.SensorResult(skip_reason=f"publish run {running[0].run_id} still in flight")
    limits = Limits.from_env()
    due = due_parts(store.engine(), limits.max_parts_per_publish * 4)
    if not due:
        return dg.SensorResult(skip_reason="no staged part waiting to be published")
    keys = context.instance.get_dynamic_partitions(part_numbers.name)
    order = {p: i for i, p in enumerate(keys)}
    slices = plan_chunks(stream_parts(store.engine(), due, keys), order, limits.max_parts_per_publish)
    if not slices:
        return dg.SensorResult(skip_reason=f"{len(due)} due parts are not registered as part_numbers partitions")
    requests, taken, count = [], 0, json.loads(context.cursor or "{}").get("runs", 0)
    for parts in slices[:SLICES_PER_TICK]:
        if taken and taken + len(parts) > limits.max_parts_per_publish:
            break
        count, taken = count + 1, taken + len(parts)
        requests.append(
            dg.RunRequest(
                run_key=f"publish-stream-{count}",
                tags={
                    **SHOPIFY_RUN_TAGS,
                    STREAM_TAG: "1",
                    "dagster/asset_partition_range_start": parts[0],
                    "dagster/asset_partition_range_end": parts[-1],
                },
            )
        )
    context.log.info(f"publishing {taken} parts in {len(requests)} runs ({len(due)} due)")
    return dg.SensorResult(run_requests=requests, cursor=json.dumps({"runs": count}))


catalogue_automation = dg.AutomationConditionSensorDefinition(
    "catalogue_automation",
    target=dg.AssetSelection.assets("catalogue_overview"),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=60,
    description="Keeps catalogue_overview fresh (every 15 minutes; its automation condition says when).",
)
