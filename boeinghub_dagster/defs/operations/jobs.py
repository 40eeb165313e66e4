"""`lookup_parts`: one place to see everything about a few parts (issue 15 item 1).

Config: part numbers or SKUs (a list, or pasted text), at most 500. One run, no Boeing call,
a few Shopify reads; its output metadata is one Markdown table, a row per part: the last
Boeing answer, the staged row, every recorded failure with its stage and reason, the Shopify
product as Shopify has it now (with a link to the admin), the sync slot, the intake batches,
the operator's price override and the last price and stock changes (a small chart when there
are enough). A value that is not a part number gets its row with the reason.
"""

import dagster as dg

from boeinghub_dagster.defs.operations.steps import look_up
from boeinghub_dagster.defs.partitions import part_numbers
from boeinghub_dagster.domain.lookup import parse_entries, table
from boeinghub_dagster.resources.shopify import ShopifyResource
from boeinghub_dagster.resources.store import StoreResource
from boeinghub_dagster.resources.store.lookup import LookupStore


class LookupConfig(dg.Config):
    part_numbers: list[str] = []
    """Part numbers or SKUs to look up (at most 500 with `text`)."""
    text: str = ""
    """Or paste a list here: one per line, or separated by , or ;"""


@dg.op(description="Read what the store and Shopify hold for each part; nothing is changed, Boeing is not called.")
def look_up_parts(
    context: dg.OpExecutionContext, config: LookupConfig, store: StoreResource, shopify: ShopifyResource
) -> None:
    try:
        entries = parse_entries(config.part_numbers, config.text)
    except ValueError as exc:
        raise dg.Failure(str(exc)) from None
    if not entries:
        raise dg.Failure("no part numbers or SKUs given: fill part_numbers or text")
    keys = set(context.instance.get_dynamic_partitions(part_numbers.name))
    client = shopify.client()
    try:
        result = look_up(entries, LookupStore(store.engine()), client, shopify.shop_url, keys)
    finally:
        client.close()
    counts = result.counts
    context.add_output_metadata(
        {
            "parts": dg.MetadataValue.md(table(result.rows)),
            "parts_looked_up": counts["parts"],
            "not_part_numbers": counts["invalid"],
            "on_shopify": counts["on_shopify"],
            "not_on_shopify": counts["not_on_shopify"],
            "unknown_to_boeing": counts["unknown_to_boeing"],
            "never_asked_boeing": counts["never_asked"],
            "prices_held": counts["held"],
            "retired": counts["retired"],
            "with_price_override": counts["with_override"],
            "shopify_calls": client.calls,
            "shopify_points": round(client.points, 1),
            "shopify_errors": dg.MetadataValue.json(result.shopify_errors),
        }
    )
    context.log.info(
        f"looked up {counts['parts']} parts ({counts['invalid']} entries not part numbers) with "
        f"{client.calls} Shopify calls; no Boeing call"
    )


@dg.job(
    description="Look parts up (config: part_numbers or pasted text, part numbers or SKUs, up to 500): one table "
    "of their Boeing answer, staging, failures, Shopify product, sync slot, batches, override and price history."
)
def lookup_parts():
    look_up_parts()
