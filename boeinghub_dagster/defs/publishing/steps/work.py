"""One part's Shopify work in a publishing run, on whichever thread `inflight.py` gives it.

What each kind of answer means for the part: published (a products row to write); stored but
failed (the product exists, not all of the hub's change reached it: its row is written with
no payload hash, so the next publish sends it again); refused (nothing applied: `rejected`);
deferred (Shopify's variant throttle: tried the next day); unknown (retries exhausted: the
`pending` row stays for reconciliation). Fatal errors (token, API version) stop the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from boeinghub_dagster.resources.shopify import (
    ShopifyClient,
    ShopifyError,
    ShopifyFatal,
    ShopifyRetryable,
    ShopifyVariantThrottled,
)
from boeinghub_dagster.resources.shopify_idempotency import IdempotentCalls
from boeinghub_dagster.resources.shopify_product import ProductWriter
from boeinghub_dagster.resources.store.idempotency import IdempotencyStore

if TYPE_CHECKING:
    from boeinghub_dagster.defs.publishing.steps.plans import Plan

NOT_SENT = ("not_sent", "the run stopped before this part's call")


@dataclass
class Outcome:
    row: dict | None = None  # the products row to write
    error: str | None = None  # why the part is reported failed
    settle: tuple[str, str | None] | None = None  # its reconciliation row's state, when known
    deferred: str | None = None
    unreachable: bool = False
    exception: BaseException | None = None
    publications: list[str] | None = None


class PartWork:
    def __init__(self, engine: Engine, publication_ids: tuple[str, ...]):
        self.keys = IdempotencyStore(engine)
        self.publication_ids = publication_ids

    def writer(self, client: ShopifyClient) -> ProductWriter:
        return ProductWriter(client, IdempotentCalls(self.keys), self.publication_ids)

    def not_started(self, plan: Plan) -> Outcome:
        return Outcome(settle=None if plan.relist is not None else NOT_SENT)

    def broke(self, plan: Plan, error: BaseException) -> Outcome:
        """A fatal error in this part's calls: whether any of them applied is unknown, the row stays pending."""
        return Outcome(error=f"{error}" if isinstance(error, ShopifyError) else f"{type(error).__name__}: {error}")

    def run(self, client: ShopifyClient, plan: Plan) -> Outcome:
        writer = self.writer(client)
        if plan.relist is not None:
            error = writer.publish(plan.held)
            return Outcome(error=error, publications=plan.held.publications)
        try:
            done = writer.write(plan.part, plan.input, plan.held)
        except ShopifyFatal:
            raise
        except ShopifyVariantThrottled as exc:
            return Outcome(deferred=f"Shopify variant throttle: {exc}", settle=("deferred", str(exc)))
        except ShopifyRetryable as exc:  # applied or not, nobody knows: the row stays pending for reconciliation
            return Outcome(
                error=f"{exc} (retries exhausted; left for publish_reconciliation_job)", unreachable=True, exception=exc
            )
        except ShopifyError as exc:  # refused as a whole: nothing applied
            return Outcome(error=str(exc), settle=("rejected", str(exc)))
        except (KeyError, IndexError, TypeError) as exc:  # an answer not shaped as documented: applied or not?
            return Outcome(
                error=f"Shopify's answer had an unexpected shape ({type(exc).__name__}: {exc}); left for "
                f"publish_reconciliation_job"
            )
        row = {
            "part_number": plan.part,
            "sku": plan.sku,
            **done.columns(),
            "price": plan.price,
            "cost": plan.cost,
            "quantity": plan.quantity,
            "image_url": done.image_url or plan.image_url,
            "payload_hash": None if done.error else plan.hash,
            "status": "published",
        }
        return Outcome(row=row, error=done.error)
