"""`pricing.decide_price`: the one rule publishing and the sync follow (issue 15 item 8), and typed-in overrides."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from boeinghub_dagster.domain.pricing import Override, decide_price, override_from

D = Decimal
RULE = {"markup": "1.1", "hold_pct": "50"}
APPROVED = datetime(2026, 12, 1, tzinfo=UTC)


def test_without_an_override_the_price_is_cost_times_markup_and_a_jump_over_the_guard_is_held():
    assert decide_price(D("100"), published_price=D("105.00"), **RULE).price == D("110.00")
    held = decide_price(D("200"), published_price=D("110.00"), **RULE)  # 220 is 100 % over 110
    assert held.price == D("220.00") and held.held.startswith("price jump held") and held.new_hold
    assert held.reference == D("110.00") and held.source == "boeing"


def test_a_held_price_goes_through_once_exactly_that_price_is_approved():
    waiting = {"new_price": D("220.00"), "approved_at": None}
    again = decide_price(D("200"), published_price=D("110.00"), hold=waiting, **RULE)
    assert again.held and not again.new_hold  # already waiting on this price: no second hold row
    assert (
        decide_price(D("200"), published_price=D("110.00"), hold={**waiting, "approved_at": APPROVED}, **RULE).held
        is None
    )
    other = decide_price(D("210"), published_price=D("110.00"), hold={**waiting, "approved_at": APPROVED}, **RULE)
    assert other.held and other.new_hold  # an approval releases that price only


def test_a_fixed_override_is_the_price_whatever_boeing_says_and_is_never_held():
    decision = decide_price(D("5000"), published_price=D("10.00"), override=Override(price=D("99.95")), **RULE)
    assert (decision.price, decision.source, decision.held) == (D("99.95"), "override", None)
    assert decide_price(None, override=Override(price=D("12.00")), **RULE).price == D("12.00")


def test_under_a_markup_override_only_boeings_cost_moving_is_held_never_the_operators_markup():
    markup = Override(markup=D("3"))
    calm = decide_price(D("100"), published_price=D("110.00"), published_cost=D("100"), override=markup, **RULE)
    assert calm.price == D("300.00") and calm.held is None  # 110 -> 300 is the operator's doing
    jumped = decide_price(D("200"), published_price=D("300.00"), published_cost=D("100"), override=markup, **RULE)
    assert jumped.held and jumped.reference == D("300.00")  # Boeing's cost doubled under the same markup


def test_no_published_price_and_no_boeing_price_are_never_held():
    assert decide_price(D("9999"), **RULE).held is None  # a new part, or a retired one coming back
    assert decide_price(None, published_price=D("10.00"), **RULE).price is None


@pytest.mark.parametrize(
    "price, markup, reason",
    [
        (None, None, "either price or markup"),
        (1, 1.2, "either price or markup"),
        (0, None, "above 0"),
        (-5, None, "above 0"),
        (1_000_000.01, None, "at most"),
        (1.234, None, "whole cents"),
        (float("nan"), None, "finite"),
        (float("inf"), None, "finite"),
        (None, 0, "above 0"),
        (None, 101, "at most"),
        (None, 1.23456, "4 decimals"),
        ("12,50", None, "not a number"),
    ],
)
def test_a_typed_in_override_that_is_not_a_price_is_refused_with_its_reason(price, markup, reason):
    with pytest.raises(ValueError, match=reason):
        override_from(price, markup)


def test_a_typed_in_override_keeps_its_value_exactly():
    assert override_from(129.95) == Override(price=D("129.95"))
    assert override_from(None, 1.35) == Override(markup=D("1.35"))
    assert override_from("7") == Override(price=D("7.00"))
