"""Pricing (SPEC §6): base cost and the shop price. Stdlib only.

`price = base_cost × PRICE_MARKUP_FACTOR`, rounded half-up to cents, in Decimal
arithmetic — the same function for publish and sync (SPEC §12).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from boeinghub_dagster.domain.units import parse_price

CENT = Decimal("0.01")
DEFAULT_MARKUP = Decimal("1.1")


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
    # SPEC §5: a price of 0 counts as absent, like null
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


def shop_price(
    base: Decimal | None, markup: Decimal | str | float = DEFAULT_MARKUP
) -> Decimal | None:
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
