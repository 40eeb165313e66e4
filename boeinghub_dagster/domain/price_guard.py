"""The price-jump guard for the hourly sync. Stdlib only.

A Boeing price that suddenly moves by more than `PRICE_JUMP_HOLD_PCT` percent
(default 50, in `resources/settings.py` Limits) is more likely a data error than
a real change, and the shop would sell at it within the hour. The sync holds
such a price for an operator instead of pushing it. The threshold is passed in:
domain code reads no settings.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

__all__ = ["price_change_pct", "price_jump"]


def _decimal(value: Decimal | str | int, what: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{what} is not a number: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"{what} must be finite, got {value!r}")
    return number


def price_change_pct(old: Decimal, new: Decimal) -> Decimal:
    """|new − old| ÷ old × 100, unrounded; `old` must be positive."""
    if old <= 0:
        raise ValueError(f"old price must be positive, got {old}")
    return abs(new - old) / old * 100


def price_jump(old: Decimal | None, new: Decimal | None, hold_pct: Decimal | str | int) -> str | None:
    """Why the move from `old` to `new` must be held, or None when it may go through.

    Held when |new − old| ÷ old × 100 is strictly above `hold_pct`. No old price
    (a first sync) and no new price (docs/behaviour.md §8: a null price leaves the shop price
    alone) are never held; nor is an old price of 0, which counts as absent.
    Compare like with like: both base costs, or both shop prices.
    """
    limit = _decimal(hold_pct, "hold_pct")
    if limit < 0:
        raise ValueError(f"hold_pct must not be negative, got {limit}")
    if old is None or new is None or old == 0:
        return None
    pct = price_change_pct(old, new)
    if pct <= limit:
        return None
    direction = "up" if new > old else "down"
    return f"price jump held: {old} → {new} ({direction} {pct.quantize(Decimal('0.01'))}%, over {limit}%)"
