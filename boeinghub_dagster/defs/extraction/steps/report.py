"""What one extraction run tells the operator: counts, reasons, a sample, and the checks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import dagster as dg

from boeinghub_dagster.domain.reporting import markdown_table
from boeinghub_dagster.resources.boeing_queue import ExtractionStats

RAW, STAGED = dg.AssetKey("boeing_raw_responses"), dg.AssetKey("staged_products")
SAMPLE_COLUMNS = [
    "part_number",
    "sku",
    "list_price",
    "net_price",
    "inventory_quantity",
    "inventory_status",
    "status",
    "status_reason",
]
SAMPLE_ROWS = 10

CHECKS = {
    "raw_answers_cover_parts_asked": (
        RAW,
        "Boeing answered for every part asked; carries the run's extraction summary.",
    ),
    "staged_rows_have_sku": (STAGED, "Every staged row has a non-empty SKU."),
    "staged_prices_non_negative": (STAGED, "No staged row has a negative list or net price."),
    "staged_products_cover_parts_asked": (STAGED, "Every part asked was staged; carries the run's staging summary."),
}
WARN_ONLY = {"raw_answers_cover_parts_asked", "staged_products_cover_parts_asked"}
CHECK_SPECS = [
    dg.AssetCheckSpec(name, asset=key, description=text, blocking=name not in WARN_ONLY)
    for name, (key, text) in CHECKS.items()
]


@dataclass
class ExtractionReport:
    asked: int
    reused: int = 0
    returned: int = 0
    staged: int = 0
    blocked: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # part, stage, reason
    sample: list[dict] = field(default_factory=list)
    no_sku: list[str] = field(default_factory=list)
    negative: list[str] = field(default_factory=list)

    def add_rows(self, rows: list[dict]) -> None:
        self.staged += len(rows)
        self.blocked.update(r["status_reason"] for r in rows if r["status"] == "blocked")
        self.sample += rows[: max(0, SAMPLE_ROWS - len(self.sample))]
        self.no_sku += [r["part_number"] for r in rows if not r["sku"]]
        self.negative += [
            r["part_number"] for r in rows if any((r[c] or Decimal(0)) < 0 for c in ("list_price", "net_price"))
        ]

    def add_failures(self, stage: str, failures: list[tuple[str, str]]) -> None:
        self.failures += [(p, stage, reason) for p, reason in failures]

    def _failures_md(self, stage: str | None = None) -> dg.MetadataValue:
        rows = [{"part_number": p, "stage": s, "reason": r} for p, s, r in self.failures if stage in (None, s)]
        return dg.MetadataValue.md(markdown_table(rows, ["part_number", "stage", "reason"], limit=50))

    def _reasons(self, stage: str | None = None) -> dg.MetadataValue:
        return dg.MetadataValue.json(dict(Counter(r for _, s, r in self.failures if stage in (None, s)).most_common()))

    def check_results(self, stats: ExtractionStats, selected: set[dg.AssetCheckKey]) -> list[dg.AssetCheckResult]:
        failed_extraction = [p for p, s, _ in self.failures if s == "extraction"]
        results = {
            "raw_answers_cover_parts_asked": dict(
                passed=not failed_extraction,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={
                    "parts_asked": self.asked,
                    "parts_returned": self.returned,
                    "parts_reused": self.reused,
                    "parts_failed": len(failed_extraction),
                    "calls_made": stats.calls,
                    "limiter_wait_seconds": round(stats.waited_seconds, 2),
                    "dispatch_seconds": round(stats.dispatch_seconds, 2),  # this run's slot waits + calls
                    "failure_reasons": self._reasons("extraction"),
                    "failures": self._failures_md("extraction"),
                },
            ),
            "staged_rows_have_sku": dict(passed=not self.no_sku, metadata={"rows_without_sku": len(self.no_sku)}),
            "staged_prices_non_negative": dict(
                passed=not self.negative, metadata={"negative_rows": len(self.negative)}
            ),
            "staged_products_cover_parts_asked": dict(
                passed=not self.failures,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={
                    "parts_asked": self.asked,
                    "parts_staged": self.staged,
                    "parts_fetched": self.staged - sum(self.blocked.values()),
                    "parts_blocked": sum(self.blocked.values()),
                    "blocked_reasons": dg.MetadataValue.json(dict(self.blocked.most_common())),
                    "parts_failed": len({p for p, _, _ in self.failures}),
                    "failure_reasons": self._reasons(),
                    "failures": self._failures_md(),
                    "sample": dg.MetadataValue.md(markdown_table(self.sample, SAMPLE_COLUMNS, limit=SAMPLE_ROWS)),
                },
            ),
        }
        return [
            dg.AssetCheckResult(asset_key=CHECKS[name][0], check_name=name, **kwargs)
            for name, kwargs in results.items()
            if dg.AssetCheckKey(CHECKS[name][0], name) in selected
        ]
