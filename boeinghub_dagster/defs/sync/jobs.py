"""Sync jobs: the hourly job over `sync_hashes`, the 4-hourly retry, the daily cleanup, the dashboard's
refresh, and the operator jobs.

Every job that calls Boeing for the sync carries `boeinghub/api=boeing-sync`: dagster.yaml
lets one such run be in flight, beside (never queued behind) the extraction runs.
"""

import dagster as dg

from boeinghub_dagster.defs.sync.steps.runner import resume_after_crash, run_sync
from boeinghub_dagster.defs.sync.steps.sync_rows import SyncTally
from boeinghub_dagster.domain.clock import utcnow
from boeinghub_dagster.domain.run_queue import SYNC_RUN_TAGS
from boeinghub_dagster.domain.sync_rules import SyncState, reactivate
from boeinghub_dagster.resources.boeing import BoeingResource
from boeinghub_dagster.resources.shopify import ShopifyResource
from boeinghub_dagster.resources.store import StoreResource

RETRY_LIMIT = 200  # docs/behaviour.md §8: at most 200 failed parts a retry run

hourly_sync_job = dg.define_asset_job(
    "hourly_sync_job",
    selection=dg.AssetSelection.assets("sync_hashes"),
    tags=SYNC_RUN_TAGS,
    description=(
        "Sync one hour bucket (the partition's hour) of published parts with Boeing; push real changes to Shopify."
    ),
)


def _hour(now):
    return now.replace(minute=0, second=0, microsecond=0)


@dg.op(tags=SYNC_RUN_TAGS)
def retry_failed(
    context: dg.OpExecutionContext, boeing: BoeingResource, shopify: ShopifyResource, store: StoreResource
) -> None:
    """Active `failed` parts with fewer than MAX_CONSECUTIVE_SYNC_FAILURES failures, at most 200, synced again."""
    now = utcnow()
    since = resume_after_crash(context, store, now)
    rows = store.sync().failed_for_retry(boeing.limits().max_consecutive_sync_failures, RETRY_LIMIT)
    tally = SyncTally(due=len(rows))
    context.add_output_metadata(
        run_sync(
            store,
            boeing,
            shopify,
            rows,
            now,
            _hour(now),
            f"sync-retry:{context.run_id}",
            context.run_id,
            tally,
            answers_since=since,
        )
    )


@dg.job(
    tags=SYNC_RUN_TAGS,
    description="Sync the failed parts again (docs/behaviour.md §8 Retry): active, < 5 failures, at most 200.",
)
def retry_failed_parts_job():
    retry_failed()


class SyncPartConfig(dg.Config):
    part_number: str
    """A part number or SKU; every published part with it is synced now, whatever its status or slot."""


@dg.op(tags=SYNC_RUN_TAGS)
def sync_one_part(
    context: dg.OpExecutionContext,
    config: SyncPartConfig,
    boeing: BoeingResource,
    shopify: ShopifyResource,
    store: StoreResource,
) -> None:
    wanted, now = config.part_number.strip().upper(), utcnow()
    since = resume_after_crash(context, store, now)
    rows = [r for r in store.sync().by_sku_or_part(wanted) if r["sync_status"] != "syncing"]
    if not rows:
        raise dg.Failure(f"{wanted!r} is not a published part (no sync schedule row), or it is being synced right now")
    tally = SyncTally(due=len(rows))
    context.add_output_metadata(
        run_sync(
            store,
            boeing,
            shopify,
            rows,
            now,
            _hour(now),
            f"sync-now:{context.run_id}",
            context.run_id,
            tally,
            answers_since=since,
        )
    )
    if tally.failed:
        raise dg.Failure(f"sync of {wanted} failed: {tally.failed}")


@dg.job(tags=SYNC_RUN_TAGS, description="Sync one part now (config: part_number, a part number or SKU).")
def sync_part_now():
    sync_one_part()


class ReactivateConfig(dg.Config):
    part_numbers: list[str]
    """Deactivated parts to put back in the sync (pending, 0 failures); ACTIVE on Shopify after their next good sync."""


@dg.op
def reactivate_selected(context: dg.OpExecutionContext, config: ReactivateConfig, store: StoreResource) -> None:
    wanted = list(dict.fromkeys(p.strip().upper() for p in config.part_numbers if p.strip()))
    found = store.sync().rows(wanted)
    now = utcnow()
    updates = [
        {**reactivate(SyncState.from_row(r)).columns(), "part_number": p, "updated_at": now} for p, r in found.items()
    ]
    store.sync().record(updates, [])
    context.add_output_metadata(
        {
            "reactivated": dg.MetadataValue.json(sorted(found)),
            "unknown": dg.MetadataValue.json(sorted(set(wanted) - set(found))),
        }
    )
    context.log.info(f"reactivated {len(found)} parts; they sync at their next slot (or run sync_part_now)")


@dg.job(description="Reactivate parts (config: part_numbers): pending, 0 failures, active.")
def reactivate_parts():
    reactivate_selected()


sync_cleanup_job = dg.define_asset_job(
    "sync_cleanup_job",
    selection=dg.AssetSelection.assets("sync_daily_report"),
    description="Daily sync cleanup and report (00:00 UTC).",
)
sync_dashboard_job = dg.define_asset_job(
    "sync_dashboard_job",
    selection=dg.AssetSelection.assets("sync_dashboard"),
    description="Refresh the sync dashboard.",
)
