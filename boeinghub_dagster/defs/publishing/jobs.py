"""`publish_job` (publish any set of part partitions), the `shopify_setup` and `approve_prices` jobs."""

import dagster as dg

from boeinghub_dagster.defs.partitions import part_numbers
from boeinghub_dagster.resources.settings import location_map_from_env, publications_from_env
from boeinghub_dagster.resources.shopify import ShopifyResource
from boeinghub_dagster.resources.shopify_setup import check, run_setup
from boeinghub_dagster.resources.store import StoreResource

# Run-queue tag: dagster.yaml lets two runs with this tag be in flight at a time.
SHOPIFY_RUN_TAGS = {"boeinghub/api": "shopify"}

publish_job = dg.define_asset_job(
    "publish_job",
    selection=dg.AssetSelection.assets("shopify_products"),
    partitions_def=part_numbers,
    tags=SHOPIFY_RUN_TAGS,
    description="Publish the selected staged parts to Shopify (one productSet each; unchanged parts cost no call).",
)


@dg.op(tags=SHOPIFY_RUN_TAGS)
def setup_shopify(context: dg.OpExecutionContext, shopify: ShopifyResource, store: StoreResource) -> None:
    """Create the metafield definitions the shop lacks; store its locations and sales channels by name.

    Every answer must name the pinned API version: a shop that serves another stops setup here."""
    client = shopify.client()
    try:
        outcome = run_setup(client, store.publishing(), location_map_from_env(), publications_from_env())
    finally:
        client.close()
    context.add_output_metadata({
        "definitions_created": dg.MetadataValue.json(outcome.created),
        "definitions_existing": len(outcome.existing),
        "definitions_failed": dg.MetadataValue.json(outcome.failed),
        "locations": dg.MetadataValue.json(outcome.locations),
        "unmapped_locations": dg.MetadataValue.json(outcome.unmapped),
        "publications": dg.MetadataValue.json(outcome.publications),
        "missing_publications": dg.MetadataValue.json(outcome.missing_publications),
        "api_version": client.api_version,
        "shopify_calls": client.calls,
    })
    check(outcome)


@dg.job(tags=SHOPIFY_RUN_TAGS,
        description="Once per shop (safe to repeat): metafield definitions, the location map and the sales channels.")
def shopify_setup():
    setup_shopify()


class ApprovePricesConfig(dg.Config):
    part_numbers: list[str]
    """Parts whose held price may go to Shopify on their next publish."""


@dg.op
def approve_held_prices(context: dg.OpExecutionContext, config: ApprovePricesConfig, store: StoreResource) -> None:
    wanted = [p.strip().upper() for p in config.part_numbers if p.strip()]
    approved = store.publishing().approve(wanted)
    context.add_output_metadata({"approved": dg.MetadataValue.json(approved),
                                 "not_held": dg.MetadataValue.json(sorted(set(wanted) - set(approved)))})
    context.log.info(f"approved {len(approved)} held prices; the next publish of those parts pushes them")


@dg.job(description="Release price holds (config: part_numbers); the next publish pushes those prices.")
def approve_prices():
    approve_held_prices()
