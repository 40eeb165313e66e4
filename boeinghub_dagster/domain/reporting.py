"""Small Markdown renderings for materialization metadata the operator reads in the UI."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(rows: Sequence[Mapping], columns: Sequence[str], limit: int = 20) -> str:
    """A Markdown table of the first `limit` rows, saying how many were left out."""
    if not rows:
        return "_none_"
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(r.get(c)) for c in columns) + " |" for r in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"\n_… and {len(rows) - limit} more_")
    return "\n".join(lines)
