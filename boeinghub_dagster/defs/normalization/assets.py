"""`staged_products`: SPEC §5 staging rows, one per part Boeing answered for."""


from decimal import Decimal

import dagster as dg

from boeinghub_dagster.defs.extraction.assets import boeing_raw_responses
from boeinghub_dagster.defs.failures import failed_part_observations, failure_metadata
from boeinghub_dagster.defs.partitions import part_numbers
from boeinghub_dagster.domain.reporting import markdown_table, reason_counts
from boeinghub_dagster.resources.settings import location_map_from_env
from boeinghub_dagster.resources.store import StoreResource

from .steps import stage_parts

SAMPLE_COLUMNS = ["part_number", "sku", "list_price", "net_price", "inventory_quantity", "inventory_status", "status", "status_reason"]
CHECKS = {
    "staged_rows_have_sku": "Every staged row has a non-empty SKU.",
    "staged_prices_non_negative": "No staged row has a negative list or net price.",
    "staged_products_cover_parts_asked": "Every part asked was staged (failed parts fail this, with reasons).",
}


@dg.asset(
    partitions_def=part_numbers,
    backfill_policy=dg.BackfillPolicy.single_run(),
    deps=[boeing_raw_responses],
    group_name="normalization",
    kinds={"python", "sql"},
    check_specs=[
        dg.AssetCheckSpec(name, asset="staged_products", description=text, blocking=name != "staged_products_cover_parts_asked")
        for name, text in CHECKS.items()
    ],
)
def staged_products(context: dg.AssetExecutionContext, store: StoreResource) -> dg.MaterializeResult:
    """Normalized staging rows (`product_staging`), `fetched` or `blocked` with a reason."""
    parts = list(context.partition_keys)
    outcome = stage_parts(parts, store.extraction(), store.staging(), context.run_id, location_map_from_env())
    failed_part_observations(context, outcome.failures)
    written = store.staging().rows([r["part_number"] for r in outcome.rows])
    no_sku = [r["part_number"] for r in written if not r["sku"]]
    negative = [r["part_number"] for r in written if any((r[c] or Decimal(0)) < 0 for c in ("list_price", "net_price"))]
    return dg.MaterializeResult(
        metadata={
            "parts_asked": len(parts),
            "parts_staged": len(outcome.rows),
            "parts_fetched": len(outcome.rows) - len(outcome.blocked),
            "parts_blocked": len(outcome.blocked),
            "blocked_reasons": dg.MetadataValue.json(reason_counts(r["status_reason"] for r in outcome.blocked)),
            "parts_failed": len(outcome.failures),
            "sample": dg.MetadataValue.md(markdown_table(written, SAMPLE_COLUMNS, limit=10)),
            **failure_metadata(outcome.failures, "normalization"),
        },
        check_results=[
            dg.AssetCheckResult(check_name="staged_rows_have_sku", passed=not no_sku, metadata={"rows_without_sku": len(no_sku)}),
            dg.AssetCheckResult(
                check_name="staged_prices_non_negative", passed=not negative, metadata={"negative_rows": len(negative)}
            ),
            dg.AssetCheckResult(
                check_name="staged_products_cover_parts_asked",
                passed=not outcome.failures,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"parts_failed": len(outcome.failures), "sample": ", ".join(p for p, _ in outcome.failures[:20]) or "none"},
            ),
        ],
    )
