"""docs/behaviour.md §8: hour-slot assignment, bucket states, dispatch and slot efficiency."""

from __future__ import annotations

from collections import Counter

import pytest

from boeinghub_dagster.domain.slots import (
    HOURS,
    MIN_PRODUCTS_FOR_ACTIVE_SLOT,
    assign_slot,
    assign_slots,
    bucket_state,
    due_buckets,
    slot_efficiency,
)

EMPTY = [0] * HOURS


def counts_of(hours: list[int]) -> list[int]:
    tally = Counter(hours)
    return [tally[h] for h in range(HOURS)]


def with_counts(**by_hour: int) -> list[int]:
    """24 counts, zero except the given hours: with_counts(h0=12, h3=4)."""
    counts = [0] * HOURS
    for name, count in by_hour.items():
        counts[int(name[1:])] = count
    return counts


def test_batch_is_ten() -> None:
    assert MIN_PRODUCTS_FOR_ACTIVE_SLOT == 10


# --- whole catalogues added one by one ---------------------------------------


def test_first_part_goes_to_hour_zero() -> None:
    assert assign_slot(EMPTY) == 0


def test_catalogue_of_10_fills_hour_zero() -> None:
    hours = assign_slots(EMPTY, 10)
    assert hours == [0] * 10
    assert counts_of(hours) == with_counts(h0=10)


def test_catalogue_of_25() -> None:
    hours = assign_slots(EMPTY, 25)
    assert hours == [0] * 10 + [1] * 10 + [2] * 5
    assert counts_of(hours) == with_counts(h0=10, h1=10, h2=5)


def test_catalogue_of_240_puts_ten_in_every_hour() -> None:
    assert counts_of(assign_slots(EMPTY, 240)) == [10] * 24


def test_catalogue_of_1000() -> None:
    # 240 fill each hour with 10; three more rounds of 240 make 40 each (960);
    # the last 40 go round again from hour 0 in whole batches: hours 0-3 reach 50.
    hours = assign_slots(EMPTY, 1000)
    assert counts_of(hours) == [50, 50, 50, 50] + [40] * 20
    assert hours[240:250] == [0] * 10  # the second round starts at hour 0 again
    assert hours[960:] == [0] * 10 + [1] * 10 + [2] * 10 + [3] * 10


def test_adding_later_continues_where_the_catalogue_stopped() -> None:
    existing = counts_of(assign_slots(EMPTY, 25))
    assert assign_slots(existing, 7) == [2, 2, 2, 2, 2, 3, 3]


def test_assign_slots_does_not_change_its_input() -> None:
    existing = with_counts(h0=3)
    assign_slots(existing, 5)
    assert existing == with_counts(h0=3)


def test_no_new_parts_no_slots() -> None:
    assert assign_slots(with_counts(h0=3), 0) == []


# --- the two rules -----------------------------------------------------------


def test_rule_one_lowest_partial_batch_first() -> None:
    assert assign_slot(with_counts(h0=10, h1=10, h2=10, h3=4)) == 3
    assert assign_slot(with_counts(h2=7, h5=3)) == 2  # even though hour 0 is empty


def test_rule_one_counts_a_partial_second_batch() -> None:
    assert assign_slot([10] * 23 + [13]) == 23


def test_rule_two_fewest_parts_lowest_hour_on_ties() -> None:
    assert assign_slot([20] + [10] * 23) == 1
    assert assign_slot(with_counts(h0=10, h2=10)) == 1  # a hole left by removed parts
    assert assign_slot([10] * 24) == 0


def test_other_batch_sizes() -> None:
    assert assign_slots(EMPTY, 7, batch=3) == [0, 0, 0, 1, 1, 1, 2]


# --- republishing keeps a part's bucket --------------------------------------


def publish(catalogue: dict[str, int], parts: list[str]) -> None:
    """The caller's side of the rule: only parts without a bucket are assigned."""
    new = [p for p in dict.fromkeys(parts) if p not in catalogue]
    for part, hour in zip(new, assign_slots(counts_of(list(catalogue.values())), len(new)), strict=False):
        catalogue[part] = hour


def test_republishing_keeps_every_bucket() -> None:
    catalogue: dict[str, int] = {}
    publish(catalogue, [f"P{i}" for i in range(25)])
    before = dict(catalogue)
    publish(catalogue, [f"P{i}" for i in range(25)])
    assert catalogue == before
    publish(catalogue, ["P3", "NEW1", "P20", "NEW2"])
    assert {p: catalogue[p] for p in before} == before
    assert (catalogue["NEW1"], catalogue["NEW2"]) == (2, 2)


# --- bucket states -----------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "state"), [(0, "dormant"), (1, "filling"), (9, "filling"), (10, "active"), (11, "active"), (50, "active")]
)
def test_bucket_state(count: int, state: str) -> None:
    assert bucket_state(count) == state


# --- dispatch ------------------------------------------------------------------


def test_due_buckets_for_25_parts() -> None:
    counts = with_counts(h0=10, h1=10, h2=5)
    assert [due_buckets(h, counts) for h in range(4)] == [[0], [1], [2], []]


def test_filling_buckets_go_together_with_the_first_of_them() -> None:
    counts = with_counts(h0=12, h1=3, h3=4, h7=2)
    assert due_buckets(0, counts) == [0]
    assert due_buckets(1, counts) == [1, 3, 7]
    assert due_buckets(3, counts) == []
    assert due_buckets(7, counts) == []
    assert due_buckets(2, counts) == []


@pytest.mark.parametrize(
    "counts",
    [
        with_counts(h0=10, h1=10, h2=5),
        with_counts(h0=12, h1=3, h3=4, h7=2),
        with_counts(h5=1, h9=9, h23=10),
        [40] * 24,
        EMPTY,
    ],
)
def test_every_used_bucket_is_synced_exactly_once_a_day(counts: list[int]) -> None:
    covered = [b for hour in range(HOURS) for b in due_buckets(hour, counts)]
    assert sorted(covered) == [h for h in range(HOURS) if counts[h] > 0]


def test_due_buckets_rejects_a_bad_hour() -> None:
    with pytest.raises(ValueError):
        due_buckets(24, EMPTY)


@pytest.mark.parametrize("counts", [[0] * 23, [0] * 23 + [-1]])
def test_counts_must_be_24_non_negative(counts: list[int]) -> None:
    with pytest.raises(ValueError):
        assign_slot(counts)


# --- slot efficiency -----------------------------------------------------------


def test_slot_efficiency_values() -> None:
    assert slot_efficiency(with_counts(h0=10, h1=10, h2=5)) == 100.0  # ceil(2.5)=3 calls over 3 hours
    assert slot_efficiency(with_counts(h0=5, h1=5)) == 50.0  # 1 call's worth spread over 2 hours
    assert slot_efficiency([10] * 24) == 100.0
    assert slot_efficiency([50] * 4 + [40] * 20) == pytest.approx(100 / 24 * 100)  # 416.67


def test_slot_efficiency_of_an_empty_catalogue_is_zero() -> None:
    assert slot_efficiency(EMPTY) == 0.0
