"""`publish_job` (publish any set of part partitions), the `shopify_setup` and `approve_prices` jobs,
and the operator's `retire_parts` and `set_price_overrides` (issue 15)."""

import dagster as dg

from boeinghub_dagster.defs.partitions import part_numbers
from boeinghub_dagster.defs.publishing.steps.overrides import Request, apply
from boeinghub_dagster.defs.publishing.steps.retire import retire
from boeinghub_dagster.domain.clock import utcnow
from boeinghub_dagster.domain.lookup import parse_entries
from boeinghub_dagster.domain.part_numbers import normalize_part_number
from boeinghub_dagster.domain.pricing import override_from
from boeinghub_dagster.domain.reporting import markdown_table, plain_text
from boeinghub_dagster.domain.run_queue import SHOPIFY_RUN_TAGS
from boeinghub_dagster.resources.settings import location_map_from_env, publications_from_env
from boeinghub_dagster.resources.shopify import ShopifyResource
from boeinghub_dagster.resources.shopify_setup import check, run_setup
from boeinghub_dagster.resources.store import StoreResource

MAX_PARTS_PER_OPERATOR_RUN = 5_000  # retire_parts: parts a run takes (two Shopify calls each)

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
    context.add_output_metadata(
        {
            "definitions_created": dg.MetadataValue.json(outcome.created),
            "definitions_existing": len(outcome.existing),
            "definitions_failed": dg.MetadataValue.json(outcome.failed),
            "locations": dg.MetadataValue.json(outcome.locations),
            "unmapped_locations": dg.MetadataValue.json(outcome.unmapped),
            "publications": dg.MetadataValue.json(outcome.publications),
            "missing_publications": dg.MetadataValue.json(outcome.missing_publications),
            "api_version": client.api_version,
            "shopify_calls": client.calls,
        }
    )
    check(outcome)


@dg.job(
    tags=SHOPIFY_RUN_TAGS,
    description="Once per shop (safe to repeat): metafield definitions, the location map and the sales channels.",
)
def shopify_setup():
    setup_shopify()


class ApprovePricesConfig(dg.Config):
    part_numbers: list[str]
    """Parts whose held price may go to Shopify on their next publish."""


@dg.op
def approve_held_prices(context: dg.OpExecutionContext, config: ApprovePricesConfig, store: StoreResource) -> None:
    wanted = [p.strip().upper() for p in config.part_numbers if p.strip()]
    approved = store.publishing().approve(wanted)
    context.add_output_metadata(
        {
            "approved": dg.MetadataValue.json(approved),
            "not_held": dg.MetadataValue.json(sorted(set(wanted) - set(approved))),
        }
    )
    context.log.info(f"approved {len(approved)} held prices; the next publish of those parts pushes them")


@dg.job(description="Release price holds (config: part_numbers); the next publish pushes those prices.")
def approve_prices():
    approve_held_prices()


def _parts(values: list[str], text: str = "") -> tuple[list[str], list[dict]]:
    """(typed-in part numbers, normalized; report rows for the values that are not part numbers, with why)."""
    try:
        entries = parse_entries(values, text, limit=MAX_PARTS_PER_OPERATOR_RUN)
    except ValueError as exc:
        raise dg.Failure(str(exc)) from None
    return (
        [e.value for e in entries if e.value],
        [{"part_number": e.raw, "outcome": f"refused: {e.reason}"} for e in entries if e.value is None],
    )


def finish(context: dg.OpExecutionContext, metadata: dict, failure: str | None) -> None:
    """The op's report: its output metadata, or, when something was refused, the run's failure carrying it."""
    if failure:
        raise dg.Failure(failure, metadata=metadata)
    context.add_output_metadata(metadata)


class RetirePartsConfig(dg.Config):
    part_numbers: list[str] = []
    """Parts to retire: archived and unpublished on Shopify, out of the sync and the Boeing queue, key deleted."""
    text: str = ""
    """Or paste a list: one per line, or separated by , or ;"""


