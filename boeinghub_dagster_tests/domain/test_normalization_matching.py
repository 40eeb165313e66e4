"""docs/behaviour.md §4/§12: matching Boeing's answer to the asked parts and normalizing a whole response."""

from __future__ import annotations

from typing import Any

import pytest

from boeinghub_dagster.domain import normalization as norm
from boeinghub_dagster.domain.normalization import NormalizedBatch, PartFailure, match_items, normalize_response
from boeinghub_dagster_tests.domain.normalization_support import boeing_item

# --- match_items ----------------------------------------------------------------------------


def test_match_by_aviall_part_number() -> None:
    item = {"aviallPartNumber": "ABC-1", "productCode": "ZZZ"}
    assert match_items(["ABC-1"], [item]) == {"ABC-1": item}


def test_match_by_product_code() -> None:
    item = {"aviallPartNumber": "ZZZ", "productCode": "ABC-1"}
    assert match_items(["ABC-1"], [item]) == {"ABC-1": item}


def test_match_by_product_code_in_other_case() -> None:
    item = {"aviallPartNumber": None, "productCode": "abc-1"}
    assert match_items(["ABC-1"], [item]) == {"ABC-1": item}


def test_match_by_aviall_part_number_in_other_case_and_spaces() -> None:
    item = {"aviallPartNumber": "  wf338109=k3 "}
    assert match_items(["WF338109=K3"], [item]) == {"WF338109=K3": item}


def test_match_ignores_items_not_asked() -> None:
    asked_item = {"aviallPartNumber": "A"}
    other = {"aviallPartNumber": "B", "productCode": "B"}
    assert match_items(["A"], [other, asked_item]) == {"A": asked_item}


def test_match_first_item_wins() -> None:
    first = {"productCode": "A", "name": "first"}
    second = {"aviallPartNumber": "A", "name": "second"}
    assert match_items(["A"], [first, second])["A"] is first


def test_match_missing_part_is_absent() -> None:
    assert match_items(["A", "B"], [{"productCode": "A"}]).keys() == {"A"}


def test_match_suffix_must_match_whole() -> None:
    assert match_items(["WF338109=K3"], [{"aviallPartNumber": "WF338109"}]) == {}
    assert match_items(["WF338109"], [{"aviallPartNumber": "WF338109=K3"}]) == {}


def test_match_one_item_for_two_asked_parts() -> None:
    item = {"aviallPartNumber": "A", "productCode": "B"}
    assert match_items(["A", "B"], [item]) == {"A": item, "B": item}


def test_match_skips_non_object_items_and_missing_codes() -> None:
    good = {"productCode": "A"}
    assert match_items(["A"], ["A", None, {}, {"aviallPartNumber": None}, good]) == {"A": good}


def test_match_nothing() -> None:
    assert match_items([], [{"productCode": "A"}]) == {}
    assert match_items(["A"], []) == {}


# --- normalize_response ---------------------------------------------------------------------


def test_response_rows_and_failures_in_asked_order() -> None:
    payload = {
        "currency": "USD",
        "lineItems": [
            boeing_item(aviallPartNumber="B", productCode="B"),
            boeing_item(aviallPartNumber="XX-NOT-ASKED", productCode="XX-NOT-ASKED"),
            boeing_item(aviallPartNumber="A", productCode="A"),
        ],
    }
    batch = normalize_response(["A", "MISSING", "B"], payload)
    assert isinstance(batch, NormalizedBatch)
    assert [row["part_number"] for row in batch.rows] == ["A", "B"]
    assert batch.failures == [PartFailure("MISSING", "not returned by Boeing")]


def test_response_matches_product_code_in_other_case() -> None:
    payload = {"lineItems": [boeing_item(aviallPartNumber=None, productCode="bacb30le3-4")]}
    batch = normalize_response(["BACB30LE3-4"], payload)
    assert [row["part_number"] for row in batch.rows] == ["BACB30LE3-4"]
    assert batch.failures == []


def test_response_currency_passed_to_rows() -> None:
    batch = normalize_response(["A"], {"currency": "CAD", "lineItems": [{"productCode": "A"}]})
    assert batch.rows[0]["currency"] == "CAD"


