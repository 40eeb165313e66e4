"""Shopify Admin GraphQL client (SPEC §6, §7) and its Dagster resource.

httpx rather than the ShopifyAPI package, on purpose: its GraphQL call has no timeout
(Shopify/shopify_python_api issues #594 and #630, closed as stale) and hands back the raw body
with no throttle handling, so the waiting would be ours anyway; and its REST half is legacy.

Every call, retries included, first reserves its estimated cost from the shared adaptive
limiter (`shopify_limiter.py`), and every answer's `extensions.cost.throttleStatus` corrects
it. THROTTLED (HTTP 200, no data), 429, 5xx and timeouts are retried a bounded number of
times (tenacity); `userErrors` come back to the caller as that part's failures, never
retried; a document Shopify refuses raises `ShopifyQueryError`. Errors, reprs and logs never
carry the access token. One client per thread (it counts its own calls).
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from pydantic import Field, PrivateAttr
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

from boeinghub_dagster.domain.shopify_api import SHOPIFY_API_VERSION

from .launch_guard import PinnedResource
from .retries import ServerAskedToWait, backoff, retry_after
from .settings import Limits
from .shopify_calls import ShopifyCalls
from .shopify_limiter import ShopifyLimiter, estimate, learn
from .store import StoreResource

log = logging.getLogger(__name__)


class ShopifyError(Exception):
    """Base for Shopify failures; the message is safe to show an operator."""


class ShopifyRetryable(ServerAskedToWait, ShopifyError):
    """429, 5xx, timeouts, THROTTLED: worth another attempt."""


class ShopifyThrottled(ShopifyRetryable):
    """THROTTLED: the limiter, corrected by the answer, holds the next attempt until the bucket can pay."""


class ShopifyAuthError(ShopifyError):
    """401/403: the token is wrong or lacks a scope; retrying cannot help."""


class ShopifyQueryError(ShopifyError):
    """Shopify refused the document or its variables (validation, MAX_COST_EXCEEDED, 400)."""

    def __init__(self, message: str, codes: tuple[str, ...] = ()):
        super().__init__(message)
        self.codes = codes


@dataclass
class ShopifyResult:
    """One answer: `data`, the `userErrors` of its root fields (the part's failures), `extensions.cost`."""

    data: dict
    user_errors: list[dict]
    cost: dict | None
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return not self.user_errors

    @property
    def root(self) -> dict | None:
        """The payload of the (single) root field, e.g. `productSet`'s."""
        return next(iter(self.data.values()), None) if self.data else None


def graphql_endpoint(shop_url: str, api_version: str = SHOPIFY_API_VERSION) -> str:
    """`shop.myshopify.com` → `https://shop.myshopify.com/admin/api/<version>/graphql.json`.

    A URL with a scheme (the sandbox's `http://127.0.0.1:PORT`) keeps it; a full `….json` URL is used as is.
    """
    url = shop_url.strip().rstrip("/")
    if "://" not in url:
        url = "https://" + url
    return url if url.endswith(".json") else f"{url}/admin/api/{api_version}/graphql.json"


def _user_errors(data: dict | None) -> list[dict]:
    errors: list[dict] = []
    for payload in (data or {}).values():
        if isinstance(payload, dict):
            errors += [e for e in payload.get("userErrors") or [] if isinstance(e, dict)]
    return errors


@dataclass
class ShopifyClient(ShopifyCalls):
    endpoint: str
    access_token: str = field(repr=False)
    limiter: ShopifyLimiter
    timeout_seconds: float = 30.0
    max_attempts: int = 8
    max_backoff_seconds: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    http: httpx.Client = field(default_factory=httpx.Client, repr=False)
    calls: int = 0
    throttled: int = 0

    def close(self) -> None:
        self.http.close()

    def _post(self, document: str, variables: dict | None) -> httpx.Response:
        try:
            return self.http.post(
                self.endpoint,
                json={"query": document, "variables": variables or {}},
                headers={"X-Shopify-Access-Token": self.access_token, "Accept": "application/json"},
                timeout=self.timeout_seconds,
            )
        except httpx.TimeoutException as exc:
            raise ShopifyRetryable(f"Shopify: timed out after {self.timeout_seconds:g}s") from exc
        except httpx.TransportError as exc:
            raise ShopifyRetryable(f"Shopify: cannot connect ({type(exc).__name__})") from exc

    def _execute_once(self, document: str, variables: dict | None) -> ShopifyResult:
        reservation = self.limiter.acquire(estimate(document))
        self.calls += 1
        r = self._post(document, variables)
        if r.status_code in (401, 403):
            raise ShopifyAuthError(f"Shopify: HTTP {r.status_code}; check SHOPIFY_ACCESS_TOKEN and its scopes")
        if r.status_code == 429 or r.status_code >= 500:
            raise ShopifyRetryable(f"Shopify: HTTP {r.status_code}", retry_after(r))
        if r.status_code == 404:
            raise ShopifyError(f"Shopify: HTTP 404 at {self.endpoint}; check SHOPIFY_SHOP_URL and the API version")
        try:
            body = r.json()
        except ValueError as exc:
            raise ShopifyRetryable(f"Shopify: HTTP {r.status_code} with a body that is not JSON") from exc
        if r.status_code != 200:
            detail = body.get("errors", body) if isinstance(body, dict) else body
            raise ShopifyQueryError(f"Shopify: HTTP {r.status_code}: {str(detail)[:300]}")
        if not isinstance(body, dict):
            raise ShopifyRetryable("Shopify: answer is not a JSON object")
        cost = (body.get("extensions") or {}).get("cost")
        if isinstance(cost, dict):
            learn(document, cost.get("requestedQueryCost"))
            if isinstance(cost.get("throttleStatus"), dict):
                self.limiter.observe(reservation, cost["throttleStatus"], cost.get("actualQueryCost"),
                                     cost.get("requestedQueryCost"))
        errors = body.get("errors")
        if errors:
            errors = errors if isinstance(errors, list) else [{"message": str(errors)}]
            codes = tuple(str((e.get("extensions") or {}).get("code", "")) for e in errors if isinstance(e, dict))
            if "THROTTLED" in codes:
                self.throttled += 1
                raise ShopifyThrottled("Shopify: THROTTLED")
            if "ACCESS_DENIED" in codes:
                raise ShopifyAuthError("Shopify: ACCESS_DENIED; the app's token lacks a scope this call needs")
            if "INTERNAL_SERVER_ERROR" in codes:  # Shopify's own fault, answered with HTTP 200: transient
                raise ShopifyRetryable("Shopify: INTERNAL_SERVER_ERROR")
            messages = "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors)
            raise ShopifyQueryError(f"Shopify refused the request: {messages[:500]}", codes)
        data = body.get("data")
        if not isinstance(data, dict):
            raise ShopifyRetryable("Shopify: answer carried neither data nor errors")
        return ShopifyResult(data=data, user_errors=_user_errors(data), cost=cost)

    def _wait(self, state) -> float:
        exc = state.outcome.exception()
        if isinstance(exc, ShopifyThrottled):
            return random.uniform(0.05, 0.25)  # the limiter's next acquire waits for the bucket itself
        return backoff(state, initial=0.5, maximum=self.max_backoff_seconds)

    def execute(self, document: str, variables: dict | None = None) -> ShopifyResult:
        """Send one document; `userErrors` are in the result, transient faults are retried."""
        retrying = Retrying(
            retry=retry_if_exception_type(ShopifyRetryable),
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            sleep=self.sleep,
            reraise=True,
            before_sleep=lambda s: log.warning("retrying Shopify (attempt %d): %s", s.attempt_number,
                                               s.outcome.exception()),
        )
        for attempt in retrying:
            with attempt:
                result = self._execute_once(document, variables)
        result.attempts = attempt.retry_state.attempt_number
        return result


class ShopifyResource(PinnedResource):
    """One shop's Admin API; the token comes in through `EnvVar("SHOPIFY_ACCESS_TOKEN")`; no launch can change it."""

    url_fields = frozenset({"shop_url"})

    shop_url: str = Field(description="shop.myshopify.com, or a base URL such as the sandbox's http://127.0.0.1:PORT")
    access_token: str = Field(repr=False, description="SHOPIFY_ACCESS_TOKEN; never logged")
    store: StoreResource
    rate_per_min: float | None = Field(default=None, description="Calls/min before any throttle status is known; "
                                       "defaults to SHOPIFY_RATE_PER_MIN (30)")
    api_version: str = SHOPIFY_API_VERSION
    timeout_seconds: float = 30.0
    max_attempts: int = 8
    max_backoff_seconds: float = 30.0
    _limits: Limits | None = PrivateAttr(default=None)

    def limits(self) -> Limits:
        if self._limits is None:
            self._limits = Limits.from_env()
        return self._limits

    def endpoint(self) -> str:
        return graphql_endpoint(self.shop_url, self.api_version)

    def limiter(self) -> ShopifyLimiter:
        shop = httpx.URL(self.endpoint()).netloc.decode()  # host[:port]: one bucket per shop
        name = f"shopify:{shop}" if len(shop) <= 48 else f"shopify:{hashlib.sha1(shop.encode()).hexdigest()}"
        return ShopifyLimiter(self.store.engine(), name, self.rate_per_min or self.limits().shopify_rate_per_min)

    def client(self) -> ShopifyClient:
        return ShopifyClient(
            endpoint=self.endpoint(),
            access_token=self.access_token,
            limiter=self.limiter(),
            timeout_seconds=self.timeout_seconds,
            max_attempts=self.max_attempts,
            max_backoff_seconds=self.max_backoff_seconds,
        )
