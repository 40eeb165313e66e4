"""docs/behaviour.md §3: part-number rules, SKU of a suffixed part number, batching."""

from __future__ import annotations

import pytest

from boeinghub_dagster.domain.part_numbers import MAX_LENGTH, InvalidPartNumber, batches, normalize_part_number, sku_of


def _reason(raw: str) -> str:
    with pytest.raises(InvalidPartNumber) as info:
        normalize_part_number(raw)
    return str(info.value)


# --- trimming and case -------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("abc-123", "ABC-123"),
        ("  abc-123  ", "ABC-123"),
        ("\tab12\n", "AB12"),
        ("\r\nwf338109=k3\r\n", "WF338109=K3"),
        ("MiXeD", "MIXED"),
        ("ABC123", "ABC123"),
    ],
)
def test_trims_and_upper_cases(raw: str, expected: str) -> None:
    assert normalize_part_number(raw) == expected


def test_invalid_part_number_is_a_value_error() -> None:
    assert issubclass(InvalidPartNumber, ValueError)


# --- length ------------------------------------------------------------------


def test_max_length_is_50() -> None:
    assert MAX_LENGTH == 50


def test_one_character_is_accepted() -> None:
    assert normalize_part_number("a") == "A"


def test_fifty_characters_are_accepted() -> None:
    raw = "A" * 50
    assert normalize_part_number(raw) == raw


def test_fifty_characters_after_trimming_are_accepted() -> None:
    assert normalize_part_number("  " + "b" * 50 + "  ") == "B" * 50


def test_fifty_one_characters_are_rejected_as_too_long() -> None:
    reason = _reason("A" * 51)
    assert "too long" in reason
    assert "51" in reason
    assert "50" in reason


@pytest.mark.parametrize("raw", ["", " ", "   ", "\t", "\n", " \t \r\n "])
def test_empty_or_whitespace_is_rejected_as_empty(raw: str) -> None:
    assert "empty" in _reason(raw)


def test_none_is_rejected_as_empty() -> None:
    assert "empty" in _reason(None)  # type: ignore[arg-type]


# --- allowed characters --------------------------------------------------------


@pytest.mark.parametrize("char", ["-", ".", "/", "_", "#", "=", "+"])
def test_every_allowed_special_character_is_accepted(char: str) -> None:
    assert normalize_part_number(f"ab{char}12") == f"AB{char}12"


@pytest.mark.parametrize("char", [".", "/", "_", "#"])
def test_allowed_special_character_at_the_edges_is_accepted(char: str) -> None:
    assert normalize_part_number(f"{char}A{char}") == f"{char}A{char}"


def test_all_digits_and_letters_are_accepted() -> None:
    raw = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    assert normalize_part_number(raw.lower()) == raw


def test_everything_allowed_at_once() -> None:
    assert normalize_part_number("ms-20470/ad4_4 #2=k3+x.y") == "MS-20470/AD4_4 #2=K3+X.Y"


def test_inner_single_space_is_accepted() -> None:
    assert normalize_part_number("BACB30 LE3-4") == "BACB30 LE3-4"


def test_several_inner_single_spaces_are_accepted() -> None:
    assert normalize_part_number("A B C D") == "A B C D"


def test_two_dots_are_accepted() -> None:
    assert normalize_part_number("a..b") == "A..B"


def test_dots_separated_are_accepted() -> None:
    assert normalize_part_number("a.b.c.d") == "A.B.C.D"


# --- spaces ------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["A  B", "A   B", "AB  12  C"])
def test_double_inner_space_is_rejected(raw: str) -> None:
    reason = _reason(raw)
    assert "spaces must be single" in reason


def test_space_only_between_special_chars_is_fine() -> None:
    assert normalize_part_number("# #") == "# #"


# --- control characters ------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("AB\x00CD", "0x00"),
        ("\x00ABC", "0x00"),
        ("ABC\x00", "0x00"),
        ("AB\x01CD", "0x01"),
        ("AB\x1fCD", "0x1f"),
        ("AB\x7fCD", "0x7f"),
        ("\x7fABCD", "0x7f"),
        ("AB\tCD", "0x09"),
        ("AB \tCD", "0x09"),
        ("AB\nCD", "0x0a"),
        ("AB\rCD", "0x0d"),
    ],
)
def test_control_characters_are_rejected(raw: str, code: str) -> None:
    reason = _reason(raw)
    assert "control character" in reason
    assert code in reason


