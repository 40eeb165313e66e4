"""Shopify Admin GraphQL client (docs/behaviour.md §6, §7) and its Dagster resource.

httpx rather than the ShopifyAPI package, on purpose: its GraphQL call has no timeout
(Shopify/shopify_python_api issues #594 and #630, closed as stale) and hands back the raw body
with no throttle handling, so the waiting would be ours anyway; and its REST half is legacy.

Every call, retries included, first reserves its estimated cost from the shared adaptive
limiter (`shopify_limiter.py`), and every answer's `extensions.cost.throttleStatus` corrects
it. THROTTLED (HTTP 200, no data), 429, 5xx and timeouts are retried a bounded number of
times (tenacity); `userErrors` come back to the caller as that part's failures, never
retried; what every other answer means (a refused document, the variant throttle, partial
data, a served API version other than the pinned one) is `shopify_answers.py`'s to say.
Errors, reprs and logs never carry the access token. One client per thread (it counts its
own calls).
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
from boeinghub_dagster.resources.launch_guard import PinnedResource
from boeinghub_dagster.resources.retries import backoff
from boeinghub_dagster.resources.settings import Limits

# Re-exported (`X as X`): callers import Shopify's errors from the client's module.
from boeinghub_dagster.resources.shopify_answers import ShopifyAuthError as ShopifyAuthError
from boeinghub_dagster.resources.shopify_answers import ShopifyError as ShopifyError
from boeinghub_dagster.resources.shopify_answers import ShopifyFatal as ShopifyFatal
from boeinghub_dagster.resources.shopify_answers import (
    ShopifyQueryError,
    ShopifyResult,
    ShopifyRetryable,
    ShopifyThrottled,
    answer_cost,
    check_status,
    check_version,
    read_body,
)
from boeinghub_dagster.resources.shopify_answers import ShopifyVariantThrottled as ShopifyVariantThrottled
from boeinghub_dagster.resources.shopify_answers import ShopifyVersionError as ShopifyVersionError
from boeinghub_dagster.resources.shopify_calls import ShopifyCalls
from boeinghub_dagster.resources.shopify_limiter import ShopifyLimiter, estimate, learn
from boeinghub_dagster.resources.store import StoreResource

log = logging.getLogger(__name__)


def graphql_endpoint(shop_url: str, api_version: str = SHOPIFY_API_VERSION) -> str:
    """`shop.myshopify.com` → `https://shop.myshopify.com/admin/api/<version>/graphql.json`.

    A URL with a scheme (the sandbox's `http://127.0.0.1:PORT`) keeps it; a full `….json` URL is used as is.
    """
    url = shop_url.strip().rstrip("/")
    if "://" not in url:
        url = "https://" + url
    return url if url.endswith(".json") else f"{url}/admin/api/{api_version}/graphql.json"


@dataclass
class ShopifyClient(ShopifyCalls):
    endpoint: str
    access_token: str = field(repr=False)
    limiter: ShopifyLimiter
    api_version: str = SHOPIFY_API_VERSION  # every answer must say it served this one (X-Shopify-API-Version)
    timeout_seconds: float = 30.0
    max_attempts: int = 8
    max_backoff_seconds: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    http: httpx.Client = field(default_factory=httpx.Client, repr=False)
    calls: int = 0
    throttled: int = 0
    points: float = 0.0  # actualQueryCost of every answer

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
        check_status(r, self.endpoint)
        version = check_version(r, self.api_version) if r.status_code == 200 else ""
        try:
            body = r.json()
        except ValueError as exc:
            raise ShopifyRetryable(f"Shopify: HTTP {r.status_code} with a body that is not JSON") from exc
        if r.status_code != 200:
            detail = body.get("errors", body) if isinstance(body, dict) else body
            raise ShopifyQueryError(f"Shopify: HTTP {r.status_code}: {str(detail)[:300]}")
        cost = answer_cost(body)
        if isinstance(cost, dict):
            try:
                self.points += float(cost.get("actualQueryCost") or 0)
            except (TypeError, ValueError):
                pass
            learn(document, cost.get("requestedQueryCost"))
            if isinstance(cost.get("throttleStatus"), dict):
                self.limiter.observe(
                    reservation, cost["throttleStatus"], cost.get("actualQueryCost"), cost.get("requestedQueryCost")
                )
        try:
            return read_body(body, version)
        except ShopifyThrottled:
            self.throttled += 1
            raise

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
            before_sleep=lambda s: log.warning(
                "retrying Shopify (attempt %d): %s", s.attempt_number, s.outcome.exception()
            ),
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
    rate_per_min: float | None = Field(
        default=None, description="Calls/min before any throttle status is known; defaults to SHOPIFY_RATE_PER_MIN (30)"
    )
    api_version: str = SHOPIFY_API_VERSION
    timeout_seconds: float = 30.0
    max_attempts: int = 8
    max_backoff_seconds: float = 30.0
    publish_concurrency: int | None = Field(
        default=None,
        description="Calls one publishing run keeps in flight; defaults to SHOPIFY_PUBLISH_CONCURRENCY (4)",
    )
    _limits: Limits | None = PrivateAttr(default=None)

    def limits(self) -> Limits:
        if self._limits is None:
            self._limits = Limits.from_env()
        return self._limits

    def concurrency(self) -> int:
        return self.publish_concurrency or self.limits().shopify_publish_concurrency

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
            api_version=self.api_version,
            timeout_seconds=self.timeout_seconds,
            max_attempts=self.max_attempts,
            max_backoff_seconds=self.max_backoff_seconds,
        )
