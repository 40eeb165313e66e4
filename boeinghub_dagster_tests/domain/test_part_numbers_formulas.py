"""Part numbers and spreadsheets: no formula character first (CSV injection), `=` inside still fine;
`is_normalized`, the one-regex check of an untrusted parser's answer, agrees with the rules."""

from __future__ import annotations

import pytest

from boeinghub_dagster.domain.part_numbers import InvalidPartNumber, is_normalized, normalize_part_number


def _reason(raw: str) -> str:
    with pytest.raises(InvalidPartNumber) as info:
        normalize_part_number(raw)
    return str(info.value)


@pytest.mark.parametrize("char", ["-", "=", "+"])
def test_a_formula_character_may_end_a_part_number(char: str) -> None:
    assert normalize_part_number(f"A{char}") == f"A{char}"


# --- formula characters (CSV injection) ----------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["=1+2", "+A1", "-2+3", "@SUM(A1)", '=HYPERLINK("http://x")', "=CMD|' /C calc'!A0", "  =1+2", "=K3", "-", "+"],
)
def test_a_part_number_cannot_start_with_a_formula_character(raw: str) -> None:
    reason = _reason(raw)
    assert reason.startswith(f"cannot start with {raw.strip()[0]!r}: a spreadsheet would run it as a formula")
    assert "no part number starts with = + - or @" in reason and "WF338109=K3, is fine" in reason


@pytest.mark.parametrize("raw", ["WF338109=K3", "wf338109=k3", "A=B+C-D", "BACB30LH3-4", "MS20470AD4-6"])
def test_formula_characters_inside_a_part_number_still_work(raw: str) -> None:
    assert normalize_part_number(raw) == raw.upper()


# --- is_normalized: the one-regex check of a parser's answer --------------------


@pytest.mark.parametrize(
    "value",
    [
        "ABC-123",
        "WF338109=K3",
        "A B",
        "A..B",
        "#A#",
        "A" * 50,
        "a",
        " A",
        "A ",
        "A  B",
        "A...B",
        "=K3",
        "-A",
        "+A",
        "@A",
        "A" * 51,
        "",
        "A\x00",
        "É",
        "A|B",
        "A,B",
        "BACB30 LE3=X",
        "- -",
        "A\n",
        "Ａ",
        7,
        None,
    ],
)
def test_is_normalized_agrees_with_normalize_part_number(value) -> None:
    try:
        expected = isinstance(value, str) and normalize_part_number(value) == value
    except (InvalidPartNumber, AttributeError):
        expected = False
    assert is_normalized(value) is expected
