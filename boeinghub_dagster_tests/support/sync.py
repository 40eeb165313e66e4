"""Sync helpers for tests: publish parts through the publishing pipeline, run sync partitions, read outcomes."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import UTC, datetime, timedelta

import dagster as dg
import time_machine

from boeinghub_dagster.defs.sync.assets import sync_daily_report, sync_dashboard, sync_hashes
from boeinghub_dagster.defs.sync.checks import active_parts_synced_within_26_hours
from boeinghub_dagster.defs.sync.jobs import reactivate_parts, retry_failed_parts_job, sync_part_now
from boeinghub_dagster.sandbox.catalogue import item_for
from boeinghub_dagster_tests.support.expected import expected_staging
from boeinghub_dagster_tests.support.publishing import publish, stage

SYNC_ASSETS = [sync_hashes, active_parts_synced_within_26_hours]


def epoch_hour(at: datetime) -> int:
    return int(at.timestamp() // 3600)


def fetched_parts(n: int, at: datetime, prefix: str = "SYNC") -> list[str]:
    """`n` part numbers the sandbox answers with a price and stock at `at` (so all of them publish)."""
    out, i = [], 0
    while len(out) < n:
        batch = [f"{prefix}{i + j:05d}-{(i + j) % 7 + 2}" for j in range(50)]
        out += [p for p, s in expected_staging(batch, epoch_hour(at)).items() if s == "fetched"]
        i += 50
    return out[:n]


def publish_parts(instance, parts: list[str], resources: dict, at: datetime | None) -> None:
    """Stage and publish `parts` with the clock at `at` (None: the real clock); schedule rows get slots in order."""
    with time_machine.travel(at, tick=True) if at else nullcontext():
        stage(instance, parts, resources)
        assert publish(instance, parts, resources).success


def hour_key(at: datetime) -> str:
    return at.strftime("%Y-%m-%d-%H:00")


def sync_hour(instance, resources: dict, hour_start: datetime, minute: int | None = 45, **config):
    """Materialize `sync_hashes` for the hour starting at `hour_start`, the clock at `minute` (None: the real clock)."""
    run_config = {"ops": {"sync_hashes": {"config": {"poll_seconds": 0.05, **config}}}}
    if minute is None:
        return dg.materialize(
            SYNC_ASSETS,
            instance=instance,
            resources=resources,
            partition_key=hour_key(hour_start),
            run_config=run_config,
        )
    with time_machine.travel(hour_start + timedelta(minutes=minute), tick=True):
        return dg.materialize(
            SYNC_ASSETS,
            instance=instance,
            resources=resources,
            partition_key=hour_key(hour_start),
            run_config=run_config,
        )


def metadata(result, key: str = "sync_hashes") -> dict:
    mats = result.asset_materializations_for_node(key)
    return {k: v.value for k, v in mats[-1].metadata.items()}


def op_metadata(result, op: str) -> dict:
    """The op's output metadata, or the metadata its `dg.Failure` carried."""
    for event in result.events_for_node(op):
        if event.event_type_value == "STEP_OUTPUT":
            return {k: v.value for k, v in event.step_output_data.metadata.items()}
        if event.event_type_value == "STEP_FAILURE" and event.step_failure_data.user_failure_data:
            return {k: v.value for k, v in event.step_failure_data.user_failure_data.metadata.items()}
    return {}


def run_job(job, instance, resources: dict, at: datetime, run_config: dict | None = None, raise_on_error: bool = True):
    with time_machine.travel(at, tick=True):
        return job.execute_in_process(
            instance=instance, resources=resources, run_config=run_config, raise_on_error=raise_on_error
        )


def retry(instance, resources, at):
    return run_job(retry_failed_parts_job, instance, resources, at)


def reactivate(instance, resources, at, parts):
    return run_job(
        reactivate_parts, instance, resources, at, {"ops": {"reactivate_selected": {"config": {"part_numbers": parts}}}}
    )


def sync_now(instance, resources, at, part, raise_on_error=True):
    return run_job(
        sync_part_now,
        instance,
        resources,
        at,
        {"ops": {"sync_one_part": {"config": {"part_number": part}}}},
        raise_on_error,
    )


def report(instance, resources, at, asset=sync_daily_report):
    with time_machine.travel(at, tick=True):
        return dg.materialize([asset], instance=instance, resources=resources, selection=[asset.key])


def dashboard(instance, resources, at):
    return report(instance, resources, at, sync_dashboard)


def base_cost_at(part: str, at: datetime):
    item = item_for(part, epoch_hour(at))
    return item["listPrice"] or item["netPrice"]


UTC = UTC
