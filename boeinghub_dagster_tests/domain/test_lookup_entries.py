"""`lookup_parts` reads what an operator typed as hostile input, and says per part what is known in words."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from boeinghub_dagster.domain import lookup

AT = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)


def test_entries_come_from_the_list_and_pasted_text_once_each_in_order():
    entries = lookup.parse_entries(["bacb30lh3-4", "WF338109=K3, BACB30LH3-4"], "MS20426AD3-4\r\n\n;  nas1149f0363p ")
    assert [e.value for e in entries] == ["BACB30LH3-4", "WF338109=K3", "MS20426AD3-4", "NAS1149F0363P"]
    assert all(e.reason is None for e in entries)


def test_a_value_that_is_not_a_part_number_keeps_its_row_with_the_reason_never_a_crash():
    entries = lookup.parse_entries(["A|B", "=cmd()", "x" * 300, "ok-1", "\x1b[31mred"])
    bad = {e.raw[:10]: e.reason for e in entries if e.value is None}
    assert set(bad) == {"A|B", "=cmd()", "x" * 10, "\x1b[31mred"}
    assert "not a part number" in bad["A|B"] and "formula" in bad["=cmd()"] and "too long" in bad["x" * 10]
    assert next(e for e in entries if e.raw.startswith("xxx")).raw.endswith("(300 characters)")  # clipped
    table = lookup.table([{"part": e.raw, "boeing": e.reason} for e in entries if e.value is None])
    assert "A\\|B" in table and "\x1b" not in table  # one row each, the pipe escaped, no control character


def test_more_than_500_entries_are_refused_with_the_limit():
    with pytest.raises(ValueError, match="at most 500"):
        lookup.parse_entries([f"P{i}" for i in range(501)])


def test_the_boeing_cell_reads_the_stored_answer_and_survives_a_hostile_one():
    payload = {
        "lineItems": [
            {
                "aviallPartNumber": "A-1",
                "listPrice": "12.50",
                "netPrice": 10,
                "locationAvailabilities": [
                    {"location": "Dallas", "availQuantity": "7"},
                    {"location": "Miami", "availQuantity": -3},
                    "junk",
                ],
            }
        ]
    }
    raw = {"fetched_at": AT, "returned": True, "payload": payload}
    assert lookup.boeing_cell("A-1", raw) == "2026-12-01 10:30 · cost $12.50 · stock: Dallas 7, Miami 0"
    assert lookup.boeing_cell("A-1", {**raw, "returned": False}) == "not returned by Boeing (2026-12-01 10:30)"
    for hostile in ("not json", {"lineItems": "x"}, {"lineItems": [None, 5]}, None):
        assert "holds no item" in lookup.boeing_cell("A-1", {**raw, "payload": hostile})
    assert lookup.boeing_cell("A-1", None) == "never asked"


def test_cells_say_why_in_words():
    assert lookup.staged_cell({"status": "blocked", "status_reason": "no price"}) == "blocked: no price"
    failures = [{"stage": "extraction", "reason": "not returned by Boeing", "count": 3, "last_at": AT}]
    assert lookup.failures_cell(failures) == "extraction: not returned by Boeing (×3, last 2026-12-01 10:30)"
    override = {"set_by": "alice", "set_at": AT, "cleared": False, "price": None, "markup": Decimal("1.3500")}
    assert lookup.override_cell(override) == "markup × 1.35 by alice, 2026-12-01 10:30"
    hold = {"approved_at": None, "held_at": AT, "reason": "price jump held: 10 → 30", "new_price": Decimal("30")}
    assert lookup.waiting_cell(hold, None, {"retired_at": AT}) == (
        "price held since 2026-12-01 10:30: price jump held: 10 → 30 (approve_prices); retired 2026-12-01 10:30"
    )
