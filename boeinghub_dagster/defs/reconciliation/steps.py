"""Complete the products rows of publishes whose run died between Shopify's answer and the write.

A `pending` row in `publish_reconciliation` names a part whose `productSet` may or may not
have reached Shopify. Its product, if any, is found by the unique `custom.boeing_part_number`
metafield (`productByIdentifier`), never by searching, and the products row is written
from what Shopify holds. Nothing is deleted. The payload hash is left empty, so the next
publish of the part sends its payload once more (an upsert: still one product).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from boeinghub_dagster.resources.shopify import ShopifyAuthError, ShopifyClient, ShopifyError
from boeinghub_dagster.resources.store.publishing import PublishingStore


@dataclass
class ReconcileOutcome:
    completed: list[dict] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # Shopify never got it: the next publish creates it
    skipped: list[str] = field(default_factory=list)  # its run is still going
    errors: list[tuple[str, str]] = field(default_factory=list)


def products_row(part: str, pending: dict, snapshot: dict) -> dict:
    variant = snapshot["variants"]["nodes"][0]
    item = variant["inventoryItem"]
    quantity = sum(q["quantity"] for level in item["inventoryLevels"]["nodes"] for q in level["quantities"]
                   if q["name"] == "available")
    cost = (item.get("unitCost") or {}).get("amount")
    return {
        "part_number": part, "sku": variant.get("sku") or pending.get("sku") or part,
        "shopify_product_id": snapshot["id"], "shopify_variant_id": variant["id"], "inventory_item_id": item["id"],
        "price": Decimal(str(variant["price"])), "cost": Decimal(str(cost)) if cost is not None else None,
        "quantity": quantity, "image_url": pending.get("image_url"), "payload_hash": None, "status": "reconciled",
    }


def reconcile(client: ShopifyClient, store: PublishingStore, run_finished: Callable[[str | None], bool]) -> ReconcileOutcome:
    outcome = ReconcileOutcome()
    for pending in store.pending():
        part = pending["part_number"]
        if not run_finished(pending["run_id"]):
            outcome.skipped.append(part)
            continue
        try:
            snapshot = client.find_product_by_part_number(part)
        except ShopifyAuthError:
            raise
        except ShopifyError as exc:
            store.reconcile_failed(part, str(exc))
            outcome.errors.append((part, str(exc)))
            continue
        if snapshot is None or not snapshot["variants"]["nodes"]:
            store.settle({part: ("absent", "no product holds this part number on Shopify")})
            outcome.absent.append(part)
            continue
        outcome.completed.append(products_row(part, pending, snapshot))
    store.record_published(outcome.completed, state="reconciled")
    return outcome
