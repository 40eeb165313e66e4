"""Number parsing and the unit-of-measure and certificate tables (docs/behaviour.md §5).

Boeing sends numbers as JSON numbers or as strings (`"25.50"`), and either may
be null. These helpers turn such values into plain Python values, or `None`
when the value is absent or unparseable. Stdlib only.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")

# docs/behaviour.md §5: the UOM table (input trimmed and upper-cased before lookup).
UOM_TABLE: dict[str, str] = {
    **dict.fromkeys(("EA", "EACH", "PC", "PCS", "PIECE", "PIECES", "UNIT", "UNITS"), "EA"),
    **dict.fromkeys(("IN", "INCH", "INCHES"), "Inches"),
    **dict.fromkeys(("LB", "LBS", "POUND", "POUNDS"), "Pound"),
    **dict.fromkeys(("PK", "PACK"), "Pack (1PK = 25EA)"),
}

DEFAULT_CERT = "FAA 8130-3"

# docs/behaviour.md §5: the cert mapping, checked in this order; each needle is a
# case-insensitive "contains".
CERT_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("8130", "FAA"), "FAA 8130-3"),
    (("EASA",), "EASA Form 1"),
    (("OEM",), "OEM Cert"),
    (("CANADA", "TRANSPORT"), "Transport Canada Form 1"),
    (("COC", "C OF C"), "C of C"),
    (("CAA",), "CAA UK"),
)


def map_unit_of_measure(value: object) -> str:
    """Boeing `baseUOM` → the shop's unit of measure; unknown or null → ""."""
    if not isinstance(value, str):
        return ""
    return UOM_TABLE.get(value.strip().upper(), "")


def map_cert(text: str | None) -> str:
    """A certificate text → the shop's certificate name; none or unknown → FAA 8130-3."""
    if not isinstance(text, str) or not text.strip():
        return DEFAULT_CERT
    haystack = text.upper()
    for needles, cert in CERT_RULES:
        if any(needle in haystack for needle in needles):
            return cert
    return DEFAULT_CERT


def _to_decimal(value: object) -> Decimal | None:
    """A finite Decimal from a number or numeric string, else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # via str so 25.5 stays 25.5, not its binary expansion
        number = Decimal(str(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except (InvalidOperation, ValueError):
            return None
    else:
        return None
    return number if number.is_finite() else None


def parse_price(value: object) -> Decimal | None:
    """A price quantized to cents (half-up); null, unparseable or 0 → None.

    A negative price is returned negative: the caller rejects the row.
    """
    number = _to_decimal(value)
    if number is None:
        return None
    try:
        price = number.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # too large to hold in cents
        return None
    if price == 0:
        return None
    return price


def parse_quantity(value: object) -> int | None:
    """A whole quantity; null or unparseable (including fractions) → None; 0 stays 0."""
    number = _to_decimal(value)
    if number is None or number != number.to_integral_value():
        return None
    return int(number)


def parse_number(value: object) -> float | None:
    """A finite float from a number or numeric string, else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        try:
            number = float(value)
        except OverflowError:
            return None
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def parse_dims(value: object) -> tuple[float, float, float] | tuple[None, None, None]:
    """`"2.5 x 1.0 x 0.5"` → (2.5, 1.0, 0.5); anything but exactly three numbers → all None."""
    if not isinstance(value, str):
        return (None, None, None)
    parts = [parse_number(part) for part in value.lower().split("x")]
    if len(parts) != 3 or any(part is None for part in parts):
        return (None, None, None)
    length, width, height = parts
    return (length, width, height)  # type: ignore[return-value]
