"""Small Markdown renderings for materialization metadata the operator reads in the UI."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _cell(value) -> str:
    """One table cell: a backslash or pipe escaped (neither ends the cell), control characters as spaces."""
    text = "" if value is None else str(value)
    return _CONTROL.sub(" ", text.replace("\\", "\\\\").replace("|", "\\|"))


def markdown_table(rows: Sequence[Mapping], columns: Sequence[str], limit: int = 20) -> str:
    """A Markdown table of the first `limit` rows, saying how many were left out."""
    if not rows:
        return "_none_"
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(r.get(c)) for c in columns) + " |" for r in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"\n_… and {len(rows) - limit} more_")
    return "\n".join(lines)


def plain_text(value: object, limit: int = 120) -> str:
    """Typed-in text (an operator's name) fit to store and show: control characters as spaces, blanks
    collapsed, at most `limit` characters."""
    return " ".join(_CONTROL.sub(" ", str(value or "")).split())[:limit]
