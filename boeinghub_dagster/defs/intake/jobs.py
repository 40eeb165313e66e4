"""`resume_intake_batch`: ask again for a batch whose chunk runs failed or were canceled."""

import dagster as dg

from boeinghub_dagster.resources.store import StoreResource

from .runs import MAX_ATTEMPTS


class ResumeConfig(dg.Config):
    batch_id: int


@dg.op
def resume_intake_batch_op(context: dg.OpExecutionContext, config: ResumeConfig, store: StoreResource) -> None:
    """Failed and canceled chunks go back to the inbox sensor, which requests their runs on its next
    tick. Their runs count every answer fetched since the chunk was first asked for, so Boeing is
    asked only for the parts that have none."""
    store.intake().get(config.batch_id)  # a clear error for an unknown batch
    resumed = store.chunks().resume(config.batch_id, MAX_ATTEMPTS)
    context.log.info(f"batch {config.batch_id}: {resumed} chunk(s) to run again" if resumed else f"batch {config.batch_id}: nothing failed to resume")


@dg.job(description="Resume an intake batch: re-run its failed or canceled chunks, asking Boeing only for unanswered parts.")
def resume_intake_batch():
    resume_intake_batch_op()
