"""docs/behaviour.md §8: the change hash — sha256 of canonical JSON of price, quantity, status, locations."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from boeinghub_dagster.domain.hashing import canonical_json, change_fields, change_hash, sha256_hex

D = Decimal

KNOWN_ROW = {
    "part_number": "BACB30LE3-4",
    "list_price": D("25.50"),
    "net_price": D("20.00"),
    "inventory_quantity": 12,
    "inventory_status": "in_stock",
    "locations": [{"location": "Dallas Central", "quantity": 8}, {"location": "Chicago", "quantity": 4}],
}
KNOWN_JSON = '{"locations":[["Chicago",4],["Dallas Central",8]],"price":"25.50","quantity":12,"status":"in_stock"}'
KNOWN_HEX = "d90687fb494a02b745cf21614946a5a5fd6ff071f25153377c67e384454d62f1"

EMPTY_JSON = '{"locations":[],"price":null,"quantity":0,"status":null}'
EMPTY_HEX = "7d78fc22dc38e8d16db920fecf80aabb580d7c321c7f99ef6ff70b15ed01aa92"


# --- the pinned value --------------------------------------------------------


def test_canonical_text_of_a_known_row() -> None:
    assert canonical_json(change_fields(KNOWN_ROW)) == KNOWN_JSON


def test_pinned_digest_of_a_known_row() -> None:
    assert change_hash(KNOWN_ROW) == KNOWN_HEX
    assert hashlib.sha256(KNOWN_JSON.encode()).hexdigest() == KNOWN_HEX


def test_pinned_digest_of_an_empty_row() -> None:
    assert canonical_json(change_fields({})) == EMPTY_JSON
    assert change_hash({}) == EMPTY_HEX


# --- canonical JSON ----------------------------------------------------------


def test_canonical_json_sorts_keys_and_drops_blanks() -> None:
    assert canonical_json({"b": 1, "a": [1, 2], "c": {"z": None, "y": True}}) == (
        '{"a":[1,2],"b":1,"c":{"y":true,"z":null}}'
    )


def test_canonical_json_keeps_non_ascii_as_text() -> None:
    assert canonical_json({"loc": "Zürich"}) == '{"loc":"Zürich"}'


def test_canonical_json_writes_decimals_as_strings() -> None:
    assert canonical_json({"p": D("1.10")}) == '{"p":"1.10"}'


def test_canonical_json_refuses_unknown_types() -> None:
    with pytest.raises(TypeError):
        canonical_json({"s": {1, 2}})


def test_sha256_hex_is_utf8() -> None:
    assert sha256_hex("Zürich") == hashlib.sha256("Zürich".encode()).hexdigest()


# --- the fields --------------------------------------------------------------


def test_price_is_the_base_cost_with_two_places() -> None:
    assert change_fields({"list_price": D("25.5")})["price"] == "25.50"
    assert change_fields({"list_price": 7})["price"] == "7.00"
    assert change_fields({"list_price": "3.456"})["price"] == "3.46"


def test_price_falls_back_to_net_price() -> None:
    assert change_fields({"list_price": None, "net_price": D("20")})["price"] == "20.00"
    assert change_fields({"list_price": D("0"), "net_price": D("20")})["price"] == "20.00"


def test_no_price_is_null() -> None:
    assert change_fields({"list_price": None, "net_price": None})["price"] is None


def test_locations_are_sorted_pairs() -> None:
    fields = change_fields({"locations": [{"location": "B", "quantity": 1}, {"location": "A", "quantity": "2"}]})
    assert fields["locations"] == [["A", 2], ["B", 1]]


def test_bad_location_quantity_counts_as_zero_and_nameless_entries_are_skipped() -> None:
    fields = change_fields({"locations": [{"location": "A", "quantity": None}, {"quantity": 5}]})
    assert fields["locations"] == [["A", 0]]


# --- change detection --------------------------------------------------------


def test_location_order_does_not_change_the_hash() -> None:
    swapped = {**KNOWN_ROW, "locations": list(reversed(KNOWN_ROW["locations"]))}
    assert change_hash(swapped) == KNOWN_HEX


def test_fields_outside_the_four_do_not_change_the_hash() -> None:
    assert change_hash({**KNOWN_ROW, "boeing_name": "OTHER", "weight": 9.0}) == KNOWN_HEX


def test_price_written_differently_but_equal_gives_the_same_hash() -> None:
    assert change_hash({**KNOWN_ROW, "list_price": "25.5"}) == KNOWN_HEX
    assert change_hash({**KNOWN_ROW, "list_price": 25.5}) == KNOWN_HEX


@pytest.mark.parametrize(
    "change",
    [
        {"list_price": D("25.51")},
        {"list_price": None},  # falls back to the net price 20.00
        {"inventory_quantity": 11},
        {"inventory_status": "out_of_stock"},
        {"locations": [{"location": "Dallas Central", "quantity": 7}, {"location": "Chicago", "quantity": 4}]},
        {"locations": [{"location": "Dallas Central", "quantity": 8}]},
    ],
)
def test_each_hashed_field_changes_the_hash(change: dict) -> None:
    assert change_hash({**KNOWN_ROW, **change}) != KNOWN_HEX
