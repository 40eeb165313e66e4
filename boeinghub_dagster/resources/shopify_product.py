"""The hub's writes of one product on Shopify (docs/behaviour.md §6, §7a): create it, update only what the hub owns,
put it on the configured sales channels, stock it at the locations it is sold from.

Create is one `productSet` upsert by the part-number metafield with the full input. An update
goes by the product's id (a product the merchant deleted answers PRODUCT_DOES_NOT_EXIST and is
created again) and sends only the hub's share, as `domain/product_sections.py` says why:
first `inventoryActivate` for every location the item is not stocked at yet (Shopify sets an
existing variant's quantity only where it is stocked), then `productSet` without the
merchant's list fields, then `metafieldsSet` / `metafieldsDelete` of the hub's keys when they
changed. Last, `publishablePublish` for the publications the product is not on yet: ACTIVE
alone sells nowhere. Used by publishing, sync (stocking) and reconciliation (publishing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from boeinghub_dagster.domain import product_sections as sections
from boeinghub_dagster.domain.metafields import METAFIELD_NAMESPACE
from boeinghub_dagster.domain.payloads import product_identifier
from boeinghub_dagster.resources.shopify import (
    ShopifyClient,
    ShopifyError,
    ShopifyFatal,
    ShopifyResult,
    ShopifyRetryable,
)
from boeinghub_dagster.resources.shopify_idempotency import IdempotentCalls

GONE = "PRODUCT_DOES_NOT_EXIST"


class PartRefused(ShopifyError):
    """Shopify refused this part's change (its own words); nothing of the refused call was applied."""


@dataclass
class Held:
    """What the products row says the hub holds on Shopify (None: not known, e.g. published before 0007)."""

    product_id: str | None = None
    variant_id: str | None = None
    inventory_item_id: str | None = None
    image_url: str | None = None
    stocked: list[str] | None = None
    media_id: str | None = None
    owned: dict | None = None
    publications: list[str] | None = None

    @classmethod
    def from_row(cls, row: dict | None) -> Held | None:
        if not row or not row.get("shopify_product_id"):
            return None
        return cls(
            row["shopify_product_id"],
            row.get("shopify_variant_id"),
            row.get("inventory_item_id"),
            row.get("image_url"),
            row.get("stocked_locations"),
            row.get("media_id"),
            row.get("owned"),
            row.get("publications"),
        )


@dataclass
class Written(Held):
    """What the hub holds after its writes; `error` when the product exists but not all of the change reached it."""

    error: str | None = None
    calls: list[str] = field(default_factory=list)

    def columns(self) -> dict:
        """The products-row columns this outcome sets."""
        return {
            "shopify_product_id": self.product_id,
            "shopify_variant_id": self.variant_id,
            "inventory_item_id": self.inventory_item_id,
            "stocked_locations": self.stocked,
            "media_id": self.media_id,
            "owned": self.owned,
            "publications": self.publications,
        }


def refusal(result: ShopifyResult) -> str:
    return f"Shopify: {result.problem()}"


def applied(result: ShopifyResult, root: str) -> dict:
    """The payload of a mutation that went through. A mutation is all or nothing: user errors, or its root
    field failing, mean nothing applied (`PartRefused`); a field of its answer failing means it applied but
    cannot be read whole, which reconciliation settles from the shop (`ShopifyRetryable`)."""
    payload = result.data.get(root)
    if result.user_errors or payload is None:
        raise PartRefused(refusal(result))
    if result.errors:
        raise ShopifyRetryable(f"Shopify applied {root} but part of its answer failed ({result.problem()[:300]})")
    return payload


def level_locations(snapshot: dict | None) -> list[str] | None:
    """Location gids the product's variant is stocked at, from `PRODUCT_SNAPSHOT`; None without a product."""
    if snapshot is None or not snapshot["variants"]["nodes"]:
        return None
    levels = snapshot["variants"]["nodes"][0]["inventoryItem"]["inventoryLevels"]["nodes"]
    return [lv["location"]["id"] for lv in levels]


