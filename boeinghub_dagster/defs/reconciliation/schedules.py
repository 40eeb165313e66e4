"""`publish_reconciliation_schedule`: every 30 minutes, complete what dead publishing runs left pending."""

import dagster as dg

from boeinghub_dagster.defs.reconciliation.jobs import publish_reconciliation_job

publish_reconciliation_schedule = dg.ScheduleDefinition(
    name="publish_reconciliation_schedule",
    job=publish_reconciliation_job,
    cron_schedule="*/30 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every 30 minutes: complete what dead publishing runs left pending.",
)
