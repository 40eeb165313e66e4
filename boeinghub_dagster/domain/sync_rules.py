"""Sync status rules for a scheduled part (docs/behaviour.md §8). Stdlib only.

One place decides what a sync outcome does to a part's schedule row: the
status, the failure counter, deactivation after too many failures in a row
(the Shopify product goes to DRAFT so it is not sold at a stale price), and
reactivation. Thresholds come in as arguments (defaults live in
`resources/settings.py` Limits); the clock comes in as `now`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

__all__ = [
    "PENDING", "SYNCING", "SUCCESS", "FAILED", "STATUSES", "MAX_ERROR_CHARS",
    "SHOPIFY_ACTIVE", "SHOPIFY_DRAFT", "SyncState", "SyncUpdate", "clip_error",
    "after_success", "after_failure", "reactivate", "is_stuck", "is_due",
    "daily_part_ceiling", "effective_recheck_days",
]  # fmt: skip

PENDING, SYNCING, SUCCESS, FAILED = "pending", "syncing", "success", "failed"
STATUSES = (PENDING, SYNCING, SUCCESS, FAILED)
MAX_ERROR_CHARS = 500  # docs/behaviour.md §8: last_error ≤ 500 characters
SHOPIFY_ACTIVE, SHOPIFY_DRAFT = "ACTIVE", "DRAFT"
_ELLIPSIS = "…"


@dataclass(frozen=True)
class SyncState:
    """The status part of a `product_sync_schedule` row.

    `updated_at` is when `sync_status` last changed (the stuck check needs it);
    `shopify_status` is the product's status on Shopify as last set by the hub
    (None: unknown, taken as ACTIVE).
    """

    sync_status: str = PENDING
    consecutive_failures: int = 0
    is_active: bool = True
    last_error: str | None = None
    last_sync_at: datetime | None = None
    updated_at: datetime | None = None
    shopify_status: str | None = None

    def __post_init__(self) -> None:
        if self.sync_status not in STATUSES:
            raise ValueError(f"unknown sync_status {self.sync_status!r}")

    @classmethod
    def from_row(cls, row: Mapping) -> SyncState:
        """From a schedule row (a mapping); other keys are ignored, NULLs take the defaults."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in row.items() if k in names and v is not None})


@dataclass(frozen=True)
class SyncUpdate:
    """What to write after an outcome, and what to tell Shopify.

    `deactivate`: set the product to DRAFT now. `activate`: set it back to
    ACTIVE now (a reactivated part's first good sync).
    """

    sync_status: str
    consecutive_failures: int
    is_active: bool
    last_error: str | None
    shopify_status: str | None
    deactivate: bool = False
    activate: bool = False

    def columns(self) -> dict:
        """The schedule columns to write (the flags are actions, not columns)."""
        return {
            "sync_status": self.sync_status,
            "consecutive_failures": self.consecutive_failures,
            "is_active": self.is_active,
            "last_error": self.last_error,
            "shopify_status": self.shopify_status,
        }


def clip_error(reason: str) -> str:
    """`reason` cut to `MAX_ERROR_CHARS`, ending in '…' when cut."""
    text = str(reason)
    if len(text) <= MAX_ERROR_CHARS:
        return text
    return text[: MAX_ERROR_CHARS - len(_ELLIPSIS)] + _ELLIPSIS


def after_success(state: SyncState) -> SyncUpdate:
    """`success`, counter reset, error cleared; a DRAFT product of an active part goes back to ACTIVE.

    An inactive part stays inactive: only an operator reactivates (`reactivate`).
    """
    activate = state.is_active and state.shopify_status == SHOPIFY_DRAFT
    return SyncUpdate(
        sync_status=SUCCESS,
        consecutive_failures=0,
        is_active=state.is_active,
        last_error=None,
        shopify_status=SHOPIFY_ACTIVE if activate else state.shopify_status,
        activate=activate,
    )


def after_failure(state: SyncState, reason: str, max_failures: int = 5) -> SyncUpdate:
    """`failed`, counter + 1, `last_error` = reason (≤ 500 chars).

    When an active part reaches `max_failures` (MAX_CONSECUTIVE_SYNC_FAILURES)
    it is deactivated: `is_active` False and `deactivate` True (set DRAFT on
    Shopify). A part already inactive just counts the failure.
    """
    if max_failures < 1:
        raise ValueError(f"max_failures must be at least 1, got {max_failures}")
    failures = state.consecutive_failures + 1
    deactivate = state.is_active and failures >= max_failures
    return SyncUpdate(
        sync_status=FAILED,
        consecutive_failures=failures,
        is_active=state.is_active and not deactivate,
        last_error=clip_error(reason),
        shopify_status=SHOPIFY_DRAFT if deactivate else state.shopify_status,
        deactivate=deactivate,
    )


def reactivate(state: SyncState) -> SyncUpdate:
    """Operator reactivation: `pending`, 0 failures, active, error cleared.

    The Shopify product stays as it is (DRAFT after a deactivation) until the
    next good sync, which `after_success` turns into `activate`.
    """
    return SyncUpdate(
        sync_status=PENDING,
        consecutive_failures=0,
        is_active=True,
        last_error=None,
        shopify_status=state.shopify_status,
    )


def is_stuck(state: SyncState, now: datetime, stuck_minutes: int) -> bool:
    """True when the part has been `syncing` for more than `stuck_minutes` (SYNC_STUCK_MINUTES).

    Measured from `updated_at`, else `last_sync_at`; a `syncing` row with
    neither timestamp cannot be shown to be recent and counts as stuck.
    """
    if state.sync_status != SYNCING:
        return False
    since = state.updated_at or state.last_sync_at
    if since is None:
        return True
    return now - since > timedelta(minutes=stuck_minutes)


def is_due(state: SyncState | Mapping, hour_start: datetime) -> bool:
    """True when the part should be synced in the hour starting at `hour_start`.

    It is active, `pending` or `success` (failed parts go to the 4-hourly
    retry; `syncing` ones are in flight), and not synced since the hour began.
    """
    if isinstance(state, Mapping):
        state = SyncState.from_row(state)
    if not state.is_active or state.sync_status not in (PENDING, SUCCESS):
        return False
    return state.last_sync_at is None or state.last_sync_at < hour_start


def daily_part_ceiling(boeing_rate_per_min: float, batch_size: int) -> int:
    """Parts Boeing's rate lets the hub re-check in a day: rate × batch × 1,440 minutes."""
    if boeing_rate_per_min <= 0 or batch_size < 1:
        raise ValueError("the Boeing rate and batch size must be positive")
    return math.floor(boeing_rate_per_min * batch_size * 24 * 60)


def effective_recheck_days(catalogue: int, ceiling_per_day: int) -> int:
    """Days one full re-check of `catalogue` parts takes at `ceiling_per_day` parts a day (at least 1).

    docs/behaviour.md §8 wants every part re-checked daily; past the ceiling (28,800 parts
    at 2 calls/min × 10 parts) that cannot hold, and this says how far it slips.
    """
    if catalogue < 0:
        raise ValueError(f"catalogue must not be negative, got {catalogue}")
    if ceiling_per_day < 1:
        raise ValueError(f"ceiling_per_day must be at least 1, got {ceiling_per_day}")
    return max(1, math.ceil(catalogue / ceiling_per_day))
