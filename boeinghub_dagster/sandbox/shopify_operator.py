"""Operator side of the Shopify sandbox: knobs (`POST /_admin`), counters (`GET /_stats`), resets.

Not part of Shopify's API: these endpoints let tests and benchmarks turn faults on, move the
simulated day, add a location as a merchant would, and read what the shop saw.
"""

from __future__ import annotations

import json
import random

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from boeinghub_dagster.domain.shopify_api import PART_NUMBER_METAFIELD_KEY, PART_NUMBER_METAFIELD_NAMESPACE
from boeinghub_dagster.sandbox.shopify_context import RequestContext
from boeinghub_dagster.sandbox.shopify_knobs import apply_changes, as_dict
from boeinghub_dagster.sandbox.shopify_publications import products_per_publication

COUNTED = (
    "user_errors",
    "variant_throttled",
    "idempotent_replays",
    "idempotency_previous_failed",
    "idempotency_mismatches",
    "idempotency_concurrent",
    "publishes",
    "unpublishes",
    "field_errors_injected",
)


def fresh_stats() -> dict:
    return {
        "calls": 0,
        "unauthorized": 0,
        "queries": 0,
        "mutations": 0,
        "root_fields": {},
        "points_requested": 0,
        "points_spent": 0,
        "throttled": 0,
        "max_cost_exceeded": 0,
        "input_too_large": 0,
        "invalid_documents": 0,
        "errors_injected": 0,
        "outage_refusals": 0,
        "apply_then_fail": 0,
        "user_errors": 0,
        "variant_throttled": 0,
        "idempotent_replays": 0,
        "idempotency_previous_failed": 0,
        "idempotency_mismatches": 0,
        "idempotency_concurrent": 0,
        "publishes": 0,
        "unpublishes": 0,
        "field_errors_injected": 0,
        "partial_answers": 0,
        "status_counts": {},
        "versions_served": {},
        "first_call_at": None,
        "last_call_at": None,
    }


class OperatorEndpoints:
    """Mixed into ShopifySandbox (which holds store, knobs, bucket, rng, stats, lock and token)."""

    # -- knobs / stats ------------------------------------------------------------------
    def configure(self, changes: dict) -> dict:
        """Apply knobs (ValueError on unknown names or bad values; a bad request changes nothing).

        `add_location` (a name) is an action, not a setting: the merchant opens a location, where no
        item is stocked until it is activated there.
        """
        changes = dict(changes)
        location = changes.pop("add_location", None)
        if location is not None and (not isinstance(location, str) or not location.strip()):
            raise ValueError(f"add_location: bad value {location!r} (a location name)")
        with self.lock:
            self.knobs = apply_changes(self.knobs, changes)
            if {"bucket_size", "restore_rate"} & set(changes):
                self.bucket.configure(self.knobs.bucket_size, self.knobs.restore_rate, refill="bucket_size" in changes)
            if "seed" in changes:
                self.rng = random.Random(self.knobs.seed)
            knobs = as_dict(self.knobs)
        if location is not None:
            self.store.add_location(location.strip())
        return knobs

    def reset(self, wipe: bool = False) -> None:
        """Zero the counters and refill the bucket; `wipe` also empties the shop."""
        with self.lock:
            self.stats = fresh_stats()
            self.bucket.configure(self.knobs.bucket_size, self.knobs.restore_rate, refill=True)
        if wipe:
            self.store.wipe()

    def snapshot(self) -> dict:
        with self.lock:
            out = json.loads(json.dumps(self.stats))
            out["config"] = as_dict(self.knobs)
            out["bucket"] = self.bucket.status()
        day = RequestContext(self.store, self.knobs).day
        out.update(
            {
                "products": self.store.count("products"),
                "variants": self.store.count("variants"),
                "products_per_part_number": self.store.products_per_metafield_value(
                    PART_NUMBER_METAFIELD_NAMESPACE, PART_NUMBER_METAFIELD_KEY
                ),
                "media_statuses": self.store.media_statuses(),
                "day": day,
                "products_per_publication": products_per_publication(self.store),
                "variants_created_today": self.store.variants_created_on(day),
            }
        )
        return out

    def _bump(self, name: str, n: int = 1) -> None:
        with self.lock:
            self.stats[name] += n

    # -- operator endpoints -------------------------------------------------------------------
    async def stats_endpoint(self, request: Request) -> Response:
        return JSONResponse(self.snapshot())

    async def issued_tokens(self, request: Request) -> Response:
        """The tokens this shop accepts (its Admin API access token; it issues no others)."""
        return JSONResponse({"tokens": [self.token]})

    async def admin(self, request: Request) -> Response:
        try:
            changes = json.loads(await request.body() or b"{}")
            if not isinstance(changes, dict):
                raise ValueError("body must be a JSON object")
            return JSONResponse(self.configure(changes))
        except (ValueError, TypeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

    async def admin_reset(self, request: Request) -> Response:
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict) or set(body) - {"wipe"}:
            return JSONResponse({"error": 'body must be {} or {"wipe": true}'}, status_code=400)
        self.reset(wipe=bool(body.get("wipe")))
        return JSONResponse(self.snapshot())
