"""`retire_parts` as plain steps (issue 15 item 4): a part leaves the shop and the hub's budgets, its history stays.

Per part with a product: `productUpdate(status: ARCHIVED)` (Shopify shows only ACTIVE products
in the online store, sales channels and apps) and `publishableUnpublish` from every
publication of the shop (not only the configured ones: a merchant may have added more). Then,
for every part retired, one store transaction (`resources/store/retire.py`: products row
marked `retired`, sync slot freed, waiting Boeing requests dropped) and its `part_numbers`
key deleted by the job. A part Shopify refused stays as it was, with Shopify's text, so a
second run retires it; a product already gone from Shopify needs nothing there. A part a sync
run holds right now waits for the next run (its answer would write its rows again).
Dropped in again later, the part is new: a new key, and its publish un-archives the same
product (`productSet` by id, ACTIVE), puts it back on its channels and gives it a slot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from boeinghub_dagster.resources.shopify import ShopifyClient, ShopifyError, ShopifyFatal, ShopifyResult
from boeinghub_dagster.resources.store.publishing import PublishingStore
from boeinghub_dagster.resources.store.retire import RetireStore

GONE = "does not exist"  # productUpdate's user error for an id that names no product
BUSY = "a sync run holds this part right now; run retire_parts again once it finished"


@dataclass
class RetireOutcome:
    retired: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # Shopify's text, or why it waits
    archived: list[str] = field(default_factory=list)  # of the retired, those whose product was archived now


def _problem(result: ShopifyResult) -> str | None:
    return None if result.ok else result.problem()


def take_down(client: ShopifyClient, product_id: str, publication_ids: Sequence[str]) -> tuple[bool, str | None]:
    """(the product exists, the error text or None): archive it, then off every publication."""
    problem = _problem(client.update_product_status(product_id, "ARCHIVED"))
    if problem and GONE in problem.lower():
        return False, None
    if problem:
        return True, f"archiving failed: Shopify: {problem}"
    if publication_ids:
        problem = _problem(client.unpublish(product_id, publication_ids))
        if problem:
            return True, f"archived, but unpublishing failed: Shopify: {problem}"
    return True, None


def retire(
    parts: Sequence[str], client: ShopifyClient, publishing: PublishingStore, keys: set[str], now: datetime
) -> RetireOutcome:
    out = RetireOutcome()
    store = RetireStore(publishing.engine)
    known, busy = store.known(parts) | (set(parts) & keys), store.syncing(parts)
    rows = publishing.products(parts)
    publications: list[str] | None = None
    try:
        for part in parts:
            if part not in known:
                out.not_found.append(part)
            elif part in busy:
                out.failed.append((part, BUSY))
            elif pid := (rows.get(part) or {}).get("shopify_product_id"):
                if publications is None:
                    publications = list(client.publications().values())
                _one(client, part, pid, publications, out)
            else:
                out.retired.append(part)
    finally:  # what was taken down is retired even when the run stops (a fatal Shopify error)
        store.retire(out.retired, now)
    return out


def _one(client: ShopifyClient, part: str, product_id: str, publications: list[str], out: RetireOutcome) -> None:
    try:
        exists, error = take_down(client, product_id, publications)
    except ShopifyFatal:
        raise
    except ShopifyError as exc:
        exists, error = True, str(exc)
    if error:
        out.failed.append((part, error))
        return
    if exists:
        out.archived.append(part)
    out.retired.append(part)
