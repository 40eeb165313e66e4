"""`boeing_raw_responses` and `staged_products`: one op, so each answer is staged and reported
while the shared limiter holds the next Boeing call back.

The run puts its parts in the shared request queue; while it holds the dispatch lease it
sends full calls for every waiting run's parts, and it materializes its own parts as their
answers land, whoever asked. Parts that fail are not materialized (Dagster cannot mark
one partition of a range failed, dagster #17836): they stay unmaterialized, carry an
observation with the reason, fail a WARN check, and sit in `part_failures`. Selecting
only `staged_products` re-stages stored answers without calling Boeing.
"""

from datetime import timedelta

import dagster as dg
from sqlalchemy.exc import DBAPIError, OperationalError

from boeinghub_dagster.defs.extraction.steps.report import CHECK_SPECS, RAW, STAGED, ExtractionReport
from boeinghub_dagster.defs.extraction.steps.scope import backfill_parts, run_parts
from boeinghub_dagster.defs.extraction.steps.staging import stage_answer, stage_stored
from boeinghub_dagster.defs.failures import failed_part_observations
from boeinghub_dagster.defs.partitions import part_numbers
from boeinghub_dagster.domain.clock import utcnow
from boeinghub_dagster.resources.boeing import BoeingResource
from boeinghub_dagster.resources.boeing_queue import (
    DISPATCH_LEASE,
    Dispatcher,
    ExtractionStats,
    ask_boeing,
    await_answers,
)
from boeinghub_dagster.resources.queue_guard import refuse_untagged
from boeinghub_dagster.resources.settings import location_map_from_env
from boeinghub_dagster.resources.store import StoreResource
from boeinghub_dagster.resources.store.leases import Lease

# A lost database connection (PostgreSQL restarted, a failover, a pooler dropping us) retries the
# step in the same run: 0–4 s, then 4–8 s. The retry counts the answers stored so far as its own,
# so Boeing is asked only for the rest. Any other error (Boeing refused our credentials) fails the
# step at once: asking again would fail the same way.
STORE_RETRY = dg.RetryPolicy(max_retries=2, delay=2, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS)


def store_disconnected(exc: BaseException) -> bool:
    """A database error that a new connection may not have (server gone, connection dropped)."""
    return isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


class ExtractionConfig(dg.Config):
    reuse_minutes: int = 60
    """Count a part's Boeing answer younger than this as its answer instead of asking again (0 = always ask)."""
    intake_batch_id: int = 0
    """Set by the inbox sensor, with `intake_chunk`: process exactly that slice of the batch."""
    intake_chunk: int = 0
    poll_seconds: float = 1.0
    """How often a run waiting for answers (another run dispatching) looks for them."""


