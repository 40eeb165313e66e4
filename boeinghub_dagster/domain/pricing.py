"""Pricing (docs/behaviour.md §6): base cost, the shop price, and the one decision of what price a part sells at.
Stdlib only.

`price = base_cost × PRICE_MARKUP_FACTOR`, rounded half-up to cents, in Decimal
arithmetic. `decide_price` is the whole rule publishing and the sync both follow (docs/behaviour.md §12):
an operator's override (a fixed price, or a markup of its own), else Boeing's cost × markup,
and whether the price-jump guard holds it for `approve_prices`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from boeinghub_dagster.domain.price_guard import price_jump
from boeinghub_dagster.domain.units import parse_price

CENT = Decimal("0.01")
DEFAULT_MARKUP = Decimal("1.1")
MAX_OVERRIDE_PRICE = Decimal("1000000")  # an operator's price above this is a typo, not a price
MAX_OVERRIDE_MARKUP = Decimal("100")


def _decimal(value: Decimal | str | float | int, what: str) -> Decimal:
    """A finite Decimal; a float goes through `str` so 1.1 stays 1.1."""
    if isinstance(value, bool):
        raise TypeError(f"{what} must be a number, not bool")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, (int, str)):
        try:
            number = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            raise ValueError(f"{what} is not a number: {value!r}") from None
    elif isinstance(value, float):
        number = Decimal(str(value))
    else:
        raise TypeError(f"{what} must be a Decimal, str, float or int, not {type(value).__name__}")
    if not number.is_finite():
        raise ValueError(f"{what} must be finite, got {value!r}")
    return number


def _present(price: Decimal | None) -> bool:
    # docs/behaviour.md §5: a price of 0 counts as absent, like null
    return price is not None and price != 0


def base_cost(list_price: Decimal | None, net_price: Decimal | None) -> Decimal | None:
    """The list price if present, else the net price, else None (0 counts as absent)."""
    if _present(list_price):
        return list_price
    if _present(net_price):
        return net_price
    return None


def row_base_cost(row: Mapping) -> Decimal | None:
    """`base_cost` of a staging-row-like mapping whose prices may be Decimals, numbers or strings."""
    return base_cost(parse_price(row.get("list_price")), parse_price(row.get("net_price")))


def shop_price(base: Decimal | None, markup: Decimal | str | float = DEFAULT_MARKUP) -> Decimal | None:
    """`base × markup` rounded ROUND_HALF_UP to cents; None when there is no base.

    Raises ValueError for a negative base, or a markup that is not a positive
    finite number.
    """
    if base is None:
        return None
    base_d = _decimal(base, "base cost")
    markup_d = _decimal(markup, "markup")
    if base_d < 0:
        raise ValueError(f"base cost must not be negative, got {base_d}")
    if markup_d <= 0:
        raise ValueError(f"markup must be positive, got {markup_d}")
    return (base_d * markup_d).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Override:
    """An operator's price for one part: a fixed shop price, or a markup on Boeing's cost."""

    price: Decimal | None = None
    markup: Decimal | None = None


def override_from(price: object = None, markup: object = None) -> Override:
    """A validated override from typed-in values; ValueError names what is wrong.

    Exactly one of price and markup; a price is positive, at most MAX_OVERRIDE_PRICE, in cents;
    a markup is positive and at most MAX_OVERRIDE_MARKUP (4 decimals)."""
    if (price is None) == (markup is None):
        raise ValueError("give either price or markup (or clear: true), not both or neither")
    if price is not None:
        value = _decimal(price, "price")
        if not 0 < value <= MAX_OVERRIDE_PRICE:
            raise ValueError(f"price must be above 0 and at most {MAX_OVERRIDE_PRICE}, got {value}")
        if value != value.quantize(CENT):
            raise ValueError(f"price must be in whole cents, got {value}")
        return Override(price=value.quantize(CENT))
    value = _decimal(markup, "markup")
    if not 0 < value <= MAX_OVERRIDE_MARKUP:
        raise ValueError(f"markup must be above 0 and at most {MAX_OVERRIDE_MARKUP}, got {value}")
    if value != value.quantize(Decimal("0.0001")):
        raise ValueError(f"markup has at most 4 decimals, got {value}")
    return Override(markup=value)


@dataclass(frozen=True)
class PriceDecision:
    """The shop price to push (None: Boeing gave no price, the shop's stays) and whether it waits."""

    price: Decimal | None
    source: str  # "boeing" (cost × markup) or "override"
    held: str | None = None  # why it waits for approve_prices
    new_hold: bool = False  # a hold row to write (no hold waits on exactly this price yet)
    reference: Decimal | None = None  # what the guard compared with (the hold row's old price)


def decide_price(
    cost: Decimal | None,
    *,
    markup: Decimal | str,
    hold_pct: Decimal | str,
    published_price: Decimal | None = None,
    published_cost: Decimal | None = None,
    override: Override | None = None,
    hold: Mapping | None = None,
) -> PriceDecision:
    """What a part sells at, for a publish or a sync of Boeing's `cost`.

    The guard watches Boeing, not the operator. A fixed override price is the price whatever Boeing
    says, and is never held: the operator chose it. Under a markup override the guard compares the
    new cost × that markup with the published cost × the same markup, so only Boeing's cost moving
    holds it, never the operator's markup. Without an override the new cost × markup is compared
    with the published price (docs/behaviour.md §8). A held price goes through once `hold` (the part's
    `price_holds` row: `new_price`, `approved_at`) approves exactly it. No published price (a new
    part, or a retired one coming back) is never held.
    """
    if override is not None and override.price is not None:
        return PriceDecision(override.price, "override")
    rule = override.markup if override is not None and override.markup is not None else markup
    price = shop_price(cost, rule) if cost is not None else None
    if override is not None:
        source, reference = "override", shop_price(published_cost, rule) if published_cost is not None else None
    else:
        source, reference = "boeing", published_price
    jump = price_jump(reference, price, hold_pct)
    if not jump:
        return PriceDecision(price, source, reference=reference)
    same = hold is not None and hold.get("new_price") is not None and Decimal(hold["new_price"]) == price
    if same and hold.get("approved_at") is not None:
        return PriceDecision(price, source, reference=reference)
    return PriceDecision(price, source, held=jump, new_hold=not same, reference=reference)
