"""Local stand-in for Shopify's Admin GraphQL API (docs/behaviour.md §6, §7, §7a), for tests, demos and benchmarks.

`POST /admin/api/<version>/graphql.json` with `X-Shopify-Access-Token`, answered like Shopify:
documents validated against an SDL that uses Shopify's names and nullability (every type, field and
enum value is checked against Shopify's published schema by test_shopify_reference_schema.py),
business errors as `userErrors` (HTTP 200), `extensions.cost` with the leaky bucket's
`throttleStatus`, THROTTLED (HTTP 200, no `data`) when the bucket cannot pay, and
MAX_COST_EXCEEDED over 1,000 requested points. The shop lives in a SQLite file, so a restart keeps it.

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

from graphql import FragmentDefinitionNode, GraphQLError, OperationType, execute, parse, validate
from graphql.utilities import get_operation_ast
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from boeinghub_dagster.sandbox.shopify_access import access_check
from boeinghub_dagster.sandbox.shopify_app import admin_route
from boeinghub_dagster.sandbox.shopify_context import RequestContext
from boeinghub_dagster.sandbox.shopify_cost import CostError, LeakyBucket, QueryCost, oversized_arrays
from boeinghub_dagster.sandbox.shopify_idempotency import hold_keys
from boeinghub_dagster.sandbox.shopify_knobs import ShopifyKnobs, apply_changes
from boeinghub_dagster.sandbox.shopify_media import pending_media, process_media
from boeinghub_dagster.sandbox.shopify_operator import COUNTED, OperatorEndpoints, fresh_stats
from boeinghub_dagster.sandbox.shopify_partial import failing_field
from boeinghub_dagster.sandbox.shopify_schema import shopify_schema
from boeinghub_dagster.sandbox.shopify_store import DEFAULT_LOCATIONS, DEFAULT_PUBLICATIONS, ShopifyStore
from boeinghub_dagster.sandbox.shopify_versions import served_version

DEFAULT_ACCESS_TOKEN = "shpat_sandbox_token"
UNAUTHORIZED = "[API] Invalid API key or access token (unrecognized login or wrong password)"
RATE_LIMITS_DOC = "https://shopify.dev/api/usage/rate-limits"
MAX_COST_MESSAGE = (
    "Query cost is {cost}, which exceeds the single query max cost limit ({max}).\n\nSee "
    "https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is "
    "calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\n"
    "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n"
)


class ShopifySandbox(OperatorEndpoints):
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

    def _run(
        self, query: str, variables: dict, operation_name: str | None, context: RequestContext
    ) -> tuple[dict, bool, list[int]]:
        """(answer body, whether a mutation ran, media ids to fetch) for one GraphQL document."""
        try:
            document = parse(query)
        except GraphQLError as exc:
            return self._refused([exc.formatted], "invalid_documents"), False, []
        errors = validate(self.schema, document)
        operation = get_operation_ast(document, operation_name) if not errors else None
        if errors or operation is None:
            errors = errors or [
                GraphQLError(
                    "An operation name is required"
                    if operation_name is None
                    else f"No operation named '{operation_name}'"
                )
            ]
            return self._refused([e.formatted for e in errors], "invalid_documents"), False, []
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        pricing = QueryCost(self.schema, operation, fragments, variables)
        try:
            requested = pricing.requested()
        except CostError as exc:
            return (
                self._refused([{"message": str(exc), "extensions": {"code": "BAD_REQUEST"}}], "invalid_documents"),
                False,
                [],
            )
        if requested > self.knobs.max_query_cost:
            error = {
                "message": MAX_COST_MESSAGE.format(cost=requested, max=self.knobs.max_query_cost),
                "extensions": {
                    "code": "MAX_COST_EXCEEDED",
                    "cost": requested,
                    "maxCost": self.knobs.max_query_cost,
                    "documentation": RATE_LIMITS_DOC,
                },
            }
            return self._refused([error], "max_cost_exceeded", requested), False, []
        oversized = oversized_arrays(operation, variables, self.knobs.max_input_array)
        if oversized:
            errors = [
                {
                    "message": f"The input array size of {size} is greater than the maximum allowed of "
                    f"{self.knobs.max_input_array}.",
                    "path": path,
                    "extensions": {"code": "MAX_INPUT_SIZE_EXCEEDED"},
                }
                for size, path in oversized
            ]
            return self._refused(errors, "input_too_large", requested), False, []
        with self.lock:
            storm = self.knobs.throttle_storm > 0
            if storm:
                self.knobs.throttle_storm -= 1
            if storm or not self.bucket.try_take(requested):
                self.stats["throttled"] += 1
                error = {"message": "Throttled", "extensions": {"code": "THROTTLED", "documentation": RATE_LIMITS_DOC}}
                return {"errors": [error], "extensions": {"cost": self._cost(requested, None)}}, False, []
        is_mutation = operation.operation == OperationType.MUTATION
        middleware = [access_check(self.knobs.access_scopes), failing_field(self.knobs.fail_field)]
        result = execute(
            self.schema,
            document,
            context_value=context,
            variable_values=variables,
            operation_name=operation_name,
            middleware=[m for m in middleware if m],
        )
        actual = pricing.actual(result.data) if result.data is not None else 0
        with self.lock:
            self.bucket.refund(requested - actual)
            s = self.stats
            s["mutations" if is_mutation else "queries"] += 1
            s["points_requested"] += requested
            s["points_spent"] += actual
            for sel in operation.selection_set.selections:
                name = getattr(getattr(sel, "name", None), "value", None)
                if name:
                    s["root_fields"][name] = s["root_fields"].get(name, 0) + 1
            for name in COUNTED:
                s[name] += context.counters.get(name, 0)
            s["partial_answers"] += int(bool(result.errors) and bool(result.data))
        answer: dict = {}
        if result.errors:
            answer["errors"] = [e.formatted for e in result.errors]
        # GraphQL spec, "Response": once execution started `data` is there, null when an error reached
        # it; an error before execution (variables that do not coerce; no `path`) leaves it out
        if result.data is not None or any(e.path for e in result.errors or ()):
            answer["data"] = result.data
        answer["extensions"] = {"cost": self._cost(requested, actual)}
        if context.search_warnings:
            answer["extensions"]["search"] = context.search_warnings
        return answer, is_mutation and result.data is not None, list(context.media_to_fetch)

    def _cost(self, requested: int, actual: int | None) -> dict:
        return {"requestedQueryCost": requested, "actualQueryCost": actual, "throttleStatus": self.bucket.status()}

    def _refused(self, errors: list[dict], counter: str, requested: int = 0) -> dict:
        self._bump(counter)
        with self.lock:
            cost = self._cost(requested, None)
        return {"errors": errors, "extensions": {"cost": cost}}

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
