"""docs/behaviour.md §5: row status and the reasons a row is blocked (price, stock, location map)."""

from __future__ import annotations

from typing import Any

import pytest

from boeinghub_dagster_tests.domain.normalization_support import row_for

# --- status ------------------------------------------------------------------------------


def test_status_fetched() -> None:
    row = row_for()
    assert row["status"] == "fetched"
    assert row["status_reason"] is None


def test_status_fetched_with_only_net_price() -> None:
    row = row_for(listPrice=None, netPrice="3.00")
    assert row["status"] == "fetched"


def test_status_fetched_with_only_list_price() -> None:
    row = row_for(listPrice="3.00", netPrice=None)
    assert row["status"] == "fetched"


@pytest.mark.parametrize(("list_price", "net_price"), [(None, None), (0, "0.00"), ("abc", None)])
def test_status_blocked_no_price(list_price: Any, net_price: Any) -> None:
    row = row_for(listPrice=list_price, netPrice=net_price)
    assert row["status"] == "blocked"
    assert row["status_reason"] == "no price from Boeing"


def test_status_no_price_is_checked_before_stock() -> None:
    row = row_for(listPrice=None, netPrice=None, quantity=0, locationAvailabilities=[])
    assert row["status_reason"] == "no price from Boeing"


def test_status_blocked_out_of_stock() -> None:
    row = row_for(quantity=0, locationAvailabilities=[{"location": "A", "availQuantity": 0}])
    assert row["status"] == "blocked"
    assert row["status_reason"] == "out of stock"


def test_status_out_of_stock_even_if_in_stock_flag_true() -> None:
    row = row_for(inStock=True, quantity=0, locationAvailabilities=[])
    assert row["inventory_status"] == "in_stock"
    assert row["status_reason"] == "out of stock"


def test_status_out_of_stock_is_checked_before_mapped_location() -> None:
    row = row_for(quantity=0, locationAvailabilities=[], location_map={"Dallas Central": "gid://1"})
    assert row["status_reason"] == "out of stock"


def test_status_fetched_with_stock_at_a_mapped_location() -> None:
    row = row_for(location_map={"Chicago": "gid://shopify/Location/2"})
    assert row["status"] == "fetched"
    assert row["status_reason"] is None


def test_status_blocked_no_stock_at_a_mapped_location() -> None:
    row = row_for(location_map={"Miami": "gid://shopify/Location/9"})
    assert row["status"] == "blocked"
    assert row["status_reason"] == "no stock at a mapped location"


def test_status_mapped_location_with_zero_stock_is_blocked() -> None:
    row = row_for(
        quantity=10,
        locationAvailabilities=[
            {"location": "Dallas Central", "availQuantity": 0},
            {"location": "Chicago", "availQuantity": 10},
        ],
        location_map={"Dallas Central": "gid://shopify/Location/1"},
    )
    assert row["status_reason"] == "no stock at a mapped location"


def test_status_top_level_quantity_without_locations_and_a_map_is_blocked() -> None:
    row = row_for(quantity=10, locationAvailabilities=[], location_map={"Dallas Central": "gid://1"})
    assert row["inventory_quantity"] == 10
    assert row["status_reason"] == "no stock at a mapped location"


def test_status_mapped_location_match_is_exact() -> None:
    row = row_for(location_map={"dallas central": "gid://1"})
    assert row["status_reason"] == "no stock at a mapped location"


@pytest.mark.parametrize("location_map", [None, {}])
def test_status_no_location_map_means_any_stock(location_map: Any) -> None:
    row = row_for(
        locationAvailabilities=[{"location": "Nowhere", "availQuantity": 3}], quantity=None, location_map=location_map
    )
    assert row["status"] == "fetched"


def test_status_several_boeing_locations_mapped_to_one_shop_location() -> None:
    row = row_for(location_map={"Dallas Central": "gid://1", "Chicago": "gid://1"})
    assert row["status"] == "fetched"
