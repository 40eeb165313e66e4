"""Part-number rules (docs/behaviour.md §3).

A part number doubles as a Dagster dynamic partition key, so anything Dagster
cannot key (commas, `|`, `...`, control characters) is rejected here, with a
reason that names the rule broken. It also lands in CSV files operators open in
a spreadsheet, so it cannot start with a formula character (`= + - @`); an `=`
inside it (Boeing's `WF338109=K3` suffix) is fine.
"""

from __future__ import annotations

import re

MAX_LENGTH = 50
FORMULA_STARTS = "=+-@"  # what a spreadsheet runs as a formula (see domain/safe_csv.py)
_ALLOWED_CHAR = re.compile(r"[A-Z0-9\-./_#=+ ]")
_SHAPE = re.compile(r"[A-Z0-9\-./_#=+]+(?: [A-Z0-9\-./_#=+]+)*")
_NORMALIZED = re.compile(r"(?![=+\-@])(?!.*\.\.\.)[A-Z0-9\-./_#=+]+(?: [A-Z0-9\-./_#=+]+)*")


class InvalidPartNumber(ValueError):
    """A value that is not a usable part number; the message names the rule."""


def normalize_part_number(raw: str) -> str:
    """Trim and upper-case `raw`, or raise `InvalidPartNumber` naming the rule."""
    # Strip only ASCII blanks: str.strip() would silently eat \x1c-\x1f, \x85 and \xa0.
    value = (raw or "").strip(" \t\r\n")
    for ch in value:
        if ord(ch) < 32 or ord(ch) == 127:
            raise InvalidPartNumber(f"control character {ord(ch):#04x} is not allowed")
        if not ch.isascii():
            # Checked before upper-casing, which would turn 'ß' into 'SS' and 'ﬁ' into 'FI'.
            raise InvalidPartNumber(
                f"character {ch!r} is not allowed: only ASCII letters and digits, - . / _ # = + and inner single spaces"
            )
    value = value.upper()
    if not value:
        raise InvalidPartNumber("empty: a part number needs 1 to 50 characters")
    if len(value) > MAX_LENGTH:
        raise InvalidPartNumber(f"too long: {len(value)} characters, at most {MAX_LENGTH}")
    if value[0] in FORMULA_STARTS:
        raise InvalidPartNumber(
            f"cannot start with {value[0]!r}: a spreadsheet would run it as a formula (no part number starts "
            "with = + - or @; an '=' inside one, as in WF338109=K3, is fine)"
        )
    for ch in value:
        if not _ALLOWED_CHAR.fullmatch(ch):
            raise InvalidPartNumber(
                f"character {ch!r} is not allowed: only letters, digits, - . / _ # = + and inner single spaces"
            )
    if "..." in value:
        raise InvalidPartNumber("'...' is not allowed (Dagster partition keys cannot hold it)")
    if not _SHAPE.fullmatch(value):
        raise InvalidPartNumber("spaces must be single and inside the part number")
    return value


def is_normalized(value: str) -> bool:
    """Whether `value` is a part number as `normalize_part_number` returns it: every rule in one regex,
    to check 50,000 answers from an untrusted parser in milliseconds."""
    return isinstance(value, str) and len(value) <= MAX_LENGTH and _NORMALIZED.fullmatch(value) is not None


def sku_of(part_number: str) -> str:
    """The Shopify SKU and title: the part number before the first `=`."""
    return part_number.split("=", 1)[0]


def batches(items: list[str], size: int) -> list[list[str]]:
    """Split `items` into consecutive batches of at most `size`, order kept."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    return [items[i : i + size] for i in range(0, len(items), size)]
