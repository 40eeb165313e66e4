"""The publishing step as plain functions: staged rows -> one `productSet` each -> the store.

Per chunk of parts: build each payload (image stored first), skip the unchanged (payload
hash equal to the stored one: no call, no download), hold price jumps that are not
approved, write `pending` reconciliation rows, call Shopify, then write the products rows,
their sync-schedule rows and the reconciliation's completion in one transaction. A run
that dies between an answer and that write leaves `pending` rows: the
`publish_reconciliation` job finds those products by their unique metafield. Shopify's
`productSet(identifier: customId)` is an upsert, so a retried call never duplicates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from boeinghub_dagster.domain.images import pick_image_url
from boeinghub_dagster.domain.payloads import location_quantities, payload_hash, product_identifier, product_set_input
from boeinghub_dagster.domain.price_guard import price_jump
from boeinghub_dagster.domain.pricing import row_base_cost, shop_price
from boeinghub_dagster.resources import faults
from boeinghub_dagster.resources.images import ProductImages
from boeinghub_dagster.resources.shopify import ShopifyAuthError, ShopifyClient, ShopifyError, ShopifyRetryable
from boeinghub_dagster.resources.store.extraction import StagingStore
from boeinghub_dagster.resources.store.publishing import PublishingStore

STAGE = "publishing"
CHUNK = 25  # parts per store round trip (pending rows before, results after)
VARIANT_THROTTLE = "VARIANTS_OVER_LIMIT"
NOT_STAGED = "not staged: materialize staged_products for this part first"
MAX_UNREACHABLE = 3  # consecutive parts whose call could not be completed: then the run stops


@dataclass(frozen=True)
class PublishSettings:
    markup: str
    hold_pct: str
    location_ids: dict[str, str]
    location_map: dict[str, str]
    location_codes: dict[str, str]


@dataclass
class Plan:
    part: str
    sku: str
    price: Decimal
    cost: Decimal
    quantity: int
    image_url: str
    input: dict
    hash: str


@dataclass
class ChunkResult:
    """What one chunk did, for the asset to turn into events."""

    published: list[dict] = field(default_factory=list)  # products rows written
    unchanged: list[dict] = field(default_factory=list)  # stored products rows, no call
    held: list[tuple[str, str]] = field(default_factory=list)
    deferred: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class PublishStats:
    calls: int = 0
    points: float = 0.0
    throttled: int = 0


def next_day(now: datetime | None = None) -> datetime:
    """The next UTC midnight: when a part refused by the variant throttle is tried again."""
    now = now or datetime.now(timezone.utc)
    return (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


class Publisher:
    def __init__(self, client: ShopifyClient, store: PublishingStore, staging: StagingStore, images: ProductImages,
                 settings: PublishSettings, run_id: str):
        self.client, self.store, self.staging, self.images = client, store, staging, images
        self.settings, self.run_id = settings, run_id
        self.stats = PublishStats()
        self._unreachable = 0

    def split(self, parts: list[str]) -> tuple[list[dict], list[tuple[str, str]], list[tuple[str, str]]]:
        """(fetched rows, blocked (part, reason), not staged (part, reason)), in part order."""
        rows = {r["part_number"]: r for r in self.staging.rows(parts)}
        fetched = [rows[p] for p in parts if p in rows and rows[p]["status"] == "fetched"]
        blocked = [(p, rows[p]["status_reason"] or rows[p]["status"]) for p in parts if p in rows and rows[p]["status"] != "fetched"]
        missing = [(p, NOT_STAGED) for p in parts if p not in rows]
        return fetched, blocked, missing

    def _input(self, row: dict, image_url: str | None) -> dict:
        s = self.settings
        return product_set_input(row, price_markup_factor=s.markup, location_ids=s.location_ids, location_map=s.location_map,
                                 location_codes=s.location_codes, image_url=image_url, part_number=row["part_number"])

    def _plan(self, row: dict, image_url: str, warning: str | None, result: ChunkResult) -> Plan:
        product = self._input(row, image_url)
        cost = row_base_cost(row)
        quantity = sum(location_quantities(row, self.settings.location_ids, self.settings.location_map).values())
        if warning:
            result.warnings.append((row["part_number"], warning))
        return Plan(row["part_number"], product["variants"][0]["inventoryItem"]["sku"], shop_price(cost, self.settings.markup),
                    cost, quantity, image_url, product, payload_hash(product))

    def publish(self, rows: list[dict]) -> Iterator[ChunkResult]:
        for start in range(0, len(rows), CHUNK):
            yield self._chunk(rows[start : start + CHUNK])

    def _chunk(self, rows: list[dict]) -> ChunkResult:
        result = ChunkResult()
        parts = [r["part_number"] for r in rows]
        existing, holds = self.store.products(parts), self.store.holds(parts)
        plans: list[Plan] = []
        new_holds = []
        for row in rows:
            part, old = row["part_number"], existing.get(row["part_number"])
            if old and old["payload_hash"] and old["image_url"]:
                if payload_hash(self._input(row, old["image_url"])) == old["payload_hash"]:
                    result.unchanged.append(old)
                    continue
            price = shop_price(row_base_cost(row), self.settings.markup)
            jump = price_jump(old["price"] if old else None, price, self.settings.hold_pct)
            hold = holds.get(part)
            if jump and not (hold and hold["approved_at"] is not None and Decimal(hold["new_price"]) == price):
                if not (hold and hold["approved_at"] is None and Decimal(hold["new_price"]) == price):
                    new_holds.append((part, old["price"], price, jump))
                result.held.append((part, jump))
                continue
            sku = row["sku"]
            try:
                image = self.images.store(sku, pick_image_url(row.get("boeing_image_url"), row.get("boeing_thumbnail_url")))
                plan = self._plan(row, image.url, image.warning, result)
            except ValueError as exc:
                result.failed.append((part, str(exc)))
                continue
            if old and old["payload_hash"] == plan.hash:
                result.unchanged.append(old)
                continue
            plans.append(plan)
        self.store.hold(new_holds)
        self.store.mark_pending([{"part_number": p.part, "sku": p.sku, "price": p.price, "image_url": p.image_url}
                                 for p in plans], self.run_id)
        settled: dict[str, tuple[str, str | None]] = {}
        sent = 0
        try:
            for plan in plans:
                sent += 1
                self._call(plan, result, settled)
        finally:
            settled.update({p.part: ("not_sent", "the run stopped before this part's call") for p in plans[sent:]})
            self._write(result, settled)
        return result

    def _call(self, plan: Plan, result: ChunkResult, settled: dict) -> None:
        try:
            answer = self.client.product_set(plan.input, product_identifier(plan.part))
        except ShopifyAuthError:
            raise
        except ShopifyRetryable as exc:  # applied or not, nobody knows: the row stays pending for reconciliation
            result.failed.append((plan.part, f"{exc} (retries exhausted; left for publish_reconciliation)"))
            self._unreachable += 1
            if self._unreachable >= MAX_UNREACHABLE:
                raise
            return
        except ShopifyError as exc:  # refused as a whole: nothing applied
            result.failed.append((plan.part, str(exc)))
            settled[plan.part] = ("rejected", str(exc))
            return
        finally:
            self.stats.calls, self.stats.throttled = self.client.calls, self.client.throttled
        faults.point("publish.after_answer")
        self._unreachable = 0
        self.stats.points += float((answer.cost or {}).get("actualQueryCost") or 0)
        if answer.user_errors:
            text = "; ".join(f"{e.get('message')} ({e.get('code')}, field {e.get('field')})" for e in answer.user_errors)
            if any(e.get("code") == VARIANT_THROTTLE for e in answer.user_errors):
                result.deferred.append((plan.part, f"Shopify variant throttle: {text}"))
                settled[plan.part] = ("deferred", text)
            else:
                result.failed.append((plan.part, f"Shopify: {text}"))
                settled[plan.part] = ("rejected", text)
            return
        product = answer.root["product"]
        variant = product["variants"]["nodes"][0]
        result.published.append({
            "part_number": plan.part, "sku": plan.sku, "shopify_product_id": product["id"],
            "shopify_variant_id": variant["id"], "inventory_item_id": variant["inventoryItem"]["id"],
            "price": plan.price, "cost": plan.cost, "quantity": plan.quantity, "image_url": plan.image_url,
            "payload_hash": plan.hash, "status": "published",
        })

    def _write(self, result: ChunkResult, settled: dict) -> None:
        self.store.record_published(result.published)
        self.store.settle(settled)
        self.store.defer(dict(result.deferred), next_day())
        self.staging.record_failures(self.run_id, STAGE, result.failed)

