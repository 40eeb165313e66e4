"""`boeing_raw_responses` and `staged_products`: one op, so each batch is staged and reported
while the shared limiter holds the next Boeing call back.

The run is bound by Boeing's rate limit and nothing else: every batch's
materializations are written during the wait before the next call, not after
the last one. Parts that fail are not materialized at all (Dagster cannot mark
one partition of a single-run range failed, dagster #17836): their partitions
stay unmaterialized, carry an observation with the reason, fail a WARN check,
and sit in `part_failures`. Selecting only `staged_products` re-stages stored
answers without calling Boeing.
"""

from datetime import datetime, timedelta, timezone

import dagster as dg

from boeinghub_dagster.defs.failures import failed_part_observations
from boeinghub_dagster.defs.normalization.steps import stage_answer, stage_stored
from boeinghub_dagster.defs.partitions import part_numbers
from boeinghub_dagster.resources.boeing import BoeingResource
from boeinghub_dagster.resources.settings import location_map_from_env
from boeinghub_dagster.resources.store import StoreResource

from .report import CHECK_SPECS, RAW, STAGED, ExtractionReport
from .steps import ExtractionStats, fetch_batches, parts_to_ask


class ExtractionConfig(dg.Config):
    reuse_minutes: int = 60
    """Reuse a part's Boeing answer younger than this instead of asking again (0 = always ask)."""
    intake_batch_id: int = 0
    """Set by the inbox sensor: process exactly this intake batch's parts (its run's range spans them)."""


@dg.multi_asset(
    name="extraction",
    specs=[
        dg.AssetSpec(RAW, partitions_def=part_numbers, skippable=True, group_name="extraction", kinds={"python", "sql"},
                     description="Raw Boeing PNA answers (`boeing_raw_responses` table), kept with the run id."),
        dg.AssetSpec(STAGED, partitions_def=part_numbers, skippable=True, deps=[RAW], group_name="normalization",
                     kinds={"python", "sql"}, description="SPEC §5 staging rows (`product_staging`), fetched or blocked."),
    ],
    check_specs=CHECK_SPECS,
    can_subset=True,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool="boeing",
)
def extraction(context: dg.AssetExecutionContext, config: ExtractionConfig, boeing: BoeingResource, store: StoreResource):
    parts = store.intake().parts(config.intake_batch_id) if config.intake_batch_id else list(context.partition_keys)
    want_raw, want_staged = RAW in context.selected_asset_keys, STAGED in context.selected_asset_keys
    raw_store, staging, location_map = store.extraction(), store.staging(), location_map_from_env()
    report, stats = ExtractionReport(asked=len(parts)), ExtractionStats()

    if want_raw:
        since = datetime.now(timezone.utc) - timedelta(minutes=config.reuse_minutes) if config.reuse_minutes else None
        todo, reused = parts_to_ask(parts, raw_store, since)
    else:
        todo, reused = [], parts
    report.reused = len(reused) if want_raw else 0
    if want_staged and reused:
        yield from _report_staged(context, report, stage_stored(reused, raw_store, staging, context.run_id, location_map))
    if todo:
        client = boeing.client()
        try:
            for answer in fetch_batches(todo, client, raw_store, staging, context.run_id, boeing.effective_batch_size(), stats):
                report.returned += len(answer.returned)
                report.add_failures("extraction", answer.failures)
                failed_part_observations(context, RAW, answer.failures)
                for part in answer.returned:
                    yield dg.AssetMaterialization(RAW, partition=part, metadata={"raw_response_id": answer.raw_response_id})
                if want_staged and answer.payload is not None and answer.returned:
                    staged = stage_answer(answer.returned, answer.payload, answer.raw_response_id, staging, context.run_id, location_map)
                    yield from _report_staged(context, report, staged)
        finally:
            client.close()
    context.log.info(f"extraction: {len(parts)} asked, {report.returned} returned, {report.staged} staged, {len(report.failures)} failed")
    yield from report.check_results(stats, set(context.selected_asset_check_keys))


def _report_staged(context: dg.AssetExecutionContext, report: ExtractionReport, staged):
    report.add_rows(staged.rows)
    report.add_failures("normalization", staged.failures)
    failed_part_observations(context, STAGED, staged.failures)
    for row in staged.rows:
        meta = {"status": row["status"], "sku": row["sku"]}
        if row["status_reason"]:
            meta["reason"] = row["status_reason"]
        yield dg.AssetMaterialization(STAGED, partition=row["part_number"], metadata=meta)
