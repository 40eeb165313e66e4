"""Local stand-in for Shopify's Admin GraphQL API (docs/behaviour.md §6, §7, §7a), for tests, demos and benchmarks.

`POST /admin/api/<version>/graphql.json` with `X-Shopify-Access-Token`, answered like Shopify:
documents validated against an SDL that uses Shopify's names and nullability (every type, field and
enum value is checked against Shopify's published schema by test_shopify_reference_schema.py),
business errors as `userErrors` (HTTP 200), `extensions.cost` with the leaky bucket's
`throttleStatus`, THROTTLED (HTTP 200, no `data`) when the bucket cannot pay, and
MAX_COST_EXCEEDED over 1,000 requested points (shopify_execution.py). The shop lives in a SQLite file,
so a restart keeps it.

Shopify's documented rules it follows, each with the sentence it follows in its module:
- productSet list fields (metafields, variants, collections, files) replace when sent, stay when
  omitted; other fields change only when sent (shopify_product_set.py);
- sales channels: `publications` (Online Store, Point of Sale), `publishablePublish/Unpublish`,
  `publishedOnPublication`; an ACTIVE product is published nowhere by itself (shopify_publications.py);
- an existing variant takes quantities only where it is stocked; `inventoryActivate` stocks it
  (shopify_product_set.py, shopify_inventory.py);
- the large-store variant throttle is a top-level VARIANT_THROTTLE_EXCEEDED with productSet's data
  null; VARIANTS_OVER_LIMIT is the user error for more than 2,048 variants (shopify_writes.py);
- `@idempotent(key:)`: replay after success, IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED after a failure,
  IDEMPOTENCY_KEY_PARAMETER_MISMATCH, IDEMPOTENCY_CONCURRENT_REQUEST (shopify_idempotency.py);
- `X-Shopify-API-Version` on every answer; an unsupported version is served by the oldest supported
  one, HTTP 200 (shopify_versions.py);
- productSet costs by its input: 0.2 per variant, 0.4 per metafield, 1.9 per file (shopify_cost.py);
- answers may carry `data` and `errors` together (shopify_partial.py);
- the token's access scopes are readable and enforced, ACCESS_DENIED outside them (shopify_access.py).
The merchant's side (collectionCreate, metafieldsSet, productUpdate media and collections) is in
shopify_merchant.py.

Knobs (shopify_knobs.py; CLI flags, and live with `POST /_admin`, JSON): bucket, limits, faults
(error_rate, latency_ms, throttle_storm, apply_then_fail_rate, outage), the variant throttle
(variant_threshold, variants_per_day, day_offset, `{"advance_day": 1}`), api_versions, access_scopes,
fail_field, and the action `{"add_location": "Denver"}`. `GET /_stats` counts calls, points, throttled
answers, user errors, idempotency outcomes, publishes, versions served, partial answers, products per
`custom.boeing_part_number` and per publication, and media statuses (shopify_operator.py).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import threading
import time

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from boeinghub_dagster.sandbox.shopify_app import admin_route
from boeinghub_dagster.sandbox.shopify_context import RequestContext
from boeinghub_dagster.sandbox.shopify_cost import LeakyBucket
from boeinghub_dagster.sandbox.shopify_execution import DocumentExecution
from boeinghub_dagster.sandbox.shopify_idempotency import hold_keys
from boeinghub_dagster.sandbox.shopify_knobs import ShopifyKnobs, apply_changes
from boeinghub_dagster.sandbox.shopify_media import pending_media, process_media
from boeinghub_dagster.sandbox.shopify_operator import OperatorEndpoints, fresh_stats
from boeinghub_dagster.sandbox.shopify_schema import shopify_schema
from boeinghub_dagster.sandbox.shopify_store import DEFAULT_LOCATIONS, DEFAULT_PUBLICATIONS, ShopifyStore
from boeinghub_dagster.sandbox.shopify_versions import served_version

DEFAULT_ACCESS_TOKEN = "shpat_sandbox_token"
UNAUTHORIZED = "[API] Invalid API key or access token (unrecognized login or wrong password)"


class ShopifySandbox(OperatorEndpoints, DocumentExecution):
    """State of one sandbox server: the shop (SQLite), knobs, cost bucket, RNG and stats."""

    def __init__(
        self,
        db_path: str = ":memory:",
        *,
        access_token: str = DEFAULT_ACCESS_TOKEN,
        locations: tuple[str, ...] = DEFAULT_LOCATIONS,
        publications: tuple[str, ...] = DEFAULT_PUBLICATIONS,
        **knobs,
    ):
        self.token = access_token
        self.store = ShopifyStore(db_path, tuple(locations), tuple(publications))
        self.lock = threading.Lock()
        self.knobs = apply_changes(ShopifyKnobs(), knobs)
        self.bucket = LeakyBucket(self.knobs.bucket_size, self.knobs.restore_rate)
        self.rng = random.Random(self.knobs.seed)
        self.stats = fresh_stats()
        self.schema = shopify_schema()
        self._resumed = False
        self.in_flight: dict[str, int] = {}  # idempotency key -> the request holding it (shopify_idempotency)
        self._requests = itertools.count(1)

    # -- the GraphQL endpoint ----------------------------------------------------------------
    async def graphql(self, request: Request) -> Response:
        """Every answer names the version that served it (shopify_versions.py)."""
        served = served_version(request.path_params["version"], self.knobs.api_versions)
        response = await self._graphql(request)
        response.headers["X-Shopify-API-Version"] = served
        with self.lock:
            for name, key in (("status_counts", str(response.status_code)), ("versions_served", served)):
                self.stats[name][key] = self.stats[name].get(key, 0) + 1
        return response

    async def _graphql(self, request: Request) -> Response:
        """`latency_ms` is spent half before the document runs and half after, like a round trip; an
        idempotency key the request carries is in flight from its arrival until it is answered."""
        raw, request_id, half = await request.body(), next(self._requests), self.knobs.latency_ms / 2000.0
        held = hold_keys(self.in_flight, raw, request_id)
        try:
            if half > 0:
                await asyncio.sleep(half)
            response = await self._answer(request, raw, request_id)
            if half > 0:
                await asyncio.sleep(half)
            return response
        finally:
            for key in held:
                self.in_flight.pop(key, None)

    async def _answer(self, request: Request, raw: bytes, request_id: int) -> Response:
        k = self.knobs
        with self.lock:
            now = time.time()
            self.stats["calls"] += 1
            self.stats["first_call_at"] = self.stats["first_call_at"] or now
            self.stats["last_call_at"] = now
            # every die is rolled on every call so the fault sequence depends only on the seed
            fault, fault_status = self.rng.random(), self.rng.choice((500, 502, 503, 504))
            fail_after = self.rng.random()
        if k.outage:
            self._bump("outage_refusals")
            return JSONResponse({"errors": "Service Unavailable"}, status_code=503)
        if request.headers.get("x-shopify-access-token") != self.token:
            self._bump("unauthorized")
            return JSONResponse({"errors": UNAUTHORIZED}, status_code=401)
        if fault < k.error_rate:
            self._bump("errors_injected")
            return _server_error(fault_status)
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            body = None
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("query"), str)
            or not isinstance(body.get("variables") or {}, dict)
        ):
            return JSONResponse({"errors": {"query": "Required parameter missing or invalid"}}, status_code=400)
        context = RequestContext(
            self.store,
            self.knobs,
            base_url=str(request.base_url).rstrip("/"),
            in_flight=self.in_flight,
            request_id=request_id,
        )
        answer, is_mutation, media = self._run(
            body["query"], body.get("variables") or {}, body.get("operationName"), context
        )
        if not self._resumed:
            self._resumed = True
            media = sorted(set(media) | set(pending_media(self.store)))
        task = BackgroundTask(process_media, self.store, media, k.media_fetch_timeout) if media else None
        if is_mutation and fail_after < k.apply_then_fail_rate:
            self._bump("apply_then_fail")
            return Response(
                "<html><body><h1>502 Bad Gateway</h1></body></html>",
                status_code=502,
                media_type="text/html",
                background=task,
            )
        return JSONResponse(answer, background=task)

    def app(self) -> Starlette:
        app = Starlette(
            routes=[
                Route("/admin/api/{version}/graphql.json", self.graphql, methods=["POST"]),
                Route("/_stats", self.stats_endpoint, methods=["GET"]),
                Route("/_issued_tokens", self.issued_tokens, methods=["GET"]),
                Route("/_admin", self.admin, methods=["POST"]),
                Route("/_admin/reset", self.admin_reset, methods=["POST"]),
                admin_route(self),
            ]
        )
        app.state.sandbox = self
        return app


def _server_error(status: int) -> Response:
    if status in (500, 503):
        message = "Internal Server Error" if status == 500 else "Service Unavailable"
        return JSONResponse({"errors": message}, status_code=status)
    return Response(
        f"<html><body><h1>{status} Gateway Error</h1></body></html>", status_code=status, media_type="text/html"
    )


def create_shopify_app(
    db_path: str = ":memory:",
    *,
    access_token: str = DEFAULT_ACCESS_TOKEN,
    locations: tuple[str, ...] = DEFAULT_LOCATIONS,
    publications: tuple[str, ...] = DEFAULT_PUBLICATIONS,
    **knobs,
) -> Starlette:
    """Starlette app for the sandbox; `knobs` are any ShopifyKnobs fields (bucket_size=..., error_rate=...).

    The state object is reachable as `app.state.sandbox` (e.g. `.store.close()` before reopening the file).
    """
    return ShopifySandbox(
        db_path, access_token=access_token, locations=locations, publications=publications, **knobs
    ).app()
