"""Boeing Part Price & Availability client (docs/behaviour.md §4) and its Dagster resource.

Every price call, retries included, first takes a slot from the shared limiter:
no call goes out unmetered. Tokens are cached until 60 s before expiry; a 401
refreshes both tokens once. Errors never carry credentials or tokens.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from pydantic import Field, PrivateAttr
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

from boeinghub_dagster.resources.launch_guard import PinnedResource
from boeinghub_dagster.resources.limiter import RateLimiter
from boeinghub_dagster.resources.retries import ServerAskedToWait, backoff, retry_after
from boeinghub_dagster.resources.settings import Limits
from boeinghub_dagster.resources.store import StoreResource
from boeinghub_dagster.resources.token_cache import TokenCache

log = logging.getLogger(__name__)
TOKEN_MARGIN_SECONDS = 60


class BoeingError(Exception):
    """Base for Boeing failures; the message is safe to show an operator."""


class BoeingRetryable(ServerAskedToWait, BoeingError):
    """429, 5xx, timeouts, malformed answers: worth another attempt."""


class BoeingAuthError(BoeingError):
    """Credentials or tokens refused after one refresh: retrying cannot help."""


class BoeingRequestError(BoeingError):
    """Boeing refused the request itself (400): these parts cannot be asked this way."""


@dataclass
class PriceAnswer:
    payload: dict
    attempts: int


@dataclass
class _Token:
    value: str
    expires_at: float

    def fresh(self, now: float) -> bool:
        return now < self.expires_at - TOKEN_MARGIN_SECONDS


@dataclass
class BoeingClient:
    client_id: str
    client_secret: str = field(repr=False)
    username: str
    password: str = field(repr=False)
    scope: str
    oauth_token_url: str
    pna_oauth_url: str
    pna_price_url: str
    limiter: RateLimiter
    timeout_seconds: float = 30.0
    max_attempts: int = 6
    max_backoff_seconds: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    # Idle connections are dropped after 2 s, before a server's own idle timeout (uvicorn: 5 s) can race
    # a reuse: at 12 calls/min a reused connection closed under us cost a retry and a limiter slot.
    http: httpx.Client = field(default_factory=lambda: httpx.Client(limits=httpx.Limits(keepalive_expiry=2.0)))
    calls: int = 0
    token_cache: TokenCache | None = None
    _access: _Token | None = field(default=None, repr=False)
    _part: _Token | None = field(default=None, repr=False)

    def close(self) -> None:
        self.http.close()

    # -- tokens -------------------------------------------------------------
    def _send(self, method: str, url: str, what: str, **kw) -> httpx.Response:
        try:
            response = self.http.request(method, url, timeout=self.timeout_seconds, **kw)
        except httpx.TimeoutException as exc:
            raise BoeingRetryable(f"{what}: timed out after {self.timeout_seconds:g}s") from exc
        except httpx.TransportError as exc:
            raise BoeingRetryable(f"{what}: cannot connect ({type(exc).__name__})") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise BoeingRetryable(f"{what}: HTTP {response.status_code}", retry_after(response))
        return response

    def _from_cache(self, now: float) -> None:
        cached = self.token_cache.load() if self.token_cache else None
        if cached:
            access, part = _Token(*cached["access"]), _Token(*cached["part"])
            if access.fresh(now) and part.fresh(now):
                self._access, self._part = access, part

    def _to_cache(self) -> None:
        if self.token_cache:
            tokens = {
                "access": [self._access.value, self._access.expires_at],
                "part": [self._part.value, self._part.expires_at],
            }
            self.token_cache.save(tokens, min(self._access.expires_at, self._part.expires_at) - TOKEN_MARGIN_SECONDS)

    def _tokens(self, refresh: bool = False) -> tuple[str, str]:
        now = time.time()
        if not refresh and not (self._access and self._access.fresh(now) and self._part and self._part.fresh(now)):
            self._from_cache(now)
        fetched = refresh or not (self._access and self._access.fresh(now) and self._part and self._part.fresh(now))
        if refresh or not (self._access and self._access.fresh(now)):
            r = self._send(
                "POST",
                self.oauth_token_url,
                "Boeing token",
                data={
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                    "scope": self.scope,
                    "grant_type": "client_credentials",
                },
            )
            if r.status_code != 200:
                raise BoeingAuthError(
                    f"Boeing token: HTTP {r.status_code}; check BOEING_CLIENT_ID/BOEING_CLIENT_SECRET"
                )
            body = r.json()
            self._access = _Token(body["access_token"], now + float(body.get("expires_in", 3600)))
            self._part = None
        if refresh or not (self._part and self._part.fresh(now)):
            r = self._send(
                "GET",
                self.pna_oauth_url,
                "Boeing part token",
                headers={
                    "Authorization": f"Bearer {self._access.value}",
                    "x-username": self.username,
                    "x-password": self.password,
                },
            )
            if r.status_code != 200:
                raise BoeingAuthError(f"Boeing part token: HTTP {r.status_code}; check BOEING_USERNAME/BOEING_PASSWORD")
            body = r.json() if r.content else {}
            token = r.headers.get("x-part-access-token") or body.get("partAccessToken")
            if not token:
                raise BoeingAuthError("Boeing part token: answer carried no x-part-access-token")
            # Without its own expiry the part token is trusted as long as the access token.
            self._part = _Token(token, now + float(body.get("expires_in", self._access.expires_at - now)))
        if fetched:
            self._to_cache()
        return self._access.value, self._part.value

    # -- price --------------------------------------------------------------
    def _price_once(
        self, codes: list[str], slot_taken: bool = False, before_send: Callable[[], None] | None = None
    ) -> dict:
        body = {"showNoStock": True, "showLocation": True, "productCodes": codes}
        for refreshed in (False, True):
            access, part = self._tokens(refresh=refreshed)
            if not (slot_taken and not refreshed):
                self.limiter.acquire()
            if before_send is not None:
                before_send()  # the dispatcher's lease check: raises when the parts must not be asked
            self.calls += 1
            r = self._send(
                "POST",
                self.pna_price_url,
                "Boeing price",
                json=body,
                headers={"Authorization": f"Bearer {access}", "x-boeing-parts-authorization": part},
            )
            if r.status_code == 401:
                continue  # refresh both tokens once, then give up below
            if r.status_code == 400:
                raise BoeingRequestError(f"Boeing price: HTTP 400 {r.text[:300]}")
            if r.status_code != 200:
                raise BoeingError(f"Boeing price: unexpected HTTP {r.status_code}")
            try:
                payload = r.json()
            except ValueError as exc:
                raise BoeingRetryable("Boeing price: malformed answer (not JSON)") from exc
            if not isinstance(payload, dict):
                raise BoeingRetryable("Boeing price: malformed answer (not an object)")
            return payload
        raise BoeingAuthError("Boeing price: HTTP 401 after refreshing both tokens")

    def _wait(self, state) -> float:
        return backoff(state, initial=1, maximum=self.max_backoff_seconds)

    def price(
        self, codes: list[str], slot_taken: bool = False, before_send: Callable[[], None] | None = None
    ) -> PriceAnswer:
        """One PNA answer for up to 20 codes, retrying 429/5xx/timeouts with backoff and jitter.

        `slot_taken`: the caller already took the limiter slot for the first attempt (the
        dispatcher waits first, then packs the batch); retries take their own slots. `before_send`
        runs right before every price request goes out, retries included; what it raises propagates.
        """
        retrying = Retrying(
            retry=retry_if_exception_type(BoeingRetryable),
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            sleep=self.sleep,
            reraise=True,
            before_sleep=lambda s: log.warning(
                "retrying Boeing (attempt %d): %s", s.attempt_number, s.outcome.exception()
            ),
        )
        for attempt in retrying:
            with attempt:
                payload = self._price_once(codes, slot_taken and attempt.retry_state.attempt_number == 1, before_send)
        return PriceAnswer(payload=payload, attempts=attempt.retry_state.attempt_number)


class BoeingResource(PinnedResource):
    """Boeing PNA credentials and endpoints; secrets come in through `EnvVar`, and no launch can change them."""

    url_fields = frozenset({"oauth_token_url", "pna_oauth_url", "pna_price_url"})

    client_id: str
    client_secret: str = Field(repr=False)
    username: str
    password: str = Field(repr=False)
    oauth_token_url: str
    pna_oauth_url: str
    pna_price_url: str
    scope: str = ""
    store: StoreResource
    rate_per_min: float | None = Field(default=None, description="Defaults to BOEING_RATE_PER_MIN (2)")
    batch_size: int | None = Field(default=None, description="Defaults to BOEING_BATCH_SIZE (10)")
    timeout_seconds: float = 30.0
    max_attempts: int = 6
    max_backoff_seconds: float = 30.0
    _limits: Limits | None = PrivateAttr(default=None)

    def limits(self) -> Limits:
        if self._limits is None:
            self._limits = Limits.from_env()
        return self._limits

    def effective_batch_size(self) -> int:
        size = self.batch_size or self.limits().boeing_batch_size
        if not 1 <= size <= 20:
            raise ValueError(f"Boeing batch size must be 1..20, got {size}")
        return size

    def limiter(self) -> RateLimiter:
        return RateLimiter(self.store.engine(), "boeing", self.rate_per_min or self.limits().boeing_rate_per_min)

    def client(self) -> BoeingClient:
        return BoeingClient(
            client_id=self.client_id,
            client_secret=self.client_secret,
            username=self.username,
            password=self.password,
            scope=self.scope,
            oauth_token_url=self.oauth_token_url,
            pna_oauth_url=self.pna_oauth_url,
            pna_price_url=self.pna_price_url,
            limiter=self.limiter(),
            timeout_seconds=self.timeout_seconds,
            max_attempts=self.max_attempts,
            max_backoff_seconds=self.max_backoff_seconds,
            token_cache=self.token_cache(),
        )

    def token_cache(self) -> TokenCache:
        """Shared by every run against the same Boeing account, keyed by client id and endpoint."""
        name = "boeing:" + hashlib.sha256(f"{self.client_id}\0{self.oauth_token_url}".encode()).hexdigest()[:24]
        return TokenCache(self.store.engine(), name, f"{self.client_secret}\0{self.password}")
