"""docs/behaviour.md §5: stock of the staging row: inventory quantity, inventory status, locations."""

from __future__ import annotations

from typing import Any

import pytest

from boeinghub_dagster.domain.normalization import normalize_item, parse_quantity
from boeinghub_dagster_tests.domain.normalization_support import D, boeing_item, row_for

# --- quantities --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12, 12), ("12", 12), (" 12 ", 12), (12.0, 12), ("12.0", 12), (0, 0), ("0", 0), (-3, -3), (D("7"), 7)],
)
def test_parse_quantity(value: Any, expected: int) -> None:
    quantity = parse_quantity(value)
    assert quantity == expected
    assert type(quantity) is int


@pytest.mark.parametrize("value", [None, "", "abc", "12 pcs", "1.5", 2.5, "nan", float("inf"), True, []])
def test_parse_quantity_absent(value: Any) -> None:
    assert parse_quantity(value) is None


def test_quantity_above_zero_wins_over_locations() -> None:
    row = row_for(quantity=3)  # the fixture's locations sum to 12
    assert row["inventory_quantity"] == 3
    assert [loc["quantity"] for loc in row["locations"]] == [8, 4]


def test_quantity_string_above_zero() -> None:
    assert row_for(quantity="7")["inventory_quantity"] == 7


def test_quantity_zero_sums_locations() -> None:
    assert row_for(quantity=0)["inventory_quantity"] == 12


def test_quantity_null_sums_locations() -> None:
    assert row_for(quantity=None)["inventory_quantity"] == 12


def test_quantity_unparseable_sums_locations() -> None:
    assert row_for(quantity="lots")["inventory_quantity"] == 12


def test_quantity_negative_sums_locations() -> None:
    assert row_for(quantity=-4)["inventory_quantity"] == 12


def test_location_sum_counts_unparseable_as_zero() -> None:
    row = row_for(
        quantity=None,
        locationAvailabilities=[
            {"location": "A", "availQuantity": "5"},
            {"location": "B", "availQuantity": "many"},
            {"location": "C", "availQuantity": None},
            {"location": "D", "availQuantity": 2.0},
        ],
    )
    assert row["inventory_quantity"] == 7
    assert [loc["quantity"] for loc in row["locations"]] == [5, 0, 0, 2]


def test_no_locations_and_no_quantity_is_zero() -> None:
    for locations in (None, []):
        row = row_for(quantity=None, locationAvailabilities=locations)
        assert row["inventory_quantity"] == 0


def test_quantity_zero_and_no_locations_is_zero() -> None:
    item = boeing_item(quantity=0)
    del item["locationAvailabilities"]
    assert normalize_item("P", item, None)["inventory_quantity"] == 0


# --- inventory_status ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("in_stock", "quantity", "locations", "expected"),
    [
        (True, 5, [], "in_stock"),
        (True, 0, [], "in_stock"),  # Boeing says in stock, no count
        (None, 5, [], "in_stock"),  # count > 0
        (False, 5, [], "in_stock"),  # count > 0 wins
        (None, 0, [{"location": "A", "availQuantity": 1}], "in_stock"),  # summed count > 0
        (False, 0, [], "out_of_stock"),
        (False, None, None, "out_of_stock"),
        (None, 0, [], None),
        (None, None, None, None),
        ("true", 0, [], None),  # only a real boolean counts
        ("false", 0, [], None),
    ],
)
def test_inventory_status(in_stock: Any, quantity: Any, locations: Any, expected: str | None) -> None:
    row = row_for(inStock=in_stock, quantity=quantity, locationAvailabilities=locations)
    assert row["inventory_status"] == expected


# --- locations ----------------------------------------------------------------------


def test_locations_and_summary_in_answer_order() -> None:
    row = row_for(
        locationAvailabilities=[
            {"location": "Zurich", "availQuantity": 1},
            {"location": "Atlanta", "availQuantity": "0"},
            {"location": "Dallas Central", "availQuantity": 12},
        ]
    )
    assert row["locations"] == [
        {"location": "Zurich", "quantity": 1},
        {"location": "Atlanta", "quantity": 0},
        {"location": "Dallas Central", "quantity": 12},
    ]
    assert row["location_summary"] == "Zurich: 1; Atlanta: 0; Dallas Central: 12"


def test_single_location_summary_has_no_separator() -> None:
    row = row_for(locationAvailabilities=[{"location": "Dallas Central", "availQuantity": 12}])
    assert row["location_summary"] == "Dallas Central: 12"


@pytest.mark.parametrize("locations", [None, [], "Dallas", {"location": "A"}])
def test_no_locations(locations: Any) -> None:
    row = row_for(locationAvailabilities=locations)
    assert row["locations"] == []
    assert row["location_summary"] == ""


def test_location_quantity_types_are_int() -> None:
    row = row_for(locationAvailabilities=[{"location": "A", "availQuantity": "3"}])
    assert type(row["locations"][0]["quantity"]) is int


def test_locations_skip_entries_without_a_name_or_not_objects() -> None:
    row = row_for(
        quantity=None,
        locationAvailabilities=[
            "junk",
            {"availQuantity": 5},
            {"location": "", "availQuantity": 5},
            {"location": "A", "availQuantity": 1},
        ],
    )
    assert row["locations"] == [{"location": "A", "quantity": 1}]
    assert row["inventory_quantity"] == 1


def test_negative_location_quantity_counts_zero() -> None:
    row = row_for(
        quantity=None,
        locationAvailabilities=[{"location": "A", "availQuantity": -5}, {"location": "B", "availQuantity": 2}],
    )
    assert row["locations"] == [{"location": "A", "quantity": 0}, {"location": "B", "quantity": 2}]
    assert row["inventory_quantity"] == 2


def test_locations_list_is_a_fresh_copy() -> None:
    item = boeing_item()
    row = normalize_item("P", item, None)
    row["locations"][0]["quantity"] = 999
    assert item["locationAvailabilities"][0]["availQuantity"] == 8