@pytest.mark.parametrize("raw", ["\x1fABC", "ABC\x1f", "\x85ABC"])
def test_control_character_at_the_edge_is_rejected(raw: str) -> None:
    with pytest.raises(InvalidPartNumber):
        normalize_part_number(raw)


# --- forbidden characters ----------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("AB,CD", "','"),
        (",ABCD", "','"),
        ("AB;CD", "';'"),
        ("AB'CD", '"\'"'),
        ('AB"CD', "'\"'"),
        ("AB|CD", "'|'"),
        ("AB*CD", "'*'"),
        ("AB[CD]", "'['"),
        ("AB\\CD", "'\\\\'"),
        ("AB:CD", "':'"),
        ("AB@CD", "'@'"),
        ("AB%CD", "'%'"),
        ("AB(1)", "'('"),
    ],
)
def test_forbidden_characters_are_rejected_and_named(raw: str, shown: str) -> None:
    reason = _reason(raw)
    assert shown in reason
    assert "not allowed" in reason


@pytest.mark.parametrize("raw", ["AB...CD", "...ABC", "ABC...", "A....B"])
def test_three_dots_are_rejected(raw: str) -> None:
    reason = _reason(raw)
    assert "'...'" in reason


@pytest.mark.parametrize(
    ("raw", "char"),
    [
        ("ÉCROU", "É"),
        ("écrou", "é"),  # rejected before upper-casing, so shown as given
        ("MUTTER-Ö1", "Ö"),
        ("Ñ123", "Ñ"),
        ("ΑΒΓ", "Α"),  # Greek capital alpha, not Latin A
        ("БОЛТ", "Б"),
        ("AB\u00a0CD", "\xa0"),  # no-break space inside
        ("AB\u200bCD", "\u200b"),  # zero-width space
        ("ＡＢ", "Ａ"),  # full-width
        ("AB½", "½"),
    ],
)
def test_non_ascii_characters_are_rejected(raw: str, char: str) -> None:
    reason = _reason(raw)
    assert repr(char) in reason
    assert "not allowed" in reason


@pytest.mark.parametrize("raw", ["straße", "ﬁtting", "pın", "ſcrew"])
def test_non_ascii_letters_folding_to_ascii_are_rejected(raw: str) -> None:
    with pytest.raises(InvalidPartNumber):
        normalize_part_number(raw)


def test_first_broken_rule_wins_control_before_character() -> None:
    # the control character is met before the comma
    assert "control character" in _reason("A\x00,B")


def test_too_long_wins_over_bad_characters() -> None:
    assert "too long" in _reason("," * 51)


# --- sku_of ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "sku"),
    [
        ("WF338109=K3", "WF338109"),
        ("WF338109", "WF338109"),
        ("A=B=C", "A"),
        ("AB==C", "AB"),
        ("AB=", "AB"),
        ("=K3", ""),
        ("BACB30 LE3=X", "BACB30 LE3"),
    ],
)
def test_sku_of(part: str, sku: str) -> None:
    assert sku_of(part) == sku


def test_part_number_keeps_suffix_and_sku_drops_it() -> None:
    part = normalize_part_number("wf338109=k3")
    assert part == "WF338109=K3"
    assert sku_of(part) == "WF338109"


# --- batches -----------------------------------------------------------------


def test_batches_split_in_order() -> None:
    items = [f"P{i}" for i in range(25)]
    result = batches(items, 10)
    assert [len(b) for b in result] == [10, 10, 5]
    assert [p for b in result for p in b] == items


def test_batches_exact_multiple() -> None:
    assert batches(["A", "B", "C", "D"], 2) == [["A", "B"], ["C", "D"]]


def test_batches_size_one() -> None:
    assert batches(["A", "B"], 1) == [["A"], ["B"]]


def test_batches_size_larger_than_items() -> None:
    assert batches(["A", "B"], 20) == [["A", "B"]]


def test_batches_of_nothing() -> None:
    assert batches([], 10) == []


@pytest.mark.parametrize("size", [0, -1, -10])
def test_batches_size_below_one_is_an_error(size: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        batches(["A"], size)
