"""Cutting a batch into exact chunk runs, and the time Boeing needs for it."""

import math
import random

import pytest

from boeinghub_dagster.domain.intake_chunks import duration_text, eta_minutes, is_range, plan_chunks


def test_chunks_are_contiguous_in_partition_order_and_bounded():
    order = {p: i for i, p in enumerate(["A", "B", "C", "BIG1", "BIG2", "BIG3", "BIG4", "D", "E"])}
    assert plan_chunks(["E", "A", "B", "D"], order, 2) == [["A", "B"], ["D", "E"]]  # cut where the order jumps
    assert plan_chunks(["BIG1", "BIG2", "BIG3", "BIG4"], order, 3) == [["BIG1", "BIG2", "BIG3"], ["BIG4"]]
    assert plan_chunks(["A", "A", "B"], order, 10) == [["A", "B"]]
    assert all(is_range(c, order) for c in plan_chunks(["E", "A", "B", "D"], order, 2))


def test_scattered_parts_are_packed_into_the_fewest_runs_none_a_range_over_others():
    order = {p: i for i, p in enumerate(["A", "B", "C", "BIG1", "BIG2", "BIG3", "BIG4", "D", "E"])}
    assert plan_chunks(["C", "A"], order, 10) == [["A", "C"]]  # one run; not a range: it runs with no range at all
    assert not is_range(["A", "C"], order)
    keys = [f"K{i}" for i in range(600)]
    ranks = {k: i for i, k in enumerate(keys)}
    scattered = random.Random(7).sample(keys, 200)
    for size in (1000, 64, 7):
        chunks = plan_chunks(scattered, ranks, size)
        assert len(chunks) <= math.ceil(200 / size) and max(map(len, chunks)) <= size
        assert [p for c in chunks for p in c] == sorted(scattered, key=ranks.__getitem__)


def test_a_chunk_size_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        plan_chunks(["A"], {"A": 0}, 0)


@pytest.mark.parametrize(
    "parts,rate,batch,text",
    [
        (50_000, 2, 10, "41 h 40 min"),
        (1_000, 2, 10, "50 min"),
        (6, 2, 10, "< 1 min"),
        (0, 2, 10, "0 min"),
        (50_000, 12, 20, "3 h 28 min"),
    ],
)
def test_eta_at_the_configured_rate(parts, rate, batch, text):
    assert duration_text(eta_minutes(parts, rate, batch)) == text
