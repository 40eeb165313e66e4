"""Hour slots for the daily re-check (docs/behaviour.md §8). Stdlib only.

Each published part lives in one of 24 UTC hour buckets and is re-checked once
a day in its hour. Buckets are filled with whole Boeing batches (10 parts per
PNA call) so that each hourly run spends its calls on full batches: a new part
goes to the lowest bucket holding a partial batch, else to the emptiest bucket
(lowest hour on ties). Hours therefore fill 0, 1, 2, … with 10 parts each, then
go round again. Only new parts are assigned; republishing keeps a part's bucket.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = [
    "HOURS", "MIN_PRODUCTS_FOR_ACTIVE_SLOT", "ACTIVE", "FILLING", "DORMANT",
    "assign_slot", "assign_slots", "bucket_state", "due_buckets", "slot_efficiency",
]  # fmt: skip

HOURS = 24
MIN_PRODUCTS_FOR_ACTIVE_SLOT = 10  # docs/behaviour.md §8: one Boeing batch

ACTIVE = "active"
FILLING = "filling"
DORMANT = "dormant"


def _checked(counts: Sequence[int]) -> list[int]:
    if len(counts) != HOURS:
        raise ValueError(f"need {HOURS} bucket counts, got {len(counts)}")
    if any(c < 0 for c in counts):
        raise ValueError("bucket counts must not be negative")
    return list(counts)


def _check_batch(batch: int) -> None:
    if batch < 1:
        raise ValueError(f"batch must be at least 1, got {batch}")


def assign_slot(counts: Sequence[int], batch: int = MIN_PRODUCTS_FOR_ACTIVE_SLOT) -> int:
    """The hour bucket (0–23) for one new part, given the parts per bucket now.

    (1) The lowest hour whose count is above 0 and not a multiple of `batch`;
    else (2) the hour with the fewest parts, the lowest hour on ties.
    """
    _check_batch(batch)
    counts = _checked(counts)
    for hour, count in enumerate(counts):
        if count > 0 and count % batch:
            return hour
    return min(range(HOURS), key=lambda hour: (counts[hour], hour))


def assign_slots(existing_counts: Sequence[int], n_new: int, batch: int = MIN_PRODUCTS_FOR_ACTIVE_SLOT) -> list[int]:
    """Buckets for `n_new` parts added one by one, in order; `existing_counts` is not changed.

    Pass only parts that have no bucket yet: a republished part keeps its own.
    """
    if n_new < 0:
        raise ValueError(f"n_new must not be negative, got {n_new}")
    counts = _checked(existing_counts)
    hours = []
    for _ in range(n_new):
        hour = assign_slot(counts, batch)
        counts[hour] += 1
        hours.append(hour)
    return hours


def bucket_state(count: int, batch: int = MIN_PRODUCTS_FOR_ACTIVE_SLOT) -> str:
    """`active` with at least `batch` parts, `filling` with 1 to `batch − 1`, `dormant` with none."""
    _check_batch(batch)
    if count < 0:
        raise ValueError("a bucket count must not be negative")
    if count >= batch:
        return ACTIVE
    return FILLING if count > 0 else DORMANT


def due_buckets(hour: int, counts: Sequence[int], batch: int = MIN_PRODUCTS_FOR_ACTIVE_SLOT) -> list[int]:
    """The buckets whose rows the sync partition for `hour` covers, ascending.

    - An *active* bucket is synced by its own hour only: `hour` covers bucket
      `hour` when it is active.
    - All *filling* buckets are synced together, once, by the hour of the
      lowest-numbered filling bucket F: the partition for F covers every
      filling bucket (their parts are pooled into Boeing batches of `batch`,
      so 3 + 4 + 2 parts cost one call), and the partitions of the other
      filling hours cover none of them. F is worked out from `counts` as they
      are when the partition runs.
    - A *dormant* bucket has nothing to sync.

    So with counts 10, 10, 5, 0, … hour 2 covers [2]; with 12, 3, 0, 4, 0, …
    hour 0 covers [0], hour 1 covers [1, 3] and hour 3 covers [].
    Which rows of those buckets are actually due (status, active flag, last
    sync) is `sync_rules.is_due`.
    """
    if not 0 <= hour < HOURS:
        raise ValueError(f"hour must be 0..{HOURS - 1}, got {hour}")
    counts = _checked(counts)
    states = [bucket_state(count, batch) for count in counts]
    filling = [h for h, state in enumerate(states) if state == FILLING]
    due = [hour] if states[hour] == ACTIVE else []
    if filling and filling[0] == hour:
        due = filling
    return due


def slot_efficiency(counts: Sequence[int], batch: int = MIN_PRODUCTS_FOR_ACTIVE_SLOT) -> float:
    """ceil(total ÷ `batch`) ÷ (active + filling buckets) × 100; 0.0 when there are no parts.

    100 means every used hour needs exactly the calls the catalogue needs; a
    catalogue over 240 parts scores above 100 (several batches per hour).
    """
    _check_batch(batch)
    counts = _checked(counts)
    used = sum(1 for count in counts if count > 0)
    if not used:
        return 0.0
    return math.ceil(sum(counts) / batch) / used * 100
