"""Operator jobs on intake batches: take a pasted part list in, cancel a batch, resume one."""

from typing import Any

import dagster as dg
from pydantic import Field

from boeinghub_dagster.defs.intake.steps.cancel import CannotCancel, cancel_batch
from boeinghub_dagster.defs.intake.steps.pasted import NotAPartList, record_part_list
from boeinghub_dagster.defs.intake.steps.runs import MAX_ATTEMPTS
from boeinghub_dagster.domain.intake_chunks import duration_text, eta_minutes
from boeinghub_dagster.domain.reporting import markdown_table
from boeinghub_dagster.resources.settings import Limits
from boeinghub_dagster.resources.store import StoreResource

REJECTED_SHOWN = 200


class PartListConfig(dg.Config):
    part_numbers: Any = Field(
        description="Pasted text (part numbers on lines, or separated by , or ;) or a list of strings."
    )
    publish: bool = Field(
        default=False, description="Publish the parts to Shopify as they are staged (like inbox/publish/)."
    )


@dg.op
def record_part_list_op(context: dg.OpExecutionContext, config: PartListConfig, store: StoreResource) -> None:
    """Records the list as an intake batch; the inbox sensor starts its chunk runs within seconds."""
    limits = Limits.from_env()
    name = f"pasted list (run {context.run_id[:8]})"
    try:
        target = "publish" if config.publish else "extraction"
        result = record_part_list(
            store.intake(), config.part_numbers, target, name, limits.max_parts_per_file, context.run_id
        )
    except NotAPartList as exc:
        raise dg.Failure(description=str(exc)) from exc
    metadata: dict = {"batch_id": result.batch_id, "outcome": result.outcome}
    if result.outcome == "rejected":
        raise dg.Failure(
            description=f"{result.message}. The batch view (intake_batch_report) lists it.", metadata=metadata
        )
    if result.outcome == "duplicate":
        metadata["same_as_batch"] = result.duplicate_of["id"]
    else:
        chunk = limits.intake_chunk_parts
        minutes = eta_minutes(len(result.parts), limits.boeing_rate_per_min, limits.boeing_batch_size)
        rows = [{"line": r.line, "value": r.value, "reason": r.reason} for r in result.rejected]
        table = markdown_table(rows, ["line", "value", "reason"], REJECTED_SHOWN)
        metadata.update(
            result.counts,
            runs_at_most=-(-len(result.parts) // chunk),
            boeing_needs=duration_text(minutes),
            rejected_lines=dg.MetadataValue.md(table),
        )
    context.log.info(result.message)
    context.add_output_metadata(metadata)


@dg.job(description="Backfill a part list: paste it (or a list); it becomes an intake batch, fetched in few runs.")
def intake_part_list():
    record_part_list_op()


class BatchConfig(dg.Config):
    batch_id: int = Field(description="The batch's id (intake_batch_report's `id` column).")


@dg.op
def cancel_intake_batch_op(context: dg.OpExecutionContext, config: BatchConfig, store: StoreResource) -> None:
    """Stops the batch: its chunks are never requested again, its queued and running runs are canceled, its
    parts leave the Boeing queue (those another batch waits for stay). `resume_intake_batch` takes it up again."""
    try:
        done = cancel_batch(store, context.instance, config.batch_id, context.run_id)
    except CannotCancel as exc:
        raise dg.Failure(description=str(exc)) from exc
    context.add_output_metadata(
        {
            "batch_id": config.batch_id,
            "file_name": done.batch["file_name"],
            "chunks_canceled": done.chunks,
            "runs_canceled": dg.MetadataValue.json(done.runs),
            "queue_rows_withdrawn": done.queue_rows,
            "runs_not_canceled": dg.MetadataValue.json(done.not_canceled),
        }
    )
    context.log.info(
        f"batch {config.batch_id}: {done.chunks} chunk(s) and {len(done.runs)} run(s) canceled, "
        f"{done.queue_rows} part(s) out of the Boeing queue"
    )
    if done.not_canceled:
        context.log.warning(f"runs not canceled (cancel them from their pages): {done.not_canceled}")


@dg.job(description="Cancel an intake batch (config batch_id): its runs stop, its parts leave the Boeing queue.")
def cancel_intake_batch():
    cancel_intake_batch_op()


@dg.op
def resume_intake_batch_op(context: dg.OpExecutionContext, config: BatchConfig, store: StoreResource) -> None:
    """Failed and canceled chunks go back to the inbox sensor, which requests their runs on its next
    tick. Their runs count every answer fetched since the chunk was first asked for, so Boeing is
    asked only for the parts that have none. A canceled batch is running again."""
    intake = store.intake()
    if intake.find(config.batch_id) is None:
        raise dg.Failure(description=f"no intake batch {config.batch_id}")
    chunks = store.chunks().for_batch(config.batch_id)
    status = "launched" if chunks else "requested"  # no chunks yet: the sensor plans it as a new batch
    resumed_batch = intake.set_status(config.batch_id, status, None, only_from=("canceled",))
    resumed = store.chunks().resume(config.batch_id, MAX_ATTEMPTS)
    text = f"{resumed} chunk(s) to run again" if resumed or resumed_batch else "nothing failed or canceled to resume"
    context.log.info(f"batch {config.batch_id}: {text}")


@dg.job(
    description="Resume an intake batch: re-run its failed or canceled chunks, asking Boeing only for unanswered parts."
)
def resume_intake_batch():
    resume_intake_batch_op()
