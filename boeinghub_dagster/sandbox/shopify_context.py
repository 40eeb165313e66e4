"""What every Shopify sandbox resolver shares: the per-request context, userErrors, money.

A resolver raises `UserErrors` to refuse a business request; the mutation's transaction
is rolled back and the payload carries `userErrors` (HTTP 200), as Shopify does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from graphql import GraphQLError, GraphQLResolveInfo

from boeinghub_dagster.sandbox.shopify_knobs import ShopifyKnobs
from boeinghub_dagster.sandbox.shopify_store import ShopifyStore

CENT = Decimal("0.01")


@dataclass
class RequestContext:
    store: ShopifyStore
    knobs: ShopifyKnobs
    media_to_fetch: list[int] = field(default_factory=list)  # fetched after the answer is sent
    search_warnings: list[dict] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    base_url: str = "http://127.0.0.1"  # the sandbox's own address, for URLs it hands out (onlineStoreUrl)
    in_flight: dict[str, int] = field(default_factory=dict)  # idempotency key -> request holding it
    request_id: int = 0

    @property
    def day(self) -> int:
        """The simulated UTC day number (turned by the `day_offset` knob)."""
        return int(time.time() // 86400) + self.knobs.day_offset

    def count(self, name: str, n: int = 1) -> None:
        self.counters[name] = self.counters.get(name, 0) + n


def ctx(info: GraphQLResolveInfo) -> RequestContext:
    return info.context


class UserErrors(Exception):
    """Business errors for the payload's `userErrors` (Shopify's plain UserError has no `code`)."""

    def __init__(self, errors: list[dict]):
        super().__init__(errors[0]["message"] if errors else "user error")
        self.errors = errors


def in_transaction(info: GraphQLResolveInfo, work, failed: dict) -> dict:
    """Run `work()` in one store transaction; a UserErrors becomes the payload `failed` plus its errors."""
    c = ctx(info)
    try:
        with c.store.transaction():
            return work()
    except UserErrors as exc:
        c.count("user_errors", len(exc.errors))
        return {**failed, "userErrors": exc.errors}


def user_error(message: str, field: list | None = None, code: str | None = None) -> dict:
    return {"field": [str(f) for f in field] if field is not None else None, "message": message, "code": code}


def to_decimal(value) -> Decimal:
    try:
        out = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise GraphQLError(f"invalid decimal value: {value!r}") from None
    if not out.is_finite():
        raise GraphQLError(f"invalid decimal value: {value!r}")
    return out


def money(value) -> str:
    """Shopify's Money: two decimals ("19.90")."""
    return str(to_decimal(value).quantize(CENT))


def decimal_text(value) -> str:
    """Shopify's Decimal as it answers it: trailing zeros dropped, at least one decimal ("12.5", "10.0")."""
    text = format(to_decimal(value).normalize(), "f")
    return text if "." in text else f"{text}.0"


def parse_decimal_scalar(value):
    """parse_value of the Money and Decimal scalars: a number or a numeric string."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise GraphQLError(f"Invalid value {value!r}: expected a decimal number or string")
    to_decimal(value)
    return str(value)
