"""Sync schedules, all UTC: the hourly sync, the 4-hourly retry, the daily cleanup, the dashboard.

All are returned by `sync_schedules` (the loader takes a module with a `@definitions` function whole).

Catch-up: every schedule here is a plain `@schedule` (no partition set), so after the daemon
was down Dagster evaluates only the most recent missed tick (dagster `_scheduler/scheduler.py`:
"no partition set, so not trying to catch up"): a missed hour is caught up once, not N times.
Each request's `run_key` is its tick (or partition), so a tick evaluated twice starts one run.

`SYNC_MODE` is read when the code location loads (not at import): `testing` makes the hourly
schedule fire every 10 minutes. Tick n of the day (n = hour × 6 + minute ÷ 10) syncs bucket
n mod 24 in the current hour's partition, rows not synced since the tick being due: the 24
buckets cycle every 4 hours.
"""

from datetime import datetime

import dagster as dg

from boeinghub_dagster.defs.partitions import sync_hours
from boeinghub_dagster.defs.sync.jobs import (
    hourly_sync_job,
    retry_failed_parts_job,
    sync_cleanup_job,
    sync_dashboard_job,
)
from boeinghub_dagster.resources.settings import Limits

HOURLY_CRON, TESTING_CRON = "45 * * * *", "*/10 * * * *"


def hour_key(at: datetime) -> str:
    return sync_hours.get_partition_key_for_timestamp(at.timestamp())


def bucket_for_tick(at: datetime) -> int:
    return (at.hour * 6 + at.minute // 10) % 24


def hourly_request(at: datetime, testing: bool) -> dg.RunRequest:
    """The run a tick at `at` starts: the partition of its hour; in testing mode a bucket of its own."""
    key = hour_key(at)
    if not testing:
        return dg.RunRequest(run_key=key, partition_key=key)
    ops = {"sync_hashes": {"config": {"bucket": bucket_for_tick(at), "due_since": at.isoformat()}}}
    return dg.RunRequest(run_key=f"{key}:{at.minute:02d}", partition_key=key, run_config={"ops": ops})


def build_hourly_schedule(testing: bool) -> dg.ScheduleDefinition:
    @dg.schedule(
        name="hourly_sync_job_schedule",
        job=hourly_sync_job,
        cron_schedule=TESTING_CRON if testing else HOURLY_CRON,
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Sync the hour's bucket at minute 45 (SYNC_MODE=testing: every 10 minutes, buckets cycling).",
    )
    def hourly_sync_job_schedule(context: dg.ScheduleEvaluationContext):
        return hourly_request(context.scheduled_execution_time, testing)

    return hourly_sync_job_schedule


@dg.schedule(
    job=retry_failed_parts_job,
    cron_schedule="15 */4 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Retry failed parts every 4 hours at minute 15.",
)
def retry_failed_parts_job_schedule(context: dg.ScheduleEvaluationContext):
    return dg.RunRequest(run_key=context.scheduled_execution_time.isoformat())


@dg.schedule(
    job=sync_cleanup_job,
    cron_schedule="0 0 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Daily cleanup at 00:00: stuck parts reset, history over 30 days pruned, the day's report.",
)
def sync_cleanup_job_schedule(context: dg.ScheduleEvaluationContext):
    return dg.RunRequest(run_key=context.scheduled_execution_time.isoformat())


@dg.schedule(
    job=sync_dashboard_job,
    cron_schedule="55 * * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Refresh the sync dashboard after each hour's sync.",
)
def sync_dashboard_job_schedule(context: dg.ScheduleEvaluationContext):
    return dg.RunRequest(run_key=context.scheduled_execution_time.isoformat())


@dg.definitions
def sync_schedules() -> dg.Definitions:
    testing = Limits.from_env().sync_mode.strip().lower() == "testing"
    return dg.Definitions(
        schedules=[
            build_hourly_schedule(testing),
            retry_failed_parts_job_schedule,
            sync_cleanup_job_schedule,
            sync_dashboard_job_schedule,
        ]
    )
