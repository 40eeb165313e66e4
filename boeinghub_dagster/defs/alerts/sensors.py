"""Alerts for failed runs, and the digest of grouped alerts (resources/alerts.py sends them).

Failures come from Dagster's own `run_failure_sensor`, which sees every failed run of the code
location once, whoever launched it. Dagster's Slack integration (`dagster-slack`'s
`make_slack_on_run_failure_sensor`) was weighed: it posts through a Slack bot token and
`chat.postMessage`, not an incoming webhook; it speaks Slack only (Teams and plain JSON
receivers would need two more integrations, `dagster-msteams` taking its webhook URL as
resource config, where this hub keeps no secret); and it sends one message per failed run,
with no grouping shared across processes. So the detection is Dagster's and the delivery is
one small client for all three receivers, on httpx, which the hub already pins.
"""

from __future__ import annotations

import dagster as dg

from boeinghub_dagster.defs.partitions import part_numbers
from boeinghub_dagster.domain.alerts import subject_key
from boeinghub_dagster.resources.alerts import Alerts, run_link
from boeinghub_dagster.resources.store import StoreResource

OFF = "BOEINGHUB_ALERT_WEBHOOK_URL is not set: alerts are off"


def affected_parts(run: dg.DagsterRun, instance: dg.DagsterInstance, store: StoreResource) -> str:
    """What the failed run was about, in a few words: its intake chunk's parts, its partitions, its config's parts."""
    ops = (run.run_config or {}).get("ops", {}) or {}
    config = (ops.get("extraction", {}) or {}).get("config", {}) or {}
    if config.get("intake_batch_id") and config.get("intake_chunk"):
        parts, _ = store.chunks().parts(config["intake_batch_id"], config["intake_chunk"])
        chunk = run.tags.get("boeinghub/intake-chunk", str(config["intake_chunk"]))
        file_name = run.tags.get("boeinghub/intake-file", "")
        return f"{len(parts)} parts (batch {config['intake_batch_id']}, chunk {chunk}, {file_name})"
    start, end = run.tags.get("dagster/asset_partition_range_start"), run.tags.get("dagster/asset_partition_range_end")
    if start and end:
        try:
            with dg.partition_loading_context(dynamic_partitions_store=instance):
                keys = part_numbers.get_partition_keys_in_range(dg.PartitionKeyRange(start, end))
        except Exception:  # not part numbers (the sync's hours): name the range only
            keys = []
        return f"{len(keys)} parts, {start} … {end}" if keys else f"partitions {start} … {end}"
    if run.tags.get("dagster/partition"):
        return f"partition {run.tags['dagster/partition']}"
    listed = (
        [
            p
            for op in ops.values()
            for p in ((op or {}).get("config", {}) or {}).get("part_numbers", []) or []
            if isinstance(p, str)
        ]
        if all(isinstance(op, dict) for op in ops.values())
        else []
    )
    return f"{len(listed)} parts named in its config" if listed else "no parts named"


@dg.run_failure_sensor(
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=10,
    description="Posts one message per failed run (grouped per job) when alerts are on.",
)
def run_failure_alert(context: dg.RunFailureSensorContext, store: StoreResource):
    if not Alerts.enabled():
        return dg.SkipReason(OFF)
    run = context.dagster_run
    message = (context.failure_event.message or "failed").strip().splitlines()[0][:300]
    retry = " Dagster's run retries will run it again." if run.tags.get("dagster/will_retry") == "true" else ""
    parts = affected_parts(run, context.instance, store)
    text = f"{run.job_name} run {run.run_id[:8]} failed ({parts}): {message}.{retry}"
    Alerts.of(store, context.log).send(
        "run_failed",
        subject_key("run_failed", run.job_name),
        text,
        {"job": run.job_name, "parts": parts, "run": run_link(run.run_id)},
    )
    return None


@dg.sensor(
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=60,
    description="Sends the digest of alerts grouped within their window (how many more, and the latest).",
)
def alerts_digest_sensor(context: dg.SensorEvaluationContext, store: StoreResource):
    if not Alerts.enabled():
        return dg.SkipReason(OFF)
    sent = Alerts.of(store, context.log).flush()
    return dg.SkipReason(f"{sent} digest(s) sent" if sent else "no grouped alerts due")
