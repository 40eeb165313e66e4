"""`boeing_raw_responses`: every PNA answer kept, one Boeing call per batch of parts."""


from datetime import datetime, timedelta, timezone

import dagster as dg

from boeinghub_dagster.defs.failures import failed_part_observations, failure_metadata
from boeinghub_dagster.defs.partitions import part_numbers
from boeinghub_dagster.resources.boeing import BoeingResource
from boeinghub_dagster.resources.store import StoreResource

from .steps import fetch_parts

COVERAGE_CHECK = "raw_answers_cover_parts_asked"


class ExtractionConfig(dg.Config):
    reuse_minutes: int = 60
    """Reuse a part's Boeing answer younger than this instead of asking again (0 = always ask)."""


@dg.asset(
    partitions_def=part_numbers,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool="boeing",
    group_name="extraction",
    kinds={"python", "sql"},
    check_specs=[
        dg.AssetCheckSpec(
            COVERAGE_CHECK,
            asset="boeing_raw_responses",
            description="Boeing answered for every part asked (parts Boeing does not know fail it).",
        )
    ],
)
def boeing_raw_responses(
    context: dg.AssetExecutionContext, config: ExtractionConfig, boeing: BoeingResource, store: StoreResource
) -> dg.MaterializeResult:
    """Raw Boeing PNA answers, kept with the run id for audit."""
    parts = list(context.partition_keys)
    reuse_since = datetime.now(timezone.utc) - timedelta(minutes=config.reuse_minutes) if config.reuse_minutes else None
    client = boeing.client()
    try:
        outcome = fetch_parts(
            parts, client, store.extraction(), store.staging(), context.run_id, boeing.effective_batch_size(), reuse_since, context.log
        )
    finally:
        client.close()
    missing = store.extraction().parts_not_returned(parts)
    failed_part_observations(context, outcome.failures)
    return dg.MaterializeResult(
        metadata={
            "parts_asked": len(parts),
            "parts_returned": len(parts) - len(missing),
            "parts_reused": len(outcome.reused),
            "parts_failed": len(outcome.failures),
            "calls_made": outcome.calls,
            "raw_answers_written": len(outcome.raw_ids),
            "limiter_wait_seconds": round(outcome.waited_seconds, 2),
            "api_seconds": round(outcome.api_seconds, 2),
            **failure_metadata(outcome.failures, "extraction"),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name=COVERAGE_CHECK,
                passed=not missing,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"parts_missing": len(missing), "sample": ", ".join(missing[:20]) or "none"},
            )
        ],
    )
