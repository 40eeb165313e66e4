"""The publishing run's checks, evaluated inside the op (one function each, WARN only)."""

from __future__ import annotations

import dagster as dg

from boeinghub_dagster.defs.publishing.steps.plans import PublishStats
from boeinghub_dagster.defs.publishing.steps.report import SHOPIFY_PRODUCTS, PublishReport

PRICES_NOT_HELD = "shopify_prices_not_held"
COVER_PARTS_ASKED = "shopify_products_cover_parts_asked"

CHECK_SPECS = [
    dg.AssetCheckSpec(
        PRICES_NOT_HELD,
        asset=SHOPIFY_PRODUCTS,
        blocking=False,
        description="No part's new price was held by the price-jump guard (held parts wait for approve_prices).",
    ),
    dg.AssetCheckSpec(
        COVER_PARTS_ASKED,
        asset=SHOPIFY_PRODUCTS,
        blocking=False,
        description="Every part asked is on Shopify (published or unchanged); carries the run's summary.",
    ),
]


def prices_not_held(report: PublishReport) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=SHOPIFY_PRODUCTS,
        check_name=PRICES_NOT_HELD,
        passed=not report.held,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "parts_held": len(report.held),
            "held_parts": dg.MetadataValue.json(sorted(p for p, _ in report.held)),
            "held": report.table(report.held),
        },
    )


def products_cover_parts_asked(report: PublishReport, stats: PublishStats) -> dg.AssetCheckResult:
    on_shop = report.published + report.unchanged
    return dg.AssetCheckResult(
        asset_key=SHOPIFY_PRODUCTS,
        check_name=COVER_PARTS_ASKED,
        passed=on_shop == report.asked,
        severity=dg.AssetCheckSeverity.WARN,
        metadata=report.metadata(stats),
    )


def check_results(
    report: PublishReport, stats: PublishStats, selected: set[dg.AssetCheckKey]
) -> list[dg.AssetCheckResult]:
    results = [prices_not_held(report), products_cover_parts_asked(report, stats)]
    return [r for r in results if dg.AssetCheckKey(SHOPIFY_PRODUCTS, r.check_name) in selected]
