"""What one publishing run tells the operator: counts, reasons, Shopify's spend, a sample."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import dagster as dg

from boeinghub_dagster.defs.publishing.steps.plans import ChunkResult, PublishStats
from boeinghub_dagster.domain.reporting import markdown_table

SHOPIFY_PRODUCTS = dg.AssetKey("shopify_products")
SAMPLE_COLUMNS = ["part_number", "sku", "price", "cost", "quantity", "shopify_product_id", "outcome"]
SAMPLE_ROWS = 10


@dataclass
class PublishReport:
    asked: int
    published: int = 0
    unchanged: int = 0
    held: list[tuple[str, str]] = field(default_factory=list)
    deferred: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    blocked: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    sample: list[dict] = field(default_factory=list)

    def add(self, chunk: ChunkResult) -> None:
        self.published += len(chunk.published)
        self.unchanged += len(chunk.unchanged)
        self.held += chunk.held
        self.deferred += chunk.deferred
        self.failed += chunk.failed
        self.warnings += chunk.warnings
        rows = [{**r, "outcome": "published"} for r in chunk.published] + [
            {**r, "outcome": "unchanged"} for r in chunk.unchanged
        ]
        self.sample += rows[: max(0, SAMPLE_ROWS - len(self.sample))]

    @staticmethod
    def table(pairs: list[tuple[str, str]], what: str = "reason") -> dg.MetadataValue:
        return dg.MetadataValue.md(
            markdown_table([{"part_number": p, what: r} for p, r in pairs], ["part_number", what], limit=50)
        )

    def metadata(self, stats: PublishStats) -> dict:
        return {
            "parts_asked": self.asked,
            "parts_published": self.published,
            "parts_unchanged": self.unchanged,
            "parts_held": len(self.held),
            "parts_deferred": len(self.deferred),
            "parts_failed": len(self.failed),
            "parts_blocked": len(self.blocked),
            "failure_reasons": dg.MetadataValue.json(dict(Counter(r for _, r in self.failed).most_common(20))),
            "failures": self.table(self.failed),
            "blocked_reasons": dg.MetadataValue.json(dict(Counter(r for _, r in self.blocked).most_common())),
            "deferred": self.table(self.deferred),
            "held": self.table(self.held),
            "shopify_calls": stats.calls,
            "shopify_points": round(stats.points, 1),
            "shopify_throttled": stats.throttled,
            "image_warnings": len(self.warnings),
            "image_warning_list": self.table(self.warnings, "warning"),
            "sample": dg.MetadataValue.md(markdown_table(self.sample, SAMPLE_COLUMNS, limit=SAMPLE_ROWS)),
        }
