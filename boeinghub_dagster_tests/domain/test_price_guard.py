"""The sync's price-jump hold: a move over PRICE_JUMP_HOLD_PCT of the old price is held."""

from __future__ import annotations

from decimal import Decimal

import pytest

from boeinghub_dagster.domain.price_guard import price_change_pct, price_jump
from boeinghub_dagster.resources.settings import Limits

D = Decimal
HOLD = D("50")


def test_default_hold_is_fifty_percent_in_limits() -> None:
    assert D(Limits().price_jump_hold_pct) == D("50")


def test_small_move_is_not_held() -> None:
    assert price_jump(D("100.00"), D("120.00"), HOLD) is None
    assert price_jump(D("100.00"), D("80.00"), HOLD) is None


def test_exactly_the_threshold_is_not_held() -> None:
    assert price_jump(D("100.00"), D("150.00"), HOLD) is None
    assert price_jump(D("100.00"), D("50.00"), HOLD) is None


def test_just_over_the_threshold_is_held() -> None:
    assert price_jump(D("100.00"), D("150.01"), HOLD) == ("price jump held: 100.00 → 150.01 (up 50.01%, over 50%)")


def test_a_rise_is_held_with_its_size() -> None:
    assert price_jump(D("10.00"), D("25.00"), HOLD) == "price jump held: 10.00 → 25.00 (up 150.00%, over 50%)"


def test_a_fall_is_held_with_its_size() -> None:
    assert price_jump(D("10.00"), D("4.00"), HOLD) == "price jump held: 10.00 → 4.00 (down 60.00%, over 50%)"


def test_no_old_price_is_never_held() -> None:
    assert price_jump(None, D("999.00"), HOLD) is None


def test_old_price_of_zero_counts_as_absent() -> None:
    assert price_jump(D("0"), D("999.00"), HOLD) is None


def test_no_new_price_is_never_held() -> None:
    assert price_jump(D("10.00"), None, HOLD) is None


def test_unchanged_price_is_not_held() -> None:
    assert price_jump(D("10.00"), D("10.00"), D("0")) is None


def test_zero_hold_holds_any_change() -> None:
    assert price_jump(D("10.00"), D("10.01"), 0) == "price jump held: 10.00 → 10.01 (up 0.10%, over 0%)"


def test_hold_may_be_a_string_as_read_from_the_environment() -> None:
    assert price_jump(D("10.00"), D("13.00"), "25") is not None
    assert price_jump(D("10.00"), D("12.00"), " 25 ") is None


@pytest.mark.parametrize("hold", ["abc", "nan", "-1"])
def test_unusable_hold_is_an_error(hold: str) -> None:
    with pytest.raises(ValueError):
        price_jump(D("10.00"), D("12.00"), hold)


def test_change_pct_is_relative_to_the_old_price() -> None:
    assert price_change_pct(D("80"), D("100")) == D("25")
    assert price_change_pct(D("100"), D("80")) == D("20")


def test_change_pct_needs_a_positive_old_price() -> None:
    with pytest.raises(ValueError):
        price_change_pct(D("0"), D("1"))
