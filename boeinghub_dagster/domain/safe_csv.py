"""CSV files the hub writes for people to open in a spreadsheet: no cell can run as a formula.

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-` or `@` as a formula
(`=HYPERLINK(…)`, `=CMD|' /C calc'!A0`), and a leading tab or carriage return can hide one. OWASP's
advice (CSV Injection; ASVS 1.2.10 adds NUL): prefix such a cell with a single quote, which the
spreadsheet shows as text and drops from view. Every CSV the hub writes goes through `csv_bytes`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


def safe_cell(value: object) -> object:
    """`value`, with a single quote before it when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A UTF-8 CSV (RFC 4180 quoting, `\\r\\n` line ends) of `header` and `rows`, every cell neutralised."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([safe_cell(c) for c in header])
    writer.writerows([safe_cell(c) for c in row] for row in rows)
    return out.getvalue().encode("utf-8", "replace")  # a lone surrogate cannot be UTF-8: shown as ?
