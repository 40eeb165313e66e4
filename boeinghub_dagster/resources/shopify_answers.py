"""How the hub reads one Shopify Admin GraphQL answer (docs/behaviour.md §7, §7a): what it means and who must act.

- Transient (429, 5xx, timeouts, THROTTLED, INTERNAL_SERVER_ERROR): `ShopifyRetryable`, retried by the client.
- Fatal for the whole run (401/403, ACCESS_DENIED, a served API version other than the pinned one):
  `ShopifyFatal`; no retry and no next part can succeed.
- The variant throttle of large stores: a top-level error `VARIANT_THROTTLE_EXCEEDED` with the
  mutation's data null. `ShopifyVariantThrottled`: the part waits for the next day.
- A document refused as a whole (validation, MAX_COST_EXCEEDED, data null): `ShopifyQueryError`.
- Otherwise a `ShopifyResult`. GraphQL lets an answer carry `data` and `errors` together: each
  root field that failed is null in `data` and named by its error's `path`; `result.errors`
  keeps those, `result.field(name)` raises for that field only, `userErrors` stay the part's.

Shopify serves an unsupported or retired version in the URL as its oldest supported one with
HTTP 200 and names the version it served in `X-Shopify-API-Version`; answers from a version
the hub's documents were not written for are refused before anything in them is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from boeinghub_dagster.resources.retries import ServerAskedToWait, retry_after

API_VERSION_HEADER = "X-Shopify-API-Version"
VARIANT_THROTTLE = "VARIANT_THROTTLE_EXCEEDED"


class ShopifyError(Exception):
    """Base for Shopify failures; the message is safe to show an operator."""


class ShopifyRetryable(ServerAskedToWait, ShopifyError):
    """429, 5xx, timeouts, THROTTLED: worth another attempt."""


class ShopifyThrottled(ShopifyRetryable):
    """THROTTLED: the limiter, corrected by the answer, holds the next attempt until the bucket can pay."""


class ShopifyFatal(ShopifyError):
    """Neither a retry nor the next part can succeed: the run stops and says what to fix."""


class ShopifyAuthError(ShopifyFatal):
    """401/403 or ACCESS_DENIED: the token is wrong or lacks a scope."""


class ShopifyVersionError(ShopifyFatal):
    """Shopify served another API version than the pinned one (or did not say which: `served` empty)."""

    def __init__(self, message: str, served: str = ""):
        super().__init__(message)
        self.served = served


class ShopifyQueryError(ShopifyError):
    """Shopify refused the document or its variables (validation, MAX_COST_EXCEEDED, 400)."""

    def __init__(self, message: str, codes: tuple[str, ...] = ()):
        super().__init__(message)
        self.codes = codes


class ShopifyVariantThrottled(ShopifyError):
    """VARIANT_THROTTLE_EXCEEDED: the shop takes no more new variants today; try the part tomorrow."""


def error_code(error: object) -> str:
    return str(((error.get("extensions") or {}) if isinstance(error, dict) else {}).get("code") or "")


def error_text(errors: list) -> str:
    """Shopify's own words: `message (CODE)` for each error, `; `-joined."""
    out = []
    for e in errors:
        if not isinstance(e, dict):
            out.append(str(e))
            continue
        code = e.get("code") or error_code(e)
        where = f", field {e['field']}" if e.get("field") else ""
        out.append(f"{e.get('message', e)}" + (f" ({code}{where})" if code or where else ""))
    return "; ".join(out)


@dataclass
class ShopifyResult:
    """One answer: `data`, the `userErrors` of its root fields (the part's failures), `extensions.cost`,
    the top-level errors of fields that failed while others answered, and the version served."""

    data: dict
    user_errors: list[dict]
    cost: dict | None
    attempts: int = 1
    errors: list[dict] = field(default_factory=list)
    version: str = ""

    @property
    def ok(self) -> bool:
        return not self.user_errors and not self.errors

    @property
    def root(self) -> dict | None:
        """The payload of the (single) root field, e.g. `productSet`'s."""
        return next(iter(self.data.values()), None) if self.data else None

    def codes(self) -> set[str]:
        return {str(e.get("code") or "") for e in self.user_errors} | {error_code(e) for e in self.errors}

    def problem(self) -> str:
        """What went wrong, in Shopify's words (empty when nothing did)."""
        return error_text(self.user_errors + self.errors)

    def field(self, name: str):
        """The value of root field `name`; raises when Shopify answered an error for it instead."""
        value = self.data.get(name)
        if value is None:
            mine = [e for e in self.errors if (e.get("path") or [None])[0] == name] or self.errors
            if any(error_code(e) == "ACCESS_DENIED" for e in mine):
                raise ShopifyAuthError(f"Shopify: ACCESS_DENIED on {name}; the app's token lacks a scope it needs")
            if mine:
                raise ShopifyQueryError(
                    f"Shopify could not answer {name}: {error_text(mine)[:500]}", tuple(error_code(e) for e in mine)
                )
        return value


