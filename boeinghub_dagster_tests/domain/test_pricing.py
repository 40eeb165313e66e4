"""docs/behaviour.md §6: base cost = list else net; price = base × markup, half-up to cents."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from boeinghub_dagster.domain.pricing import DEFAULT_MARKUP, base_cost, shop_price

D = Decimal


# --- base_cost ---------------------------------------------------------------


def test_base_cost_prefers_list_price() -> None:
    assert base_cost(D("25.50"), D("20.00")) == D("25.50")


def test_base_cost_list_price_even_when_lower_than_net() -> None:
    assert base_cost(D("5.00"), D("20.00")) == D("5.00")


def test_base_cost_falls_back_to_net_price() -> None:
    assert base_cost(None, D("20.00")) == D("20.00")


def test_base_cost_only_list_price() -> None:
    assert base_cost(D("7.10"), None) == D("7.10")


def test_base_cost_none_when_both_absent() -> None:
    assert base_cost(None, None) is None


def test_base_cost_zero_list_counts_as_absent() -> None:
    # docs/behaviour.md §5: a price of 0 counts as absent
    assert base_cost(D("0"), D("3.00")) == D("3.00")
    assert base_cost(D("0.00"), None) is None
    assert base_cost(None, D("0")) is None


def test_base_cost_returns_the_same_value_object() -> None:
    price = D("12.34")
    assert base_cost(price, D("1.00")) is price


# --- shop_price: rounding ----------------------------------------------------


def test_default_markup_is_1_1() -> None:
    assert DEFAULT_MARKUP == D("1.1")
    assert shop_price(D("100.00")) == D("110.00")


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("0.05", "0.06"),  # 0.055
        ("0.15", "0.17"),  # 0.165: half-even would give 0.16
        ("0.25", "0.28"),  # 0.275
        ("1.05", "1.16"),  # 1.155
        ("1.15", "1.27"),  # 1.265: float round() gives 1.26, half-even 1.26
        ("2.35", "2.59"),  # 2.585
        ("10.05", "11.06"),  # 11.055
        ("10.15", "11.17"),  # 11.165: half-even would give 11.16
        ("24.45", "26.90"),  # 26.895
        ("99.95", "109.95"),  # 109.945: half-even would give 109.94
        ("123.45", "135.80"),  # 135.795
    ],
)
def test_half_cent_rounds_up(base: str, expected: str) -> None:
    assert shop_price(D(base)) == D(expected)


@pytest.mark.parametrize("base", ["0.15", "1.15", "10.15", "99.95"])
def test_rounding_is_not_half_even(base: str) -> None:
    exact = D(base) * D("1.1")
    assert shop_price(D(base)) != exact.quantize(D("0.01"), rounding=ROUND_HALF_EVEN)


def test_below_half_cent_rounds_down() -> None:
    # 0.04 × 1.1 = 0.044
    assert shop_price(D("0.04")) == D("0.04")
    # 1.23 × 1.1 = 1.353
    assert shop_price(D("1.23")) == D("1.35")


def test_above_half_cent_rounds_up() -> None:
    # 1.26 × 1.1 = 1.386
    assert shop_price(D("1.26")) == D("1.39")


def test_result_has_exactly_two_places() -> None:
    price = shop_price(D("100"))
    assert price == D("110.00")
    assert price.as_tuple().exponent == -2
    assert str(price) == "110.00"


def test_exact_product_is_kept() -> None:
    assert shop_price(D("25.50")) == D("28.05")


def test_large_price() -> None:
    assert shop_price(D("123456.78")) == D("135802.46")  # 135802.458


# --- shop_price: markup types ------------------------------------------------


def test_float_markup_equals_decimal_markup() -> None:
    # float 1.1 is 1.100000000000000088817...; via str it is exactly 1.1
    for base in ("0.15", "1.15", "10.15", "99.95"):
        assert shop_price(D(base), 1.1) == shop_price(D(base), D("1.1"))


def test_float_markup_is_not_binary_expanded() -> None:
    # 0.30 × 1.15 = 0.345 → 0.35; Decimal(1.15) is 1.149999..., which would give 0.34
    assert shop_price(D("0.30"), 1.15) == D("0.35")


def test_string_markup() -> None:
    assert shop_price(D("10.00"), "1.25") == D("12.50")
    assert shop_price(D("0.02"), " 1.25 ") == D("0.03")  # 0.025


def test_int_markup() -> None:
    assert shop_price(D("10.01"), 2) == D("20.02")


def test_other_markup_half_up() -> None:
    # 0.03 × 1.5 = 0.045 → 0.05 (half-even would give 0.04)
    assert shop_price(D("0.03"), D("1.5")) == D("0.05")


def test_markup_of_one_keeps_the_price() -> None:
    assert shop_price(D("19.99"), D("1")) == D("19.99")


def test_price_is_a_decimal() -> None:
    assert isinstance(shop_price(D("1.00"), 1.1), Decimal)


# --- shop_price: absent and bad values ---------------------------------------


def test_no_base_no_price() -> None:
    assert shop_price(None) is None
    assert shop_price(None, 1.3) is None


def test_base_cost_then_shop_price_with_net_fallback() -> None:
    assert shop_price(base_cost(None, D("10.05"))) == D("11.06")
    assert shop_price(base_cost(None, None)) is None


@pytest.mark.parametrize("markup", ["abc", "", "nan", "inf", float("nan"), float("inf")])
def test_unusable_markup_is_an_error(markup: object) -> None:
    with pytest.raises(ValueError):
        shop_price(D("1.00"), markup)  # type: ignore[arg-type]


@pytest.mark.parametrize("markup", [0, "0", "-1.1", -1.1])
def test_markup_must_be_positive(markup: object) -> None:
    with pytest.raises(ValueError, match="positive"):
        shop_price(D("1.00"), markup)  # type: ignore[arg-type]


@pytest.mark.parametrize("markup", [True, None, [1.1]])
def test_markup_of_wrong_type_is_an_error(markup: object) -> None:
    with pytest.raises(TypeError):
        shop_price(D("1.00"), markup)  # type: ignore[arg-type]


def test_negative_base_is_an_error() -> None:
    with pytest.raises(ValueError, match="negative"):
        shop_price(D("-5.00"))
