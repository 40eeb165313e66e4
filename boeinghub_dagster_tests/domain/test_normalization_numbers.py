"""docs/behaviour.md §5: numbers of the staging row: prices, unit of measure, dimensions, weight."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from boeinghub_dagster.domain.normalization import RejectedItem, parse_price
from boeinghub_dagster_tests.domain.normalization_support import D, body_lines, row_for

# --- prices --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (25.5, D("25.50")),
        (25, D("25.00")),
        ("25.50", D("25.50")),
        (" 25.50 ", D("25.50")),
        ("25", D("25.00")),
        (D("7.1"), D("7.10")),
        (0.1, D("0.10")),
        ("1e2", D("100.00")),
        ("25.555", D("25.56")),  # half-up to cents
        ("25.554", D("25.55")),
        ("-5", D("-5.00")),
        (-5.0, D("-5.00")),
    ],
)
def test_parse_price_values(value: Any, expected: Decimal) -> None:
    price = parse_price(value)
    assert price == expected
    assert isinstance(price, Decimal)
    assert price.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "  ",
        "abc",
        "25,50",
        "$25",
        0,
        0.0,
        "0",
        "0.00",
        "-0",
        "0.004",
        "NaN",
        "inf",
        float("nan"),
        float("inf"),
        True,
        False,
        [],
        {},
    ],
)
def test_parse_price_absent(value: Any) -> None:
    assert parse_price(value) is None


def test_prices_as_numbers() -> None:
    row = row_for(listPrice=10, netPrice=9.5)
    assert row["list_price"] == D("10.00")
    assert row["net_price"] == D("9.50")


def test_prices_as_strings() -> None:
    row = row_for(listPrice="10.00", netPrice="9.5")
    assert row["list_price"] == D("10.00")
    assert row["net_price"] == D("9.50")


@pytest.mark.parametrize("value", [None, "abc", 0, "0.00", "0"])
def test_absent_list_price_is_none(value: Any) -> None:
    row = row_for(listPrice=value)
    assert row["list_price"] is None
    assert row["net_price"] == D("20.00")
    assert row["status"] == "fetched"  # the net price is a base price


@pytest.mark.parametrize("value", [None, "abc", 0, "0.00"])
def test_absent_net_price_is_none(value: Any) -> None:
    row = row_for(netPrice=value)
    assert row["net_price"] is None
    assert row["list_price"] == D("25.50")


def test_negative_list_price_is_rejected() -> None:
    with pytest.raises(RejectedItem) as info:
        row_for(listPrice=-5)
    assert str(info.value) == "negative list_price -5.00"
    assert info.value.reason == "negative list_price -5.00"


def test_negative_list_price_string_is_rejected() -> None:
    with pytest.raises(RejectedItem, match=r"^negative list_price -5\.00$"):
        row_for(listPrice="-5.00")


def test_negative_net_price_is_rejected() -> None:
    with pytest.raises(RejectedItem, match=r"^negative net_price -3\.25$"):
        row_for(netPrice="-3.25")


def test_negative_net_price_rejected_even_with_good_list_price() -> None:
    with pytest.raises(RejectedItem):
        row_for(listPrice="10.00", netPrice=-1)


def test_rejected_item_is_a_value_error() -> None:
    assert issubclass(RejectedItem, ValueError)


# --- base_uom, unit_of_measure -------------------------------------------------

UOM_TABLE = [
    ("EA", "EA"),
    ("EACH", "EA"),
    ("PC", "EA"),
    ("PCS", "EA"),
    ("PIECE", "EA"),
    ("PIECES", "EA"),
    ("UNIT", "EA"),
    ("UNITS", "EA"),
    ("IN", "Inches"),
    ("INCH", "Inches"),
    ("INCHES", "Inches"),
    ("LB", "Pound"),
    ("LBS", "Pound"),
    ("POUND", "Pound"),
    ("POUNDS", "Pound"),
    ("PK", "Pack (1PK = 25EA)"),
    ("PACK", "Pack (1PK = 25EA)"),
]


@pytest.mark.parametrize(("uom", "expected"), UOM_TABLE)
def test_uom_table(uom: str, expected: str) -> None:
    row = row_for(baseUOM=uom)
    assert row["unit_of_measure"] == expected
    assert row["base_uom"] == uom
    assert body_lines(row)[5] == f"<p>Unit of Measure: {expected}</p>"


@pytest.mark.parametrize(("uom", "expected"), UOM_TABLE)
def test_uom_table_lower_case_and_padded(uom: str, expected: str) -> None:
    raw = f"  {uom.lower()} "
    row = row_for(baseUOM=raw)
    assert row["unit_of_measure"] == expected
    assert row["base_uom"] == raw  # as given


@pytest.mark.parametrize("uom", ["KG", "FT", "BOX", "E A", "", "EACHES", 5])
def test_unknown_uom_is_empty(uom: Any) -> None:
    row = row_for(baseUOM=uom)
    assert row["unit_of_measure"] == ""
    assert row["base_uom"] == uom


def test_null_uom() -> None:
    row = row_for(baseUOM=None)
    assert row["unit_of_measure"] == ""
    assert row["base_uom"] is None


# --- dimensions ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("dim", "expected"),
    [
        ("2.5 x 1.0 x 0.5", (2.5, 1.0, 0.5)),
        ("2.5 X 1.0 X 0.5", (2.5, 1.0, 0.5)),
        ("2.5x1x0.5", (2.5, 1.0, 0.5)),
        ("  3 x 4 x 5  ", (3.0, 4.0, 5.0)),
        ("10 x 0 x 0.25", (10.0, 0.0, 0.25)),
    ],
)
def test_dims_good(dim: str, expected: tuple) -> None:
    row = row_for(dim=dim)
    assert (row["dim_length"], row["dim_width"], row["dim_height"]) == expected
    assert all(isinstance(row[k], float) for k in ("dim_length", "dim_width", "dim_height"))


@pytest.mark.parametrize(
    "dim",
    [
        "2.5 x 1.0",  # two numbers
        "2.5",
        "2.5 x 1.0 x 0.5 x 4",  # four
        "2.5 x abc x 0.5",  # junk
        "big x 1 x 2",
        "2.5 x  x 0.5",  # empty part
        "2.5 by 1.0 by 0.5",
        "2.5 * 1.0 * 0.5",
        "nan x 1 x 2",
        "",
        None,
        12,
        ["2.5", "1", "0.5"],
    ],
)
def test_dims_bad_are_all_none(dim: Any) -> None:
    row = row_for(dim=dim)
    assert (row["dim_length"], row["dim_width"], row["dim_height"]) == (None, None, None)


def test_dim_uom_as_given() -> None:
    assert row_for(dimUOM="CM")["dim_uom"] == "CM"
    assert row_for(dimUOM=None)["dim_uom"] is None


# --- weight ----------------------------------------------------------------------


@pytest.mark.parametrize(("weight", "expected"), [("0.25", 0.25), (" 1.5 ", 1.5), (2, 2.0), (0.75, 0.75), ("0", 0.0)])
def test_weight_parsed(weight: Any, expected: float) -> None:
    row = row_for(weight=weight)
    assert row["weight"] == expected
    assert isinstance(row["weight"], float)


@pytest.mark.parametrize("weight", [None, "", "heavy", "1.5 lb", "inf", True])
def test_weight_absent(weight: Any) -> None:
    assert row_for(weight=weight)["weight"] is None


def test_weight_unit_as_given() -> None:
    assert row_for(weightUOM="KG")["weight_unit"] == "KG"
    assert row_for(weightUOM=None)["weight_unit"] is None
