"""Inbox names: which are taken, wait or are refused; how they are shown, made safe, cut and numbered."""

from __future__ import annotations

import itertools

import pytest

from boeinghub_dagster.domain.intake_names import (
    ABANDONED_AFTER_SECONDS,
    MAX_NAME_BYTES,
    NAME_BUDGET,
    NOTE_SUFFIXES,
    escape_name,
    fit_name,
    free_names,
    judge_name,
    safe_name,
)

DAY = 24 * 3600


def _bytes(name: str) -> int:
    return len(name.encode("utf-8", "surrogateescape"))


@pytest.mark.parametrize(
    "name",
    [
        "parts.txt",
        "..txt",
        "...csv",
        "-rf.txt",
        "a|b.txt",
        "pièces détachées.csv",
        "部品.xlsx",
        "p" * 251 + ".txt",
        "PARTS",
    ],
)
def test_ordinary_and_odd_names_are_taken(name):
    assert judge_name(name, 0).action == "take"


@pytest.mark.parametrize(
    "name,what",
    [
        ("bad\nname.txt", "control character 0x0a"),
        ("tab\tname.csv", "control character 0x09"),
        ("esc\x1b[31mred.txt", "control character 0x1b"),
        ("del\x7f.txt", "control character 0x7f"),
        ("c1\x85.txt", "control character 0x85"),
        ("bad\udcffbyte.txt", "byte 0xff, which is not UTF-8"),
        ("parts\u202egnp.txt", "the invisible character U+202E"),
        ("line\u2028sep.txt", "the invisible character U+2028"),
    ],
)
def test_a_name_with_control_characters_or_undecodable_bytes_is_refused_with_its_escaped_name(name, what):
    verdict = judge_name(name, 0)
    assert verdict.action == "refuse"
    assert verdict.reason.startswith(f"unsafe file name: it holds {what} (a name that would garble log lines,")
    assert f"the name, escaped: '{escape_name(name)}'" in verdict.reason
    assert escape_name(name).isprintable() and "\n" not in verdict.reason


def test_many_unsafe_characters_are_summed_up():
    reason = judge_name("a\x01\x02\x03\x04\x05.txt", 0).reason
    assert "control character 0x01, control character 0x02, control character 0x03 and 2 more" in reason


@pytest.mark.parametrize(
    "name",
    [
        ".parts.xlsx.1a2b3c.part",
        "upload.txt.part",
        "UPLOAD.CSV.PART",
        "x.xlsx.filepart",
        ".hidden.txt",
        ".txt",
        ".parts.csv.Ab12Cd",
    ],
)
def test_files_being_written_wait_and_say_so_until_abandoned(name):
    fresh = judge_name(name, 60)
    assert fresh.action == "wait" and "a file still being written" in fresh.reason
    assert judge_name(name, ABANDONED_AFTER_SECONDS - 1).action == "wait"
    stale = judge_name(name, 2 * DAY)
    assert stale.action == "refuse" and stale.reason.startswith("abandoned upload:") and "48 h" in stale.reason


def test_escape_name_shows_every_unsafe_character_and_doubles_backslashes():
    assert escape_name("a\nb\tc\x00d\udcffe\u202ef\\g|h.txt") == "a\\x0ab\\x09c\\x00d\\xffe\\u202ef\\\\g|h.txt"
    assert escape_name("pièces 部品.csv") == "pièces 部品.csv"


def test_safe_name_percent_encodes_what_it_must_and_is_writable():
    assert safe_name("bad\nname.txt") == "bad%0Aname.txt"
    assert safe_name("bad\udcffbyte.txt") == "bad%FFbyte.txt"
    assert safe_name("100%\x1b.txt") == "100%25%1B.txt"
    assert safe_name("parts\u202egnp.txt") == "parts%E2%80%AEgnp.txt"
    for name in ("bad\nname.txt", "x\udcff\u2028y"):
        safe_name(name).encode("utf-8")  # strict: no surrogate left
        assert judge_name(safe_name(name), 0).action == "take"


@pytest.mark.parametrize(
    "name", ["p" * 244 + ".txt", "p" * 251 + ".csv", "部" * 80 + ".csv", "é" * 125 + ".xlsx", "x" * 255]
)
def test_every_name_and_its_notes_fit_255_bytes(name):
    for candidate in itertools.islice(free_names(name, "20260101T000000000000Z"), 15):
        assert _bytes(candidate) <= NAME_BUDGET
        assert all(_bytes(candidate + suffix) <= MAX_NAME_BYTES for suffix in NOTE_SUFFIXES)
        candidate.encode("utf-8")  # never a character cut in half
    first = fit_name(name)
    if "." in name:
        assert first.endswith(name[name.rindex(".") :])  # the extension survives the cut


def test_a_short_name_is_kept_as_it_is():
    assert fit_name("parts.csv") == "parts.csv" and fit_name("..txt") == "..txt"


def test_free_names_number_nine_times_then_use_the_unique_suffix_without_end():
    names = list(itertools.islice(free_names("parts.csv", "U"), 13))
    assert names[:3] == ["parts.csv", "parts-1.csv", "parts-2.csv"] and names[9] == "parts-9.csv"
    assert names[10:] == ["parts-U.csv", "parts-U-1.csv", "parts-U-2.csv"]
    many = list(itertools.islice(free_names("parts.csv", "U"), 20_000))
    assert len(set(many)) == 20_000  # never runs out, never repeats