def test_response_currency_default() -> None:
    batch = normalize_response(["A"], {"lineItems": [{"productCode": "A"}]})
    assert batch.rows[0]["currency"] == "USD"


def test_response_suffixed_part() -> None:
    payload = {"lineItems": [boeing_item(aviallPartNumber="WF338109=K3", productCode="WF338109=K3")]}
    batch = normalize_response(["WF338109=K3"], payload)
    row = batch.rows[0]
    assert (row["part_number"], row["sku"], row["title"]) == ("WF338109=K3", "WF338109", "WF338109")


def test_response_rejected_item_becomes_failure() -> None:
    payload = {
        "lineItems": [
            boeing_item(aviallPartNumber="A", productCode="A", listPrice="-5"),
            boeing_item(aviallPartNumber="B", productCode="B"),
        ]
    }
    batch = normalize_response(["A", "B"], payload)
    assert [row["part_number"] for row in batch.rows] == ["B"]
    assert batch.failures == [PartFailure("A", "negative list_price -5.00")]


def test_response_blocked_rows_are_rows_not_failures() -> None:
    payload = {"lineItems": [boeing_item(aviallPartNumber="A", productCode="A", listPrice=None, netPrice=None)]}
    batch = normalize_response(["A"], payload)
    assert batch.failures == []
    assert batch.rows[0]["status"] == "blocked"
    assert batch.rows[0]["status_reason"] == "no price from Boeing"


def test_response_location_map_applies() -> None:
    payload = {"lineItems": [boeing_item(aviallPartNumber="A", productCode="A")]}
    batch = normalize_response(["A"], payload, location_map={"Elsewhere": "gid://1"})
    assert batch.rows[0]["status_reason"] == "no stock at a mapped location"
    batch = normalize_response(["A"], payload, location_map={"Chicago": "gid://1"})
    assert batch.rows[0]["status"] == "fetched"


@pytest.mark.parametrize("payload", [{"currency": "USD", "lineItems": None}, {"currency": "USD"}, {}])
def test_response_line_items_null_or_missing(payload: dict) -> None:
    batch = normalize_response(["A", "B"], payload)
    assert batch.rows == []
    assert batch.failures == [PartFailure("A", "not returned by Boeing"), PartFailure("B", "not returned by Boeing")]


def test_response_empty_line_items() -> None:
    batch = normalize_response(["A"], {"lineItems": []})
    assert batch.failures == [PartFailure("A", "not returned by Boeing")]


@pytest.mark.parametrize("payload", [None, [], "oops", 42, [{"productCode": "A"}]])
def test_response_malformed_payload(payload: Any) -> None:
    with pytest.raises(ValueError, match="^malformed Boeing answer: "):
        normalize_response(["A"], payload)


@pytest.mark.parametrize("line_items", ["oops", {"productCode": "A"}, 5])
def test_response_malformed_line_items(line_items: Any) -> None:
    with pytest.raises(ValueError, match="^malformed Boeing answer: "):
        normalize_response(["A"], {"lineItems": line_items})


def test_response_duplicates_in_asked_give_one_row() -> None:
    payload = {"lineItems": [{"productCode": "A"}]}
    batch = normalize_response(["A", "A", "B", "B"], payload)
    assert [row["part_number"] for row in batch.rows] == ["A"]
    assert batch.failures == [PartFailure("B", "not returned by Boeing")]


def test_response_nothing_asked() -> None:
    batch = normalize_response([], {"lineItems": [{"productCode": "A"}]})
    assert batch == NormalizedBatch(rows=[], failures=[])


def test_part_failure_and_batch_are_frozen() -> None:
    failure = PartFailure("A", "x")
    with pytest.raises(AttributeError):
        failure.reason = "y"  # type: ignore[misc]
    batch = NormalizedBatch(rows=[], failures=[])
    with pytest.raises(AttributeError):
        batch.rows = []  # type: ignore[misc]


def test_constants_match_spec_texts() -> None:
    assert norm.NOT_RETURNED == "not returned by Boeing"
    assert norm.REASON_NO_PRICE == "no price from Boeing"
    assert norm.REASON_OUT_OF_STOCK == "out of stock"
    assert norm.REASON_NO_MAPPED_STOCK == "no stock at a mapped location"
