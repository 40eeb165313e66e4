"""`shopify_products`: staged parts become Shopify products, many partitions per run (docs/behaviour.md §6).

Only `fetched` rows publish; `blocked` and unstaged parts are reported with their reason.
Each part is one `productSet` upsert by its part number (a unique metafield), skipped when
its payload is unchanged. Parts that fail, are held by the price guard or deferred by
Shopify's variant throttle stay unmaterialized with an observation saying why (Dagster
cannot mark one partition of a range failed, dagster #17836); failures also go to
`part_failures`. The run's summary is on the WARN checks (`checks.py`).
"""

import dagster as dg

from boeinghub_dagster.defs.failures import failed_part_observations
from boeinghub_dagster.defs.partitions import part_numbers
from boeinghub_dagster.defs.publishing.checks import CHECK_SPECS, check_results
from boeinghub_dagster.defs.publishing.steps.catalogue import markdown as catalogue_markdown
from boeinghub_dagster.defs.publishing.steps.plans import PublishSettings
from boeinghub_dagster.defs.publishing.steps.publisher import STAGE, STREAM_TAG, Publisher
from boeinghub_dagster.defs.publishing.steps.report import SHOPIFY_PRODUCTS, PublishReport
from boeinghub_dagster.domain.shopify_api import admin_product_url
from boeinghub_dagster.resources.alerts import Alerts
from boeinghub_dagster.resources.images import ProductImagesResource
from boeinghub_dagster.resources.queue_guard import refuse_untagged
from boeinghub_dagster.resources.settings import location_codes_from_env, location_map_from_env, publications_from_env
from boeinghub_dagster.resources.shopify import ShopifyResource
from boeinghub_dagster.resources.shopify_setup import ensure_setup
from boeinghub_dagster.resources.store import StoreResource
from boeinghub_dagster.resources.store.catalogue import CatalogueStore


@dg.multi_asset(
    name="publishing",
    specs=[
        dg.AssetSpec(
            SHOPIFY_PRODUCTS,
            partitions_def=part_numbers,
            skippable=True,
            deps=["staged_products"],
            group_name="publishing",
            kinds={"python", "shopify"},
            description="Shopify products (`products` table): one per fetched part, upserted by part number.",
        )
    ],
    check_specs=CHECK_SPECS,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def publishing(
    context: dg.AssetExecutionContext,
    shopify: ShopifyResource,
    product_images: ProductImagesResource,
    store: StoreResource,
):
    refuse_untagged(context)
    parts = list(context.partition_keys)
    limits = shopify.limits()
    if len(parts) > limits.max_parts_per_publish:
        raise dg.Failure(
            f"{len(parts)} parts asked; one publishing run takes at most MAX_PARTS_PER_PUBLISH="
            f"{limits.max_parts_per_publish}: select a smaller range"
        )
    pub, location_map = store.publishing(), location_map_from_env()
    client = shopify.client()
    try:
        shop = ensure_setup(client, pub, location_map, publications_from_env())
    finally:
        client.close()
    settings = PublishSettings(
        limits.price_markup_factor,
        limits.price_jump_hold_pct,
        shop.locations,
        location_map,
        location_codes_from_env(),
        tuple(shop.publications.values()),
    )
    report = PublishReport(asked=len(parts))
    with product_images.images() as images:
        publisher = Publisher(
            shopify.client, pub, store.staging(), images, settings, context.run_id, shopify.concurrency()
        )
        fetched, report.blocked, missing = publisher.split(parts)
        if context.run.tags.get(STREAM_TAG) == "1":  # its range may pass over parts not staged yet: not its own
            report.asked, missing = report.asked - len(missing), []
        store.staging().record_failures(context.run_id, STAGE, missing)
        report.failed += missing
        _observe(context, "blocked", report.blocked)
        failed_part_observations(context, SHOPIFY_PRODUCTS, missing)
        try:
            for chunk in publisher.publish(fetched):
                report.add(chunk)
                for row in chunk.published + chunk.unchanged:
                    yield dg.AssetMaterialization(
                        SHOPIFY_PRODUCTS,
                        partition=row["part_number"],
                        metadata=_metadata(shopify.shop_url, row, row in chunk.unchanged),
                    )
                failed_part_observations(context, SHOPIFY_PRODUCTS, chunk.failed)
                _observe(context, "held", chunk.held)
                _observe(context, "deferred", chunk.deferred)
        finally:
            context.log.info(
                f"publishing: {len(parts)} asked, {report.published} published, {report.unchanged} unchanged, "
                f"{len(report.held)} held, {len(report.deferred)} deferred, {len(report.failed)} failed, "
                f"{len(report.blocked)} blocked; {publisher.stats.calls} Shopify calls"
            )
    Alerts.of(store).parts("prices_held", report.held, "publishing", context.run_id)
    yield from check_results(report, publisher.stats, set(context.selected_asset_check_keys))


def _metadata(shop_url: str, row: dict, unchanged: bool) -> dict:
    """A published part's partition metadata, with a link to its product in the Shopify admin."""
    out = {
        "shopify_product_id": row["shopify_product_id"],
        "price": str(row["price"]),
        "outcome": "unchanged" if unchanged else "published",
        "sales_channels": len(row.get("publications") or []),
    }
    url = admin_product_url(shop_url, row["shopify_product_id"])
    if url:
        out["shopify_admin_url"] = dg.MetadataValue.url(url)
    return out


def _observe(context: dg.AssetExecutionContext, status: str, pairs: list[tuple[str, str]]) -> None:
    for part, reason in pairs:
        context.log_event(
            dg.AssetObservation(
                asset_key=SHOPIFY_PRODUCTS,
                partition=part,
                metadata={"status": status, "reason": reason, "run_id": context.run_id},
            )
        )


# Refreshed every 15 minutes (like the sync dashboard's hourly refresh) and on demand (*Materialize*);
# not on every publish: a 50,000-part republish would refresh it hundreds of times.
CATALOGUE_REFRESH = dg.AutomationCondition.cron_tick_passed("*/15 * * * *") & ~dg.AutomationCondition.in_progress()


@dg.asset(
    group_name="publishing",
    kinds={"sql"},
    deps=[SHOPIFY_PRODUCTS],
    automation_condition=CATALOGUE_REFRESH,
    description="The catalogue at a glance: parts by stage and status, the newest changes, price and stock "
    "distributions, and the parts waiting on a person.",
)
def catalogue_overview(store: StoreResource) -> dg.MaterializeResult:
    """What the original hub's product lists showed, from the store alone (no API call)."""
    cat = CatalogueStore(store.engine())
    counts, prices, waiting = cat.counts(), cat.live_prices_and_stock(), cat.waiting()
    products = counts["products"]
    return dg.MaterializeResult(
        metadata={
            "catalogue": dg.MetadataValue.md(
                catalogue_markdown(counts, prices, cat.newest_products(), cat.newest_changes(), waiting)
            ),
            "staged_fetched": counts["staged"].get("fetched", 0),
            "staged_blocked": counts["staged"].get("blocked", 0),
            "published": products.get("published", 0) + products.get("reconciled", 0),
            "retired": products.get("retired", 0),
            "prices_held": counts["held"],
            "deferred": counts["deferred"],
            "publishing_failed": counts["failed_publishing"],
            "sync_inactive": counts["inactive"],
            "not_returned_by_boeing": counts["not_returned_by_boeing"],
            "price_overrides": counts["overrides"],
        }
    )
