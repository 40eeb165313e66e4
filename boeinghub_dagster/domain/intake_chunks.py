"""How an intake batch becomes runs: exact, contiguous slices of partition order.

A Dagster run targets one partition range, and a range covers every key between its
ends. So a run may only take parts that sit next to each other in partition order
(the order keys were registered); otherwise the UI would show other files' parts in
progress. A batch's parts are sorted by that order, cut where the order jumps, and
cut again at `chunk_size` parts, which bounds what one run plans and carries.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

INTAKE_CHUNK_PARTS = 1_000  # ≈ 50 min of Boeing at 2 calls × 10 parts a minute


def plan_chunks(parts: Sequence[str], order: Mapping[str, int], chunk_size: int = INTAKE_CHUNK_PARTS) -> list[list[str]]:
    """Slices of `parts`, each contiguous in `order` and at most `chunk_size` long, in partition order."""
    if chunk_size < 1:
        raise ValueError(f"chunk size must be at least 1, got {chunk_size}")
    ranked = sorted(dict.fromkeys(parts), key=order.__getitem__)
    out: list[list[str]] = []
    for part in ranked:
        current = out[-1] if out else None
        if current is None or len(current) >= chunk_size or order[part] != order[current[-1]] + 1:
            out.append([part])
        else:
            current.append(part)
    return out


def eta_minutes(parts_left: int, rate_per_min: float, batch_size: int) -> float:
    """Minutes Boeing's rate needs for `parts_left` parts in full calls."""
    return math.ceil(max(0, parts_left) / batch_size) / rate_per_min


def duration_text(minutes: float) -> str:
    """`41 h 40 min`, `25 min`, `< 1 min`: what an operator reads at a glance."""
    if minutes < 1:
        return "< 1 min" if minutes > 0 else "0 min"
    total = round(minutes)
    hours, mins = divmod(total, 60)
    return f"{hours} h {mins} min" if hours else f"{mins} min"
