"""One sync pass for the asset and the operator jobs: Shopify client and settings, then `sync_rows`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from boeinghub_dagster.resources.alerts import Alerts
from boeinghub_dagster.resources.boeing import BoeingResource
from boeinghub_dagster.resources.settings import location_map_from_env
from boeinghub_dagster.resources.shopify import ShopifyClient, ShopifyResource
from boeinghub_dagster.resources.shopify_setup import ensure_setup
from boeinghub_dagster.resources.store import StoreResource

from .push import Pusher, SyncSettings
from .report import sync_metadata
from .steps import SyncTally, sync_rows


@contextmanager
def shopify_pusher(shopify: ShopifyResource, store: StoreResource, hour_start: datetime) -> Iterator[tuple[ShopifyClient, Pusher]]:
    client, limits, location_map = shopify.client(), shopify.limits(), location_map_from_env()
    try:
        location_ids = ensure_setup(client, store.publishing(), location_map, ()).locations  # sync sells nothing new
        settings = SyncSettings(limits.price_markup_factor, limits.price_jump_hold_pct, limits.max_consecutive_sync_failures,
                                location_ids, location_map)
        yield client, Pusher(client, store.publishing(), settings, hour_start)
    finally:
        client.close()


def run_sync(store: StoreResource, boeing: BoeingResource, shopify: ShopifyResource, rows: list[dict], now: datetime,
             hour_start: datetime, requested_by: str, run_id: str, tally: SyncTally, extra: dict | None = None,
             poll_seconds: float = 0.5) -> dict:
    """Sync `rows`; return the run's metadata."""
    with shopify_pusher(shopify, store, hour_start) as (client, pusher):
        sync_rows(store, boeing, pusher, rows, now, requested_by, run_id, tally, poll_seconds)
        Alerts.of(store).sync_outcome(tally.deactivated, tally.failed, tally.held, requested_by, run_id)
        return sync_metadata(tally, client, pusher, extra)
