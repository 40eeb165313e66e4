"""Intake per-line rules (docs/behaviour.md §3): duplicates, per-line rejection reasons, counts, the
part-number limit, and the rejected-lines CSV.
"""

from __future__ import annotations

import csv
import io
import random

import pytest

from boeinghub_dagster.domain.intake import RejectedLine, rejected_lines_csv
from boeinghub_dagster_tests.domain.intake_support import parse, rejection, xlsx_bytes

# ---------------------------------------------------------------- duplicates and per-line reasons


@pytest.mark.parametrize("fmt", ["txt", "csv", "xlsx"])
def test_duplicates_collapse_to_first_in_order(fmt):
    values = ["BACB30LH3-4", "MS20470AD4-6", "bacb30lh3-4", " MS20470AD4-6 ", "WF338109=K3", "BACB30LH3-4"]
    content = xlsx_bytes([[v] for v in values]) if fmt == "xlsx" else "\n".join(values).encode()
    result = parse(f"dups.{fmt}", content)
    assert result.part_numbers == ["BACB30LH3-4", "MS20470AD4-6", "WF338109=K3"]
    assert result.duplicates == 3
    assert result.lines == 6


@pytest.mark.parametrize(
    ("value", "reason_part"),
    [
        ("AB|12", "character '|' is not allowed"),
        ("AB...12", "'...' is not allowed"),
        ("A" * 51, "too long: 51 characters, at most 50"),
        ("AB\x0712", "control character 0x07"),
        ("AB\t12", "control character 0x09"),
        ('AB"12', "character '\"' is not allowed"),
        ("AB  12", "spaces must be single"),
    ],
)
def test_per_line_reasons_txt(value, reason_part):
    result = parse("bad.txt", f"BACB30LH3-4\n{value}\n".encode())
    assert result.part_numbers == ["BACB30LH3-4"]
    assert len(result.rejected) == 1
    rejected = result.rejected[0]
    assert rejected.line == 2
    assert rejected.value == value
    assert reason_part in rejected.reason


def test_comma_inside_quoted_csv_cell_is_rejected_per_line():
    result = parse("q.csv", b'part_number\nBACB30LH3-4\n"MS20470AD4-6, WF338109=K3"\n')
    assert result.part_numbers == ["BACB30LH3-4"]
    assert result.rejected[0].line == 3
    assert result.rejected[0].value == "MS20470AD4-6, WF338109=K3"
    assert "character ',' is not allowed" in result.rejected[0].reason


def test_very_long_rejected_value_is_clipped():
    result = parse("long.txt", b"BACB30LH3-4\n" + b"X" * 5000 + b"\n")
    value = result.rejected[0].value
    assert len(value) < 300 and value.endswith("(5000 characters)")


@pytest.mark.parametrize("fmt", ["txt", "csv", "xlsx"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_counts_invariant_on_random_mixes(fmt, seed):
    rng = random.Random(seed)
    pool = ["BACB30LH3-4", "WF338109=K3", "MS20470AD4-6", "bad|x", "a...b", "", "  ", "NAS1149F0363P", "x" * 60]
    values = [rng.choice(pool) + (str(rng.randint(0, 20)) if rng.random() < 0.5 else "") for _ in range(300)]
    if fmt == "xlsx":
        content = xlsx_bytes([["part_number"]] + [[v] for v in values])
    else:
        content = ("part_number\n" + "\n".join(values)).encode()
    result = parse(f"mix.{fmt}", content)
    non_blank = [v for v in values if v.strip()]
    assert result.lines == len(non_blank)
    expected = list(
        dict.fromkeys(v.strip().upper() for v in non_blank if "|" not in v and "..." not in v and len(v.strip()) <= 50)
    )
    assert result.part_numbers == expected


@pytest.mark.parametrize("fmt", ["txt", "csv", "xlsx"])
def test_max_parts_boundary_50000(fmt):
    values = [f"BACB30LH{i}-4" for i in range(50_000)]
    if fmt == "xlsx":
        content = xlsx_bytes([[v] for v in values])
    else:
        content = "\n".join(values).encode()
    result = parse(f"big.{fmt}", content)
    assert len(result.part_numbers) == 50_000
    over = content + (b"\nEXTRA-1" if fmt != "xlsx" else b"")
    if fmt == "xlsx":
        over = xlsx_bytes([[v] for v in values] + [["EXTRA-1"]])
    assert "50001 part numbers, the limit is 50000" in rejection(f"big.{fmt}", over)


# ---------------------------------------------------------------- rejected-lines CSV


def test_rejected_lines_csv_round_trips():
    rejected = [
        RejectedLine(2, "A,B", "character ',' is not allowed"),
        RejectedLine(3, 'say "hi"', "character '\"' is not allowed"),
        RejectedLine(4, "two\nlines", "control character 0x0a is not allowed"),
        RejectedLine(9, "PI\u00c8CE", "character '\u00c8' is not allowed"),
        RejectedLine(10, "", "no part number in column 1"),
    ]
    data = rejected_lines_csv(rejected)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[0] == ["line", "value", "reason"]
    assert [RejectedLine(int(a), b, c) for a, b, c in rows[1:]] == rejected


def test_rejected_lines_csv_from_a_parse_round_trips(tmp_path):
    result = parse("p.csv", b'part_number\nBACB30LH3-4\n"X,Y"\nA|B\n')
    out = tmp_path / "p.csv.rejected-lines.csv"
    out.write_bytes(rejected_lines_csv(result.rejected))
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["line"], r["value"]) for r in rows] == [("3", "X,Y"), ("4", "A|B")]
    assert all(r["reason"] for r in rows)


def test_rejected_lines_csv_empty_is_header_only():
    assert rejected_lines_csv([]) == b"line,value,reason\r\n"
