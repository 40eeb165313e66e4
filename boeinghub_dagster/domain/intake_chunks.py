"""How an intake batch becomes runs: at most ⌈parts ÷ chunk size⌉ of them, exact ranges where possible.

A Dagster run targets one partition range, and a range covers every key between its
ends, so a range run may only take parts that sit next to each other in partition order
(the order keys were registered); otherwise the UI would show other files' parts in
progress. A batch's parts are sorted by that order, cut where the order jumps, and cut
again at `chunk_size` parts. When the jumps would make more runs than ⌈parts ÷ chunk
size⌉ (a list of known parts scattered among others), the parts are packed in partition
order into that many chunks instead; a chunk that is not one contiguous range then runs
with no partition range at all (its parts come from the store), never a range over others.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

INTAKE_CHUNK_PARTS = 1_000  # ≈ 50 min of Boeing at 2 calls × 10 parts a minute


def plan_chunks(
    parts: Sequence[str], order: Mapping[str, int], chunk_size: int = INTAKE_CHUNK_PARTS
) -> list[list[str]]:
    """Slices of `parts` in partition order, at most `chunk_size` long: each contiguous in `order`, unless
    that would take more than ⌈len(parts) ÷ chunk_size⌉ slices (then packed; see `is_range`)."""
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
    if len(out) > math.ceil(len(ranked) / chunk_size):  # scattered: fewer, fuller runs beat exact ranges
        return [ranked[i : i + chunk_size] for i in range(0, len(ranked), chunk_size)]
    return out


def is_range(chunk: Sequence[str], order: Mapping[str, int]) -> bool:
    """Whether a chunk (in partition order) is exactly the keys between its ends."""
    return bool(chunk) and order[chunk[-1]] - order[chunk[0]] == len(chunk) - 1


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
