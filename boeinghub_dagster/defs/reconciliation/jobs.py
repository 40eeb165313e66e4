"""`publish_reconciliation_job`: complete the products rows a dead publishing run left `pending`."""

import dagster as dg

from boeinghub_dagster.defs.reconciliation.steps import reconcile
from boeinghub_dagster.domain.reporting import markdown_table
from boeinghub_dagster.domain.run_queue import SHOPIFY_RUN_TAGS
from boeinghub_dagster.resources.settings import publications_from_env
from boeinghub_dagster.resources.shopify import ShopifyResource
from boeinghub_dagster.resources.shopify_setup import match_names, stored_setup
from boeinghub_dagster.resources.store import StoreResource

IN_FLIGHT = {
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
}


@dg.op(tags=SHOPIFY_RUN_TAGS)
def reconcile_publishes(context: dg.OpExecutionContext, shopify: ShopifyResource, store: StoreResource) -> None:
    """Find each pending part's product by its unique part-number metafield and write its products row;
    put products on no configured sales channel on them."""

    def run_finished(run_id: str | None) -> bool:
        run = context.instance.get_run_by_id(run_id) if run_id else None
        return run is None or run.status not in IN_FLIGHT

    stored = stored_setup(store.publishing()).publications  # what setup found; no setup call from here
    publications, _ = match_names(publications_from_env(), stored)
    client = shopify.client()
    try:
        outcome = reconcile(client, store.publishing(), run_finished, tuple(publications.values()))
    finally:
        client.close()
    context.add_output_metadata(
        {
            "completed": len(outcome.completed),
            "absent_on_shopify": dg.MetadataValue.json(outcome.absent),
            "skipped_run_in_flight": dg.MetadataValue.json(outcome.skipped),
            "put_on_sales_channels": dg.MetadataValue.json(outcome.relisted),
            "errors": dg.MetadataValue.json(dict(outcome.errors)),
            "shopify_calls": client.calls,
            "sample": dg.MetadataValue.md(
                markdown_table(outcome.completed, ["part_number", "sku", "shopify_product_id", "price"])
            ),
        }
    )
    if outcome.errors:
        raise dg.Failure(f"{len(outcome.errors)} parts could not be looked up on Shopify; run again")


@dg.job(
    tags=SHOPIFY_RUN_TAGS,
    description="Complete products rows for publishes a dead run left pending, and put "
    "products on the sales channels they are missing from (nothing deleted).",
)
def publish_reconciliation_job():
    reconcile_publishes()
