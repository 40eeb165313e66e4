"""Intake parsing (docs/behaviour.md §3): accepted .txt, .csv and .xlsx files, from tmp_path and memory."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest

from boeinghub_dagster.domain.intake import RejectedLine
from boeinghub_dagster_tests.domain.intake_support import parse, parse_path, reasons_by_line, xlsx_bytes

# ---------------------------------------------------------------- .txt


def test_txt_one_per_line_with_comments_and_separators(tmp_path):
    path = tmp_path / "parts.txt"
    path.write_text(
        "# weekly list from purchasing\n"  # 1 comment line
        "BACB30LH3-4\n"  # 2
        "  wf338109=k3 , MS20470AD4-6;NAS1149F0363P  \n"  # 3: three entries, trimmed, upper-cased
        "\n"  # 4 blank
        "AB#12   # '#' inside a part number is kept, after whitespace it starts a comment\n"  # 5
        "   # indented comment\n"  # 6
        "AN960C10L,,;  ;\n",  # 7: empty pieces skipped
        encoding="utf-8",
    )
    result = parse_path(path)
    assert result.part_numbers == ["BACB30LH3-4", "WF338109=K3", "MS20470AD4-6", "NAS1149F0363P", "AB#12", "AN960C10L"]
    assert result.rejected == []
    assert (result.lines, result.duplicates) == (6, 0)


def test_txt_physical_line_numbers_for_crlf_cr_and_bom():
    content = b"\xef\xbb\xbfBACB30LH3-4\r\nbad|one\r\rMS20470AD4-6\rbad...two\n"
    result = parse("list.txt", content)
    assert result.part_numbers == ["BACB30LH3-4", "MS20470AD4-6"]
    assert [(r.line, r.value) for r in result.rejected] == [(2, "bad|one"), (5, "bad...two")]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_txt_utf16_with_bom_is_accepted(encoding):
    bom = {"utf-16": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[encoding]
    content = bom + "BACB30LH3-4\nWF338109=K3\n".encode(encoding)
    assert parse("u16.txt", content).part_numbers == ["BACB30LH3-4", "WF338109=K3"]


def test_txt_part_number_title_line_is_not_a_part():
    result = parse("t.txt", b"Part Number\nBACB30LH3-4\n")
    assert result.part_numbers == ["BACB30LH3-4"]
    assert result.lines == 1


def test_txt_uppercase_suffix_is_supported():
    assert parse("LIST.TXT", b"ms20470ad4-6").part_numbers == ["MS20470AD4-6"]


# ---------------------------------------------------------------- .csv


def test_csv_without_header(tmp_path):
    path = tmp_path / "parts.csv"
    path.write_bytes(b"BACB30LH3-4\nwf338109=k3\nMS20470AD4-6\n")
    result = parse_path(path)
    assert result.part_numbers == ["BACB30LH3-4", "WF338109=K3", "MS20470AD4-6"]
    assert result.lines == 3


def test_csv_with_header_first_column(tmp_path):
    path = tmp_path / "parts.csv"
    path.write_bytes(b"part_number,qty\nBACB30LH3-4,5\nMS20470AD4-6,10\n")
    result = parse_path(path)
    assert result.part_numbers == ["BACB30LH3-4", "MS20470AD4-6"]
    assert result.lines == 2  # the header is not an entry


def test_csv_part_number_in_a_later_column_and_row_numbers(tmp_path):
    path = tmp_path / "order.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Description", "Qty", " Part_Number "])
        writer.writerow(["bolt", "4", "BACB30LH3-4"])
        writer.writerow(["rivet", "100", "bad|pn"])
        writer.writerow(["nut", "2", "MS21042L3"])
    result = parse_path(path)
    assert result.part_numbers == ["BACB30LH3-4", "MS21042L3"]
    assert result.rejected == [RejectedLine(3, "bad|pn", result.rejected[0].reason)]
    assert "'|'" in result.rejected[0].reason


@pytest.mark.parametrize("header", ["Part Number", "PN", "P/N", "partnumber", "PART-NO."])
def test_csv_known_header_names_pick_the_column(header):
    content = f"qty;{header}\n1;BACB30LH3-4\n2;WF338109=K3\n".encode()
    result = parse("semicolons.csv", content)
    assert result.part_numbers == ["BACB30LH3-4", "WF338109=K3"]


def test_csv_header_that_is_not_a_part_number_is_detected():
    result = parse("h.csv", b"Part Numbers (Boeing),note\nBACB30LH3-4,x\n")
    assert result.part_numbers == ["BACB30LH3-4"]
    assert result.lines == 1


def test_csv_first_row_with_digits_is_data_not_header():
    result = parse("d.csv", b"BACB30LH3-4,bolt\nMS20470AD4-6,rivet\n")
    assert result.part_numbers == ["BACB30LH3-4", "MS20470AD4-6"]


def test_csv_multiline_quoted_cell_keeps_physical_line_numbers():
    content = b'part_number,note\n"BAD\nPN",x\nBACB30LH3-4,"two\nlines"\n"A,B",y\n'
    result = parse("m.csv", content)
    assert result.part_numbers == ["BACB30LH3-4"]
    lines = reasons_by_line(result)
    assert set(lines) == {2, 6}
    assert "control character 0x0a" in lines[2]
    assert "character ',' is not allowed" in lines[6]


def test_csv_row_with_empty_part_number_cell_is_rejected_not_lost():
    result = parse("e.csv", b"part_number,qty\nBACB30LH3-4,1\n,7\n")
    assert result.part_numbers == ["BACB30LH3-4"]
    assert result.rejected == [RejectedLine(3, "", result.rejected[0].reason)]
    assert "no part number in column 1 ('part_number')" in result.rejected[0].reason


def test_csv_with_utf8_bom_header():
    result = parse("bom.csv", "\ufeffpart_number\nBACB30LH3-4\n".encode())
    assert result.part_numbers == ["BACB30LH3-4"]
    assert result.lines == 1
    assert result.encoding == "utf-8-sig"


# ---------------------------------------------------------------- encodings


def test_windows_1252_csv_as_excel_exports_it_is_read_as_such(tmp_path):
    """A French Excel CSV export: ';', accented header and descriptions, '€' (0x80, which Latin-1 lacks)."""
    path = tmp_path / "commande.csv"
    with path.open("w", newline="", encoding="cp1252") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["Référence", "Désignation", "Prix €"])
        writer.writerow(["BACB30LH3-4", "Écrou à river", "12,50 €"])
        writer.writerow(["MS20470AD4-6", "Rivet tête ronde", "0,80 €"])
        writer.writerow(["PIÈCE-€1", "à vérifier", ""])
    assert b"\x80" in path.read_bytes() and b"\xc9" in path.read_bytes()  # really Windows-1252 bytes, not UTF-8
    result = parse_path(path)
    assert result.encoding == "windows-1252"
    assert result.part_numbers == ["BACB30LH3-4", "MS20470AD4-6"]
    assert [(r.line, r.value) for r in result.rejected] == [(4, "PIÈCE-€1")]  # decoded as the operator typed it


def test_windows_1252_txt_with_a_comment_is_read_as_such():
    result = parse("liste.txt", "# commandé par l'atelier\nBACB30LH3-4\nWF338109=K3 # réf. Boeing\n".encode("cp1252"))
    assert (result.part_numbers, result.encoding) == (["BACB30LH3-4", "WF338109=K3"], "windows-1252")


@pytest.mark.parametrize(
    "content,encoding",
    [
        (b"BACB30LH3-4\n", "utf-8"),
        ("# pièce\nBACB30LH3-4\n".encode(), "utf-8"),  # valid UTF-8 is never taken for Windows-1252
        (b"\xef\xbb\xbfBACB30LH3-4\n", "utf-8-sig"),
        (b"\xff\xfe" + "BACB30LH3-4\n".encode("utf-16-le"), "utf-16"),
    ],
)
def test_the_parse_names_the_encoding_it_read(content, encoding):
    result = parse("p.txt", content)
    assert (result.part_numbers, result.encoding) == (["BACB30LH3-4"], encoding)


def test_xlsx_has_no_text_encoding():
    assert parse("p.xlsx", xlsx_bytes([["BACB30LH3-4"]])).encoding is None


# ---------------------------------------------------------------- .xlsx


def test_xlsx_header_numbers_and_row_numbers(tmp_path):
    path = tmp_path / "parts.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [
                ["Description", "Part Number"],
                ["bolt", "BACB30LH3-4"],
                ["plain number", 12345.0],
                ["int", 678],
                ["bad", "X|Y"],
                ["flag", True],
                ["date", dt.datetime(2024, 1, 2)],
                ["suffix", "wf338109=k3"],
            ]
        )
    )
    result = parse_path(path)
    assert result.part_numbers == ["BACB30LH3-4", "12345", "678", "WF338109=K3"]
    lines = reasons_by_line(result)
    assert set(lines) == {5, 6, 7}
    assert "'|'" in lines[5]
    assert "TRUE/FALSE" in lines[6]
    assert "date" in lines[7]


def test_xlsx_without_header_first_column_and_leading_blank_rows():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C3"] = "BACB30LH3-4"
    ws["C4"] = "bad...pn"
    ws["C6"] = "MS20470AD4-6"
    ws["D6"] = "note"
    buf = io.BytesIO()
    wb.save(buf)
    result = parse("offset.xlsx", buf.getvalue())
    assert result.part_numbers == ["BACB30LH3-4", "MS20470AD4-6"]
    assert [(r.line, r.value) for r in result.rejected] == [(4, "BAD...PN".lower())]
    assert "'...'" in result.rejected[0].reason


def test_xlsx_reads_the_first_sheet_only():
    content = xlsx_bytes([["part_number"], ["BACB30LH3-4"]], extra_sheets=[("Other", [["MS20470AD4-6"]])])
    assert parse("two.xlsx", content).part_numbers == ["BACB30LH3-4"]


def test_xlsx_skips_a_hidden_first_sheet():
    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "lookup"
    hidden["A1"] = "NOT-A-PART-1"
    hidden.sheet_state = "hidden"
    visible = wb.create_sheet("Parts")
    visible["A1"] = "BACB30LH3-4"
    wb.active = 1
    buf = io.BytesIO()
    wb.save(buf)
    assert parse("hidden.xlsx", buf.getvalue()).part_numbers == ["BACB30LH3-4"]
