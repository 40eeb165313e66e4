"""Complete the products rows of publishes whose run died between Shopify's answer and the write,
and put products that exist but are on none of the configured sales channels on them.

A `pending` row in `publish_reconciliation` names a part whose `productSet` may or may not
have reached Shopify. Its product, if any, is found by the unique `custom.boeing_part_number`
metafield (`productByIdentifier`), never by searching, published to the sales channels of
`SHOPIFY_PUBLICATIONS` (the run may have died before it did) and the products row is written
from what Shopify holds. Then every products row not recorded on all those channels (its
publish failed there, or it predates them) is published there. Nothing is deleted. The
payload hash is left empty, so the next publish of the part sends its payload once more (an
update of what the hub owns: still one product).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from boeinghub_dagster.resources.shopify import ShopifyClient, ShopifyError, ShopifyFatal
from boeinghub_dagster.resources.shopify_idempotency import IdempotentCalls
from boeinghub_dagster.resources.shopify_product import Held, ProductWriter, level_locations
from boeinghub_dagster.resources.store.idempotency import IdempotencyStore
from boeinghub_dagster.resources.store.publishing import PublishingStore

RELIST_LIMIT = 1000  # unlisted products put on their sales channels per run (each one call)


@dataclass
class ReconcileOutcome:
    completed: list[dict] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # Shopify never got it: the next publish creates it
    skipped: list[str] = field(default_factory=list)  # its run is still going
    errors: list[tuple[str, str]] = field(default_factory=list)
    relisted: list[str] = field(default_factory=list)  # existed, were on no configured sales channel: now are


def products_row(part: str, pending: dict, snapshot: dict) -> dict:
    variant = snapshot["variants"]["nodes"][0]
    item = variant["inventoryItem"]
    quantity = sum(
        q["quantity"]
        for level in item["inventoryLevels"]["nodes"]
        for q in level["quantities"]
        if q["name"] == "available"
    )
    cost = (item.get("unitCost") or {}).get("amount")
    return {
        "part_number": part,
        "sku": variant.get("sku") or pending.get("sku") or part,
        "shopify_product_id": snapshot["id"],
        "shopify_variant_id": variant["id"],
        "inventory_item_id": item["id"],
        "price": Decimal(str(variant["price"])),
        "cost": Decimal(str(cost)) if cost is not None else None,
        "quantity": quantity,
        "image_url": pending.get("image_url"),
        "payload_hash": None,
        "status": "reconciled",
        "stocked_locations": level_locations(snapshot),
        "publications": None,
    }


def reconcile(
    client: ShopifyClient,
    store: PublishingStore,
    run_finished: Callable[[str | None], bool],
    publication_ids: tuple[str, ...] = (),
) -> ReconcileOutcome:
    outcome = ReconcileOutcome()
    writer = ProductWriter(client, IdempotentCalls(IdempotencyStore(store.engine)), publication_ids)
    for pending in store.pending():
        part = pending["part_number"]
        if not run_finished(pending["run_id"]):
            outcome.skipped.append(part)
            continue
        try:
            snapshot = client.find_product_by_part_number(part)
        except ShopifyFatal:
            raise
        except ShopifyError as exc:
            store.reconcile_failed(part, str(exc))
            outcome.errors.append((part, str(exc)))
            continue
        if snapshot is None or not snapshot["variants"]["nodes"]:
            store.settle({part: ("absent", "no product holds this part number on Shopify")})
            outcome.absent.append(part)
            continue
        row = products_row(part, pending, snapshot)
        _relist(writer, row, outcome)
        outcome.completed.append(row)
    store.record_published(outcome.completed, state="reconciled")
    relisted = []
    for row in store.unlisted(publication_ids, RELIST_LIMIT) if publication_ids else []:
        if _relist(writer, row, outcome):
            relisted.append({"part_number": row["part_number"], "publications": row["publications"]})
    store.update_products(relisted)
    return outcome


def _relist(writer: ProductWriter, row: dict, outcome: ReconcileOutcome) -> bool:
    """Publish the row's product where it is not yet; sets `row["publications"]`, True when it changed."""
    held = Held(row["shopify_product_id"], publications=row.get("publications"))
    before = list(held.publications or [])
    try:
        error = writer.publish(held)
    except ShopifyFatal:
        raise
    except ShopifyError as exc:
        error = str(exc)
    if error:
        outcome.errors.append((row["part_number"], error))
        return False
    row["publications"] = held.publications
    if held.publications != before:
        outcome.relisted.append(row["part_number"])
    return held.publications != before