@dataclass
class ProductWriter:
    client: ShopifyClient
    keys: IdempotentCalls
    publication_ids: Sequence[str]
    now: datetime | None = None  # the hour an activation key is for; None: the clock

    def hour(self) -> str:
        return (self.now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H")

    def write(self, part: str, full: dict, held: Held | None) -> Written:
        """Create or update one product and publish it. Raises `PartRefused` when nothing was applied,
        `ShopifyVariantThrottled`, `ShopifyRetryable` (unknown whether applied) and `ShopifyFatal` as they come."""
        done = self._update(part, full, held) if held else None
        if done is None:
            done = self._create(part, full)
        if done.error is None:
            self.publish(done)
        return done

    def _create(self, part: str, full: dict) -> Written:
        product = applied(self.client.product_set(full, product_identifier(part)), "productSet")["product"]
        variant = product["variants"]["nodes"][0]
        media = product["media"]["nodes"]
        return Written(
            product["id"],
            variant["id"],
            variant["inventoryItem"]["id"],
            image_url=(full.get("files") or [{}])[0].get("originalSource"),
            stocked=[q["locationId"] for v in full["variants"] for q in v.get("inventoryQuantities") or []],
            media_id=media[0]["id"] if media and full.get("files") else None,
            owned=sections.owned_state(full),
            calls=["productSet"],
        )

    def _update(self, part: str, full: dict, held: Held) -> Written | None:
        """The update of a product the hub published; None when the product is gone from the shop."""
        needed = [q["locationId"] for v in full["variants"] for q in v.get("inventoryQuantities") or []]
        done = Written(**vars(replace(held)))
        stocked = self.stock(done, needed)
        if stocked is None:
            return None
        image = (full.get("files") or [{}])[0].get("originalSource")
        files = None
        if image and image != held.image_url:
            media = self.client.product_media(held.product_id)
            if media is None:
                return None
            files = sections.image_files(full, media, held.media_id)
            done.calls.append("product media")
        todo = sections.changed(full, held.owned)
        update = sections.update_input(
            full, variant_id=held.variant_id, stocked=stocked, send_tags="tags" in todo, files=files
        )
        answer = self.client.product_set(update, {"id": held.product_id})
        done.calls.append("productSet")
        if GONE in answer.codes():
            return None
        product = applied(answer, "productSet")["product"]
        variant = product["variants"]["nodes"][0]
        done.variant_id, done.inventory_item_id = variant["id"], variant["inventoryItem"]["id"]
        if files is not None:
            kept = {f.get("id") for f in files}
            alt = files[-1].get("alt")
            done.media_id = next(
                (m["id"] for m in product["media"]["nodes"] if m["id"] not in kept and m.get("alt") == alt), None
            )
            done.image_url = image
        done.owned = {**(held.owned or {}), "tags": sections.owned_state(full)["tags"]}
        if "metafields" in todo:
            try:
                done.error = self._metafields(done, full, held.owned)
            except ShopifyFatal:
                raise
            except ShopifyError as exc:  # the product is updated: its row is written, the part fails for now
                done.error = f"metafields not updated: {exc}"
        return done

    def _metafields(self, done: Written, full: dict, owned: dict | None) -> str | None:
        """Set the hub's metafields, delete its emptied keys; the error text, or None."""
        result = self.client.metafields_set(sections.metafields_set_input(full, done.product_id))
        done.calls.append("metafieldsSet")
        if not result.ok:
            return f"metafields not updated: {refusal(result)}"
        emptied = sections.emptied_keys(full, owned)
        if emptied:
            result = self.client.metafields_delete(done.product_id, METAFIELD_NAMESPACE, emptied)
            done.calls.append("metafieldsDelete")
            if not result.ok:
                return f"emptied metafields not deleted: {refusal(result)}"
        state = sections.owned_state(full)
        done.owned = {**(done.owned or {}), "metafields": state["metafields"], "keys": state["keys"]}
        return None

    def stock(self, held: Held, needed: Sequence[str]) -> list[str] | None:
        """Stock the item at every `needed` location it is not stocked at yet; the locations it is stocked at
        now, or None when the product is gone. Raises `PartRefused` when Shopify refuses a location."""
        stocked = held.stocked
        if stocked is None:  # published before the hub recorded it: ask once
            stocked = level_locations(self.client.product_snapshot(held.product_id))
            if stocked is None:
                return None
        stocked = list(stocked)
        for location in needed:
            if location in stocked:
                continue
            item = held.inventory_item_id
            result = self.keys.call(
                "activate",
                f"{item}|{location}|{self.hour()}",
                lambda key, loc=location, item=item: self.client.activate_inventory(item, loc, key),
            )
            if not result.ok:
                raise PartRefused(f"stocking at location {location} failed: {refusal(result)}")
            stocked.append(location)
        held.stocked = stocked
        return stocked

    def publish(self, done: Held | Written) -> str | None:
        """Put the product on the configured publications it is not on yet; the error text, or None."""
        missing = [p for p in self.publication_ids if p not in (done.publications or [])]
        if not missing:
            return None
        try:
            result = self.client.publish(done.product_id, missing)
            problem = None if result.ok else refusal(result)
        except ShopifyFatal:
            raise
        except ShopifyError as exc:  # the product exists either way: its row is written, the channels wait
            problem = str(exc)
        if isinstance(done, Written):
            done.calls.append("publishablePublish")
        if problem:
            error = f"on Shopify but not on its sales channels: {problem}"
            if isinstance(done, Written):
                done.error = error
            return error
        done.publications = sorted(set(done.publications or []) | set(missing))
        return None
