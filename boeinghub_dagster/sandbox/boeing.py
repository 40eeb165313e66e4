"""Local stand-in for Boeing's rate-limited PNA API (docs/behaviour.md §4), for tests and benchmarks.

The server enforces its own rate limit (token bucket) and counts every call, so a
test can prove the hub never exceeded the limit by reading `/_stats` afterwards.
Faults (5xx, malformed bodies, 429 storms, outages, expired tokens) are knobs set
through `/_admin` (boeing_operator.py), and their randomness is seeded so runs are reproducible.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import secrets
import threading
import time
from collections import Counter

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from boeinghub_dagster.sandbox.boeing_limits import BoeingKnobs, TokenBucket
from boeinghub_dagster.sandbox.boeing_operator import BoeingOperator, fresh_stats
from boeinghub_dagster.sandbox.catalogue import current_hour, doubled, line_items
from boeinghub_dagster.sandbox.images import image_asset

DEFAULT_CREDENTIALS = {
    "client_id": "sandbox-client",
    "client_secret": "sandbox-secret",
    "username": "sandbox-user",
    "password": "sandbox-pass",
}
MALFORMED_BODY = '{"currency": "USD", "lineItems": [{"aviallPartNumber": <html>upstream reset'


def _error(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


class BoeingSandbox(BoeingOperator):
    """State of one sandbox server: knobs, tokens, limiter, RNG and stats, all under one lock."""

    def __init__(
        self,
        *,
        client_id: str = DEFAULT_CREDENTIALS["client_id"],
        client_secret: str = DEFAULT_CREDENTIALS["client_secret"],
        username: str = DEFAULT_CREDENTIALS["username"],
        password: str = DEFAULT_CREDENTIALS["password"],
        **knobs,
    ):
        self.credentials = {
            "client_id": client_id,
            "client_secret": client_secret,
            "username": username,
            "password": password,
        }
        self.lock = threading.Lock()
        self.knobs = BoeingKnobs()
        self.access_tokens: dict[str, float] = {}  # token -> monotonic expiry
        self.part_tokens: dict[str, float] = {}
        self.issued: list[str] = []  # every token handed out, expired ones too (GET /_issued_tokens)
        self.stats = fresh_stats()
        self.asked: Counter[str] = Counter()  # price requests per product code (a part asked twice shows here)
        self.bucket = TokenBucket(self.knobs.rate_per_min, self.knobs.burst)
        self.rng = random.Random(self.knobs.seed)
        self.configure(knobs)

    def _ttl(self) -> float | int:
        ttl = self.knobs.token_ttl
        return int(ttl) if float(ttl).is_integer() else ttl

    def _issue(self, store: dict[str, float]) -> str:
        token = secrets.token_urlsafe(24)
        store[token] = time.monotonic() + self.knobs.token_ttl
        self.issued.append(token)
        return token

    @staticmethod
    def _valid(store: dict[str, float], token: str | None) -> bool:
        expiry = store.get(token or "")
        return expiry is not None and time.monotonic() < expiry

    @staticmethod
    def _bearer(request: Request) -> str | None:
        value = request.headers.get("authorization", "")
        return value[7:].strip() if value[:7].lower() == "bearer " else None

    # -- endpoints ----------------------------------------------------------
    async def token(self, request: Request) -> Response:
        form = await request.form()
        with self.lock:
            self.stats["token_calls"] += 1
            if self.knobs.outage:
                return _error(503, "service unavailable")
            ok = (
                form.get("grant_type") == "client_credentials"
                and form.get("client_id") == self.credentials["client_id"]
                and form.get("client_secret") == self.credentials["client_secret"]
            )
            if not ok:
                return _error(401, "invalid_client")
            token = self._issue(self.access_tokens)
            ttl = self._ttl()
        return JSONResponse({"access_token": token, "token_type": "Bearer", "expires_in": ttl})

    async def part_token(self, request: Request) -> Response:
        h = request.headers
        with self.lock:
            self.stats["part_token_calls"] += 1
            if self.knobs.outage:
                return _error(503, "service unavailable")
            if not self._valid(self.access_tokens, self._bearer(request)):
                return _error(401, "invalid_token")
            if (
                h.get("x-username") != self.credentials["username"]
                or h.get("x-password") != self.credentials["password"]
            ):
                return _error(401, "invalid_user")
            token = self._issue(self.part_tokens)
            ttl = self._ttl()
        return JSONResponse({"partAccessToken": token, "expires_in": ttl}, headers={"x-part-access-token": token})

    async def price(self, request: Request) -> Response:
        response = await self._price(request)
        with self.lock:
            counts = self.stats["status_counts"]
            key = str(response.status_code)
            counts[key] = counts.get(key, 0) + 1
        return response

    async def _price(self, request: Request) -> Response:
        with self.lock:
            k, s = self.knobs, self.stats
            now = time.time()
            s["price_calls"] += 1
            s["first_price_call_at"] = s["first_price_call_at"] or now
            s["last_price_call_at"] = now
            if k.outage:
                return _error(503, "service unavailable")
            if k.storm_429 > 0:
                k.storm_429 -= 1
                s["responses_429"] += 1
                return _error(429, "rate limit exceeded", {"Retry-After": str(max(1, k.storm_retry_after))})
            wait = self.bucket.take()
            if wait is not None:
                s["over_limit"] += 1
                s["responses_429"] += 1
                return _error(429, "rate limit exceeded", {"Retry-After": str(max(1, math.ceil(wait)))})
            if not (
                self._valid(self.access_tokens, self._bearer(request))
                and self._valid(self.part_tokens, request.headers.get("x-boeing-parts-authorization"))
            ):
                return _error(401, "invalid_token")
            max_codes = k.max_codes
        try:
            body = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            return _error(400, "body is not JSON")
        codes = body.get("productCodes") if isinstance(body, dict) else None
        if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
            return _error(400, "productCodes must be a non-empty list of strings")
        if len(codes) > max_codes:
            return _error(400, f"too many productCodes: {len(codes)} > {max_codes}")
        with self.lock:
            self.stats["codes_requested"] += len(codes)
            self.asked.update(codes)
            # Both dice are always rolled so the fault sequence depends only on the seed.
            fail, malformed = self.rng.random(), self.rng.random()
            error_status = self.rng.choice((500, 502, 503))
            k = self.knobs
            fault = error_status if fail < k.error_rate else "malformed" if malformed < k.malformed_rate else None
            latency, hour = k.latency_ms, k.hour
            withheld = {c.strip().upper() for c in k.withheld.split(",") if c.strip()}
            repriced = {c.strip().upper() for c in k.repriced.split(",") if c.strip()}
        if latency > 0:  # faults take time too, as they do upstream
            await asyncio.sleep(latency / 1000.0)
        if fault == "malformed":
            return Response(MALFORMED_BODY, status_code=200, media_type="application/json")
        if fault is not None:
            return _error(fault, "upstream error")
        items = line_items(
            [c for c in codes if c.strip().upper() not in withheld],
            current_hour() if hour is None else hour,
            str(request.base_url),
        )
        items = [doubled(i) if i["aviallPartNumber"] in repriced else i for i in items]
        if body.get("showNoStock") is False:
            items = [i for i in items if sum(x["availQuantity"] for x in i["locationAvailabilities"]) > 0]
        if body.get("showLocation") is False:
            items = [{**i, "locationAvailabilities": []} for i in items]
        with self.lock:
            self.stats["items_returned"] += len(items)
        return JSONResponse({"currency": "USD", "lineItems": items})

    async def image(self, request: Request) -> Response:
        """Product images, standing in for Boeing's image host (no knobs, no rate limit)."""
        status, content_type, body = image_asset(request.path_params["name"])
        return Response(body, status_code=status, media_type=content_type)

    async def stats_endpoint(self, request: Request) -> Response:
        return JSONResponse(self.snapshot())

    async def issued_tokens(self, request: Request) -> Response:
        """Every access and part token handed out so far: tests scan stored data for them."""
        with self.lock:
            return JSONResponse({"tokens": list(self.issued)})

    async def admin(self, request: Request) -> Response:
        try:
            changes = json.loads(await request.body() or b"{}")
            if not isinstance(changes, dict):
                raise ValueError("body must be a JSON object")
            return JSONResponse(self.configure(changes))
        except (ValueError, TypeError) as exc:
            return _error(400, str(exc))

    async def admin_reset(self, request: Request) -> Response:
        self.reset_stats()
        return JSONResponse(self.snapshot())

    def app(self) -> Starlette:
        app = Starlette(
            routes=[
                Route("/oauth/token", self.token, methods=["POST"]),
                Route("/pna/oauth", self.part_token, methods=["GET"]),
                Route("/pna/price", self.price, methods=["POST"]),
                Route("/images/{name:path}", self.image, methods=["GET"]),
                Route("/_stats", self.stats_endpoint, methods=["GET"]),
                Route("/_issued_tokens", self.issued_tokens, methods=["GET"]),
                Route("/_admin", self.admin, methods=["POST"]),
                Route("/_admin/reset", self.admin_reset, methods=["POST"]),
            ]
        )
        app.state.sandbox = self
        return app


def create_boeing_app(
    *,
    client_id: str = DEFAULT_CREDENTIALS["client_id"],
    client_secret: str = DEFAULT_CREDENTIALS["client_secret"],
    username: str = DEFAULT_CREDENTIALS["username"],
    password: str = DEFAULT_CREDENTIALS["password"],
    **knobs,
) -> Starlette:
    """Starlette app for the sandbox; `knobs` are any BoeingKnobs fields (rate_per_min=..., seed=...).

    The state object is reachable as `app.state.sandbox` for in-process inspection.
    """
    return BoeingSandbox(
        client_id=client_id, client_secret=client_secret, username=username, password=password, **knobs
    ).app()
