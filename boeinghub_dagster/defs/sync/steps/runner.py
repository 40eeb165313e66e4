"""One sync pass for the asset and the operator jobs: Shopify client and settings, then `sync_rows`.

A run whose worker died (killed, OOM) left its rows `syncing` and wrote nothing for the answers it
had; Dagster's run retries start it again. `resume_after_crash` gives that retry the rows back and
the time since which Boeing's answers count, so it pushes what the dead attempt did not write and
asks Boeing nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import dagster as dg

from boeinghub_dagster.defs.sync.steps.metadata import sync_metadata
from boeinghub_dagster.defs.sync.steps.push import Pusher, SyncSettings
from boeinghub_dagster.defs.sync.steps.sync_rows import SyncTally, sync_rows
from boeinghub_dagster.resources.alerts import Alerts
from boeinghub_dagster.resources.boeing import BoeingResource
from boeinghub_dagster.resources.settings import location_map_from_env
from boeinghub_dagster.resources.shopify import ShopifyClient, ShopifyResource
from boeinghub_dagster.resources.shopify_setup import ensure_setup
from boeinghub_dagster.resources.store import StoreResource


@contextmanager
def shopify_pusher(
    shopify: ShopifyResource, store: StoreResource, hour_start: datetime
) -> Iterator[tuple[ShopifyClient, Pusher]]:
    client, limits, location_map = shopify.client(), shopify.limits(), location_map_from_env()
    try:
        location_ids = ensure_setup(client, store.publishing(), location_map, ()).locations  # sync sells nothing new
        settings = SyncSettings(
            limits.price_markup_factor,
            limits.price_jump_hold_pct,
            limits.max_consecutive_sync_failures,
            location_ids,
            location_map,
        )
        yield client, Pusher(client, store.publishing(), settings, hour_start)
    finally:
        client.close()


PARENT_TAG = "dagster/parent_run_id"


def resume_after_crash(context: dg.OpExecutionContext, store: StoreResource, now: datetime) -> datetime | None:
    """For a re-execution of a run that died: its ancestors' `syncing` rows back as they were, and when
    the first attempt was created (its Boeing answers count). None for a first attempt."""
    ancestors, parent = [], context.run.tags.get(PARENT_TAG)
    while parent and parent not in ancestors and len(ancestors) < 20:
        ancestors.append(parent)
        run = context.instance.get_run_by_id(parent)
        parent = run.tags.get(PARENT_TAG) if run else None
    if not ancestors:
        return None
    given = store.sync().give_back(ancestors, now)
    first = context.instance.get_run_record_by_id(ancestors[-1])
    context.log.info(f"re-execution of {ancestors[0]}: {given} row(s) it left syncing taken back")
    return first.create_timestamp.astimezone(UTC) if first else None


def run_sync(
    store: StoreResource,
    boeing: BoeingResource,
    shopify: ShopifyResource,
    rows: list[dict],
    now: datetime,
    hour_start: datetime,
    requested_by: str,
    run_id: str,
    tally: SyncTally,
    extra: dict | None = None,
    poll_seconds: float = 0.5,
    answers_since: datetime | None = None,
) -> dict:
    """Sync `rows`; return the run's metadata."""
    with shopify_pusher(shopify, store, hour_start) as (client, pusher):
        sync_rows(store, boeing, pusher, rows, now, requested_by, run_id, tally, poll_seconds, answers_since)
        Alerts.of(store).sync_outcome(tally.deactivated, tally.failed, tally.held, requested_by, run_id)
        return sync_metadata(tally, client, pusher, extra)