@dg.multi_asset(
    name="extraction",
    specs=[
        dg.AssetSpec(
            RAW,
            partitions_def=part_numbers,
            skippable=True,
            group_name="extraction",
            kinds={"python", "sql"},
            description="Raw Boeing PNA answers (`boeing_raw_responses` table), kept with the run id.",
        ),
        dg.AssetSpec(
            STAGED,
            partitions_def=part_numbers,
            skippable=True,
            deps=[RAW],
            group_name="extraction",
            kinds={"python", "sql"},
            description="docs/behaviour.md §5 staging rows (`product_staging`), fetched or blocked.",
        ),
    ],
    check_specs=CHECK_SPECS,
    can_subset=True,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def extraction(
    context: dg.AssetExecutionContext, config: ExtractionConfig, boeing: BoeingResource, store: StoreResource
):
    refuse_untagged(context)
    try:
        yield from _extract(context, config, boeing, store)
    except DBAPIError as exc:
        if not store_disconnected(exc):
            raise
        wait = STORE_RETRY.calculate_delay(context.retry_number + 1)  # STEP_UP_FOR_RETRY names the error
        raise dg.RetryRequested(max_retries=STORE_RETRY.max_retries, seconds_to_wait=wait) from exc


def _extract(context: dg.AssetExecutionContext, config: ExtractionConfig, boeing: BoeingResource, store: StoreResource):
    started = utcnow()
    parts, asked_since = run_parts(context, config.intake_batch_id, config.intake_chunk, store)
    want_raw, want_staged = RAW in context.selected_asset_keys, STAGED in context.selected_asset_keys
    raw_store, staging, requests, location_map = (
        store.extraction(),
        store.staging(),
        store.requests(),
        location_map_from_env(),
    )
    report, stats = ExtractionReport(asked=len(parts)), ExtractionStats()

    if not want_raw:
        yield from _report_staged(
            context, report, stage_stored(parts, raw_store, staging, context.run_id, location_map)
        )
        yield from report.check_results(stats, _checks(context))
        return
    batch_size = boeing.effective_batch_size()
    since = min(started - timedelta(minutes=config.reuse_minutes), asked_since) if config.reuse_minutes else asked_since

    def enqueue(todo: list[str]) -> int:
        if config.intake_chunk and store.chunks().status(config.intake_batch_id, config.intake_chunk) == "canceled":
            # cancel_intake_batch withdrew these parts; a run its termination did not reach stops here (≤ 30 s)
            raise dg.Failure(
                f"batch {config.intake_batch_id} was canceled by the operator: this run stops asking Boeing"
            )
        return ask_boeing(requests, todo, context.run_id, batch_size)

    prefetch = backfill_parts(context)
    if prefetch and not requests.has_requester(prefetch[0]):
        ask_boeing(requests, prefetch[1], prefetch[0], batch_size, answered=raw_store.latest_index(prefetch[1], since))
    lease = Lease(store.engine(), DISPATCH_LEASE, context.run_id)
    dispatcher = Dispatcher(boeing.client, requests, raw_store, lease, batch_size, context.run_id, stats)
    for answer in await_answers(parts, since, enqueue, requests, raw_store, dispatcher, config.poll_seconds, started):
        report.returned += len(answer.returned)
        report.reused += len(answer.returned) if answer.reused else 0
        report.add_failures("extraction", answer.failures)
        staging.record_failures(context.run_id, "extraction", answer.failures)
        failed_part_observations(context, RAW, answer.failures)
        for part in answer.returned:
            yield dg.AssetMaterialization(RAW, partition=part, metadata={"raw_response_id": answer.raw_response_id})
        if want_staged and answer.payload is not None and answer.returned:
            staged = stage_answer(
                answer.returned, answer.payload, answer.raw_response_id, staging, context.run_id, location_map
            )
            yield from _report_staged(context, report, staged)
    context.log.info(
        f"extraction: {len(parts)} asked, {report.returned} returned, {report.reused} reused, "
        f"{report.staged} staged, {len(report.failures)} failed; {stats.calls} calls made"
    )
    yield from report.check_results(stats, _checks(context))


def _checks(context: dg.AssetExecutionContext) -> set[dg.AssetCheckKey]:
    """The checks to evaluate. A run with no partition range (an intake chunk of scattered parts) evaluates
    none: Dagster ties a check's evaluation to the run's partition, and that run has none; its log line
    above carries its summary, the batch view its progress."""
    partitioned = context.has_partition_key or context.has_partition_key_range
    return set(context.selected_asset_check_keys) if partitioned else set()


def _report_staged(context: dg.AssetExecutionContext, report: ExtractionReport, staged):
    report.add_rows(staged.rows)
    report.add_failures("normalization", staged.failures)
    failed_part_observations(context, STAGED, staged.failures)
    for row in staged.rows:
        meta = {"status": row["status"], "sku": row["sku"]}
        if row["status_reason"]:
            meta["reason"] = row["status_reason"]
        yield dg.AssetMaterialization(STAGED, partition=row["part_number"], metadata=meta)