def user_errors(data: dict | None) -> list[dict]:
    errors: list[dict] = []
    for payload in (data or {}).values():
        if isinstance(payload, dict):
            errors += [e for e in payload.get("userErrors") or [] if isinstance(e, dict)]
    return errors


def check_status(r: httpx.Response, endpoint: str) -> None:
    """Raise for an HTTP status that carries no GraphQL answer."""
    if r.status_code in (401, 403):
        raise ShopifyAuthError(f"Shopify: HTTP {r.status_code}; check SHOPIFY_ACCESS_TOKEN and its scopes")
    if r.status_code == 429 or r.status_code >= 500:
        raise ShopifyRetryable(f"Shopify: HTTP {r.status_code}", retry_after(r))
    if r.status_code == 404:
        raise ShopifyError(f"Shopify: HTTP 404 at {endpoint}; check SHOPIFY_SHOP_URL and the API version")


def check_version(r: httpx.Response, pinned: str) -> str:
    """The served version, when it is the pinned one; else `ShopifyVersionError` saying what to do."""
    served = (r.headers.get(API_VERSION_HEADER) or "").strip()
    if served == pinned:
        return served
    if not served:
        raise ShopifyVersionError(
            f"Shopify's answer did not name the API version it served ({API_VERSION_HEADER} "
            f"missing); the hub is pinned to {pinned} and reads no answer it cannot date"
        )
    raise ShopifyVersionError(
        f"Shopify served API version {served}, not the pinned {pinned}: the shop no longer supports {pinned} (an "
        f"unsupported version is served as the oldest supported one). Upgrade the hub to a release pinned to a "
        f"supported version; nothing was read from this answer",
        served,
    )


def refused(errors: list) -> Exception:
    """The exception for an answer whose errors left no data at all."""
    codes = tuple(error_code(e) for e in errors)
    if "THROTTLED" in codes:
        return ShopifyThrottled("Shopify: THROTTLED")
    if VARIANT_THROTTLE in codes:
        return ShopifyVariantThrottled(f"Shopify: {error_text(errors)[:500]}")
    if "ACCESS_DENIED" in codes:
        return ShopifyAuthError("Shopify: ACCESS_DENIED; the app's token lacks a scope this call needs")
    if "INTERNAL_SERVER_ERROR" in codes:  # Shopify's own fault, answered with HTTP 200: transient
        return ShopifyRetryable("Shopify: INTERNAL_SERVER_ERROR")
    return ShopifyQueryError(f"Shopify refused the request: {error_text(errors)[:500]}", codes)


def answer_cost(body: object) -> dict | None:
    """`extensions.cost` of an answer, when it is there and shaped as Shopify documents it."""
    extensions = body.get("extensions") if isinstance(body, dict) else None
    cost = extensions.get("cost") if isinstance(extensions, dict) else None
    return cost if isinstance(cost, dict) else None


def read_body(body: object, version: str) -> ShopifyResult:
    """The `ShopifyResult` of a 200 answer's JSON body, or the exception its errors call for."""
    if not isinstance(body, dict):
        raise ShopifyRetryable("Shopify: answer is not a JSON object")
    errors = body.get("errors")
    if errors and not isinstance(errors, list):
        errors = [{"message": str(errors)}]
    errors = [e if isinstance(e, dict) else {"message": str(e)} for e in errors or []]
    data = body.get("data")
    if errors and (not isinstance(data, dict) or all(v is None for v in data.values())):
        raise refused(errors)
    if errors and VARIANT_THROTTLE in {error_code(e) for e in errors}:
        raise ShopifyVariantThrottled(f"Shopify: {error_text(errors)[:500]}")  # one mutation per document
    if not isinstance(data, dict):
        raise ShopifyRetryable("Shopify: answer carried neither data nor errors")
    return ShopifyResult(
        data=data, user_errors=user_errors(data), cost=answer_cost(body), errors=errors, version=version
    )