@dg.op(tags=SHOPIFY_RUN_TAGS)
def retire_selected(
    context: dg.OpExecutionContext, config: RetirePartsConfig, shopify: ShopifyResource, store: StoreResource
) -> None:
    parts, refused = _parts(config.part_numbers, config.text)
    keys = set(context.instance.get_dynamic_partitions(part_numbers.name))
    client = shopify.client()
    try:
        out = retire(parts, client, store.publishing(), keys, utcnow())
    finally:
        client.close()
    for part in out.retired:  # its history stays in the store; the key only leaves the partition list
        if part in keys:
            context.instance.delete_dynamic_partition(part_numbers.name, part)
    report = [
        {"part_number": p, "outcome": "retired" + (" (archived, unpublished)" if p in out.archived else "")}
        for p in out.retired
    ] + [{"part_number": p, "outcome": "not found"} for p in out.not_found]
    report += [{"part_number": p, "outcome": f"not retired: {why}"} for p, why in out.failed] + refused
    metadata = {
        "retired": len(out.retired),
        "archived_on_shopify": len(out.archived),
        "not_found": len(out.not_found),
        "not_retired": len(out.failed),
        "not_part_numbers": len(refused),
        "parts": dg.MetadataValue.md(markdown_table(report, ["part_number", "outcome"], limit=len(report) or 1)),
        "shopify_calls": client.calls,
    }
    finish(
        context,
        metadata,
        f"{len(out.failed)} parts not retired (see the table); run again for them" if out.failed else None,
    )


@dg.job(
    tags=SHOPIFY_RUN_TAGS,
    description="Retire parts (config: part_numbers): archive and unpublish on Shopify, out "
    "of the sync and the Boeing queue, part_numbers key deleted; every history row kept.",
)
def retire_parts():
    retire_selected()


class PriceOverrideEntry(dg.Config):
    part_number: str
    price: float | None = None
    """A fixed shop price (whole cents)."""
    markup: float | None = None
    """Or a markup on Boeing's cost for this part, instead of PRICE_MARKUP_FACTOR."""
    clear: bool = False
    """Or clear the part's override: Boeing's cost × PRICE_MARKUP_FACTOR again."""


class SetPriceOverridesConfig(dg.Config):
    overrides: list[PriceOverrideEntry]
    set_by: str = ""
    """Who sets them (recorded with each); empty: the run's user tag, if any."""


@dg.op(tags=SHOPIFY_RUN_TAGS)
def set_overrides(
    context: dg.OpExecutionContext, config: SetPriceOverridesConfig, shopify: ShopifyResource, store: StoreResource
) -> None:
    wanted, refused = {}, []
    for entry in config.overrides:
        try:
            part = normalize_part_number(entry.part_number)
            request = Request(part, None if entry.clear else override_from(entry.price, entry.markup))
            wanted.pop(part, None)  # a later valid entry for the same part wins
            wanted[part] = request
        except ValueError as exc:
            refused.append({"part_number": plain_text(entry.part_number, 60), "outcome": f"refused: {exc}"})
    requests = list(wanted.values())
    tags = context.run.tags
    who = plain_text(config.set_by) or plain_text(tags.get("dagster/user") or tags.get("user")) or "unknown (no set_by)"
    client = shopify.client()
    try:
        out = apply(
            requests,
            who,
            context.run_id,
            client,
            store.publishing(),
            store.staging(),
            shopify.limits().price_markup_factor,
            utcnow(),
        )
    finally:
        client.close()
    report = [
        {"part_number": r["part_number"], "outcome": f"{r['override']}: {r['price']} on Shopify now"}
        for r in out.pushed
    ]
    report += [{"part_number": p, "outcome": f"recorded; {why}"} for p, why in out.waiting]
    report += [{"part_number": p, "outcome": f"recorded, not on Shopify: {why}"} for p, why in out.failed] + refused
    metadata = {
        "set_by": who,
        "recorded": len(requests),
        "pushed": len(out.pushed),
        "refused": len(refused),
        "failed": len(out.failed),
        "shopify_calls": client.calls,
        "overrides": dg.MetadataValue.md(markdown_table(report, ["part_number", "outcome"], limit=len(report) or 1)),
    }
    finish(
        context,
        metadata,
        f"{len(refused)} entries refused, {len(out.failed)} prices not pushed (see the table)"
        if out.failed or refused
        else None,
    )


@dg.job(
    tags=SHOPIFY_RUN_TAGS,
    description="Set or clear operators' prices (config: overrides of part_number with "
    "price, markup or clear: true; set_by): recorded, pushed to Shopify now, kept by publishing and the sync.",
)
def set_price_overrides():
    set_overrides()
