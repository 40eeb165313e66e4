"""docs/behaviour.md §8: sync outcomes, deactivation after 5 failures, reactivation, stuck and due parts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from boeinghub_dagster.domain.sync_rules import (
    MAX_ERROR_CHARS,
    SyncState,
    after_failure,
    after_success,
    clip_error,
    daily_part_ceiling,
    effective_recheck_days,
    is_due,
    is_stuck,
    reactivate,
)
from boeinghub_dagster.resources.settings import Limits

UTC = UTC
HOUR = datetime(2026, 3, 1, 14, 0, tzinfo=UTC)
MAX = Limits().max_consecutive_sync_failures


def test_limits_default_is_five_failures_and_sixty_minutes() -> None:
    assert (MAX, Limits().sync_stuck_minutes) == (5, 60)


# --- success -------------------------------------------------------------------


def test_success_resets_the_counter_and_clears_the_error() -> None:
    update = after_success(SyncState("syncing", consecutive_failures=3, last_error="boom"))
    assert update.columns() == {
        "sync_status": "success",
        "consecutive_failures": 0,
        "is_active": True,
        "last_error": None,
        "shopify_status": None,
    }
    assert (update.deactivate, update.activate) == (False, False)


def test_success_of_an_inactive_part_keeps_it_inactive() -> None:
    update = after_success(SyncState("syncing", 5, is_active=False, shopify_status="DRAFT"))
    assert (update.is_active, update.activate, update.shopify_status) == (False, False, "DRAFT")


# --- failure and deactivation ------------------------------------------------------


def test_failure_counts_and_records_the_reason() -> None:
    update = after_failure(SyncState("syncing", 1), "not returned by Boeing", MAX)
    assert update.columns() == {
        "sync_status": "failed",
        "consecutive_failures": 2,
        "is_active": True,
        "last_error": "not returned by Boeing",
        "shopify_status": None,
    }
    assert update.deactivate is False


def test_fourth_failure_keeps_the_part_active() -> None:
    update = after_failure(SyncState("syncing", 3), "x", MAX)
    assert (update.consecutive_failures, update.is_active, update.deactivate) == (4, True, False)


def test_fifth_failure_deactivates_and_drafts_the_product() -> None:
    update = after_failure(SyncState("syncing", 4, shopify_status="ACTIVE"), "Shopify error", MAX)
    assert (update.consecutive_failures, update.is_active, update.deactivate) == (5, False, True)
    assert update.shopify_status == "DRAFT"


def test_five_failures_in_a_row_from_a_fresh_part() -> None:
    state = SyncState()
    flags = []
    for _ in range(5):
        update = after_failure(state, "boom", MAX)
        flags.append(update.deactivate)
        state = SyncState(**update.columns())
    assert flags == [False, False, False, False, True]
    assert (state.is_active, state.consecutive_failures) == (False, 5)


def test_failure_of_an_inactive_part_only_counts() -> None:
    update = after_failure(SyncState("failed", 5, is_active=False, shopify_status="DRAFT"), "again", MAX)
    assert (update.consecutive_failures, update.is_active, update.deactivate) == (6, False, False)


def test_lower_threshold_applies() -> None:
    assert after_failure(SyncState("syncing", 1), "x", max_failures=2).deactivate is True


def test_threshold_must_be_positive() -> None:
    with pytest.raises(ValueError):
        after_failure(SyncState(), "x", max_failures=0)


def test_long_error_is_clipped_to_500_characters() -> None:
    update = after_failure(SyncState(), "e" * 800, MAX)
    assert len(update.last_error) == MAX_ERROR_CHARS == 500
    assert update.last_error.endswith("e…")
    assert clip_error("e" * 500) == "e" * 500


# --- reactivation ------------------------------------------------------------------


def test_reactivation_is_pending_active_with_no_failures() -> None:
    update = reactivate(SyncState("failed", 5, is_active=False, last_error="x", shopify_status="DRAFT"))
    assert update.columns() == {
        "sync_status": "pending",
        "consecutive_failures": 0,
        "is_active": True,
        "last_error": None,
        "shopify_status": "DRAFT",  # ACTIVE only after the next good sync
    }
    assert update.activate is False


def test_next_good_sync_after_reactivation_sets_active_on_shopify() -> None:
    reactivated = SyncState(**reactivate(SyncState("failed", 5, is_active=False, shopify_status="DRAFT")).columns())
    update = after_success(reactivated)
    assert (update.activate, update.shopify_status, update.sync_status) == (True, "ACTIVE", "success")
    assert after_success(SyncState(**update.columns())).activate is False


# --- stuck ---------------------------------------------------------------------------


def test_syncing_for_more_than_the_limit_is_stuck() -> None:
    state = SyncState("syncing", updated_at=HOUR)
    assert is_stuck(state, HOUR + timedelta(minutes=61), 60) is True
    assert is_stuck(state, HOUR + timedelta(minutes=60), 60) is False


def test_stuck_falls_back_to_last_sync_at() -> None:
    assert is_stuck(SyncState("syncing", last_sync_at=HOUR), HOUR + timedelta(hours=2), 60) is True


def test_syncing_without_any_timestamp_is_stuck() -> None:
    assert is_stuck(SyncState("syncing"), HOUR, 60) is True


@pytest.mark.parametrize("status", ["pending", "success", "failed"])
def test_only_syncing_parts_can_be_stuck(status: str) -> None:
    assert is_stuck(SyncState(status, updated_at=HOUR - timedelta(days=3)), HOUR, 60) is False


# --- due ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "due"),
    [
        (SyncState("pending"), True),
        (SyncState("success", last_sync_at=HOUR - timedelta(days=1)), True),
        (SyncState("success", last_sync_at=HOUR - timedelta(seconds=1)), True),
        (SyncState("success", last_sync_at=HOUR), False),  # synced since the hour began
        (SyncState("success", last_sync_at=HOUR + timedelta(minutes=5)), False),
        (SyncState("failed", 2), False),  # the 4-hourly retry takes these
        (SyncState("syncing"), False),
        (SyncState("pending", is_active=False), False),
    ],
)
def test_is_due(state: SyncState, due: bool) -> None:
    assert is_due(state, HOUR) is due


def test_is_due_takes_a_schedule_row() -> None:
    row = {"part_number": "X1", "sync_status": "success", "is_active": True, "last_sync_at": None, "hour_bucket": 3}
    assert is_due(row, HOUR) is True
    assert is_due({**row, "is_active": False}, HOUR) is False


def test_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError):
        SyncState("done")


# --- daily capacity ------------------------------------------------------------------


def test_daily_ceiling_at_the_default_limits() -> None:
    limits = Limits()
    assert daily_part_ceiling(limits.boeing_rate_per_min, limits.boeing_batch_size) == 28_800


@pytest.mark.parametrize(
    ("catalogue", "days"), [(0, 1), (5_000, 1), (28_800, 1), (28_801, 2), (50_000, 2), (100_000, 4)]
)
def test_effective_recheck_days(catalogue: int, days: int) -> None:
    assert effective_recheck_days(catalogue, 28_800) == days


def test_recheck_needs_a_positive_ceiling() -> None:
    with pytest.raises(ValueError):
        effective_recheck_days(10, 0)
