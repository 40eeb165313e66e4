"""What one sync run tells the operator: counts, reasons, Shopify's and Boeing's spend."""

from __future__ import annotations

import dagster as dg

from boeinghub_dagster.defs.sync.steps.push import Pusher
from boeinghub_dagster.defs.sync.steps.sync_rows import SyncTally
from boeinghub_dagster.domain.reporting import markdown_table
from boeinghub_dagster.resources.shopify import ShopifyClient


def pairs_md(pairs: list[tuple[str, str]], what: str = "reason") -> dg.MetadataValue:
    return dg.MetadataValue.md(
        markdown_table([{"part_number": p, what: r} for p, r in pairs], ["part_number", what], limit=50)
    )


def sync_metadata(tally: SyncTally, client: ShopifyClient, pusher: Pusher, extra: dict | None = None) -> dict:
    return {
        **(extra or {}),
        "parts_due": tally.due,
        "parts_taken": tally.taken,
        "parts_fetched": tally.fetched,
        "parts_unchanged": tally.unchanged,
        "parts_changed": tally.changed,
        "parts_pushed": tally.pushed,
        "parts_held": len(tally.held),
        "parts_deferred": tally.deferred,
        "parts_failed": len(tally.failed),
        "failure_reasons": dg.MetadataValue.json(tally.reasons()),
        "failures": pairs_md(tally.failed),
        "held": pairs_md(tally.held),
        "deactivated": dg.MetadataValue.json(sorted(tally.deactivated)),
        "reactivated_on_shopify": dg.MetadataValue.json(sorted(tally.activated)),
        "shopify_calls": client.calls,
        "shopify_points": round(client.points, 1),
        "shopify_throttled": client.throttled,
        "shopify_limiter_wait_seconds": round(client.limiter.waited_seconds, 2),
        "boeing_calls": tally.boeing.calls,
        "boeing_limiter_wait_seconds": round(tally.boeing.waited_seconds, 2),
        "elapsed_seconds": round(tally.seconds, 2),
    }
