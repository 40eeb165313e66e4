"""Intake parsing (SPEC §3): real files in tmp_path / memory, every format."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from boeinghub_dagster.domain import intake_readers
from boeinghub_dagster.domain.intake import (
    SUPPORTED_SUFFIXES,
    FileRejected,
    IntakeParse,
    RejectedLine,
    parse_intake_file,
    rejected_lines_csv,
)


# ---------------------------------------------------------------- helpers


def parse_path(path: Path, **kw) -> IntakeParse:
    result = parse_intake_file(path.name, path.read_bytes(), **kw)
    assert_invariant(result)
    return result


def parse(name: str, content: bytes, **kw) -> IntakeParse:
    result = parse_intake_file(name, content, **kw)
    assert_invariant(result)
    return result


def assert_invariant(result: IntakeParse) -> None:
    assert result.lines == len(result.part_numbers) + len(result.rejected) + result.duplicates
    assert len(set(result.part_numbers)) == len(result.part_numbers)
    assert all(isinstance(r, RejectedLine) and r.line >= 1 and r.reason for r in result.rejected)


def rejection(name: str, content: bytes, **kw) -> str:
    with pytest.raises(FileRejected) as info:
        parse_intake_file(name, content, **kw)
    return str(info.value)


def xlsx_bytes(rows, *, title="Parts", extra_sheets=(), write_only=True) -> bytes:
    """A real .xlsx written with openpyxl; `rows` is a list of row lists for the first sheet."""
    wb = openpyxl.Workbook(write_only=write_only)
    if write_only:
        ws = wb.create_sheet(title)
    else:
        ws = wb.active
        ws.title = title
    for row in rows:
        ws.append(row)
    for name, sheet_rows in extra_sheets:
        other = wb.create_sheet(name)
        for row in sheet_rows:
            other.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def reasons_by_line(result: IntakeParse) -> dict[int, str]:
    return {r.line: r.reason for r in result.rejected}


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
    assert result.part_numbers == [
        "BACB30LH3-4", "WF338109=K3", "MS20470AD4-6", "NAS1149F0363P", "AB#12", "AN960C10L",
    ]
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
    assert result.rejected == [
        RejectedLine(3, "bad|pn", result.rejected[0].reason)
    ]
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


# ---------------------------------------------------------------- duplicates and per-line reasons


@pytest.mark.parametrize("fmt", ["txt", "csv", "xlsx"])
def test_duplicates_collapse_to_first_in_order(fmt):
    values = ["BACB30LH3-4", "MS20470AD4-6", "bacb30lh3-4", " MS20470AD4-6 ", "WF338109=K3", "BACB30LH3-4"]
    content = (
        xlsx_bytes([[v] for v in values]) if fmt == "xlsx" else "\n".join(values).encode()
    )
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
    expected = list(dict.fromkeys(v.strip().upper() for v in non_blank if "|" not in v and "..." not in v and len(v.strip()) <= 50))
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


# ---------------------------------------------------------------- whole-file rejections


def _valid_xlsx() -> bytes:
    return xlsx_bytes([["part_number"]] + [[f"BACB30LH{i}-4"] for i in range(200)])


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _xlsx_without_sheets() -> bytes:
    src = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["X1"]], write_only=False)))
    members = {i.filename: src.read(i.filename) for i in src.infolist()}
    members["xl/workbook.xml"] = re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", members["xl/workbook.xml"])
    return _zip(members)


WHOLE_FILE_REJECTIONS = [
    ("empty-txt", "a.txt", b"", {}, "empty file (0 bytes)"),
    ("empty-csv", "a.csv", b"", {}, "empty file (0 bytes)"),
    ("empty-xlsx", "a.xlsx", b"", {}, "empty file (0 bytes)"),
    ("only-comments", "a.txt", b"# nothing yet\n\n   # still nothing\n", {},
     "no part numbers: the file has only blank lines and comments"),
    ("only-blanks-csv", "a.csv", b"\n\n  \n", {}, "no part numbers: the file is empty"),
    ("csv-header-only", "a.csv", b"part_number,qty\n", {}, "no part numbers: the file has only a header row"),
    ("nul-bytes", "a.txt", b"BACB30LH3-4\n\x00\x01\x02\x03garbage", {}, "binary content: the file contains 1 NUL bytes"),
    ("pdf-as-txt", "a.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", {}, "binary content: it looks like a PDF document"),
    ("xlsx-as-csv", "a.csv", _valid_xlsx(), {}, "binary content: it looks like a zip archive or an Excel .xlsx"),
    ("latin-1", "a.txt", "BACB30LH3-4\nPI\u00c8CE-12\n".encode("latin-1"), {},
     "not valid UTF-8 text (byte 0xc8 on line 2 cannot be decoded"),
    ("latin-1-csv", "a.csv", "part_number\nS\u00e9rie-1\n".encode("latin-1"), {}, "not valid UTF-8 text (byte 0xe9 on line 2"),
    ("utf16-no-bom", "a.txt", "BACB30LH3-4\nWF338109=K3\n".encode("utf-16-le"), {},
     "not valid UTF-8 text (it looks like UTF-16 without a byte-order mark"),
    ("utf16-bom-odd", "a.txt", b"\xff\xfeB\x00A\x00C", {}, "not valid UTF-16 text"),
    ("over-size", "a.txt", b"BACB30LH3-4\n" * 10, {"max_bytes": 100},
     "file too large: 120 bytes, the limit is 100 bytes"),
    ("over-max-parts", "a.txt", b"A1\nA2\nA3\nA4\n", {"max_parts": 3}, "too many part numbers: 4 part numbers, the limit is 3"),
    ("over-max-parts-csv", "a.csv", b"pn\nA1\nA2\nA3\n", {"max_parts": 2}, "3 part numbers, the limit is 2"),
    ("pdf", "a.pdf", b"%PDF-1.7", {}, "unsupported file type '.pdf': supported types are .txt, .csv, .xlsx"),
    ("xls", "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", {}, "unsupported file type '.xls': save the sheet as .xlsx"),
    ("no-extension", "README", b"BACB30LH3-4", {}, "unsupported file type (the file name has no extension)"),
    ("no-usable-column-csv", "a.csv", b"part_number,qty\n,1\n,2\n", {},
     "no usable column: column 1 ('part_number') is empty in every row of the file"),
    ("no-usable-column-xlsx", "a.xlsx", None, {}, "no usable column: column B ('Part Number') is empty in every row"),
    ("all-invalid-txt", "a.txt", b"# header comment\nbad|1\nbad|2\n", {},
     "no valid part numbers: all 2 entries were rejected; first: line 2: character '|' is not allowed"),
    ("all-invalid-xlsx", "a.xlsx", None, {}, "no valid part numbers: all 2 entries were rejected; first: row 2: '...' is not allowed"),
    ("corrupt-xlsx", "a.xlsx", b"PK\x03\x04" + bytes(range(256)) * 4, {}, "not a readable .xlsx workbook (the file is damaged or incomplete"),
    ("random-bytes-xlsx", "a.xlsx", bytes(range(256)) * 4, {}, "not a readable .xlsx workbook (it is not a zip-based Excel file)"),
    ("truncated-xlsx", "a.xlsx", None, {}, "not a readable .xlsx workbook (the file is damaged or incomplete"),
    ("text-named-xlsx", "a.xlsx", b"BACB30LH3-4\n", {}, "not a readable .xlsx workbook (it looks like plain text"),
    ("xls-named-xlsx", "a.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, {},
     "not a readable .xlsx workbook (it is an old-format .xls or a password-protected workbook"),
    ("zip-not-xlsx", "a.xlsx", _zip({"hello.txt": b"hi"}), {}, "a zip archive without xl/workbook.xml is not an Excel workbook"),
    ("docx-as-xlsx", "a.xlsx", _zip({"word/document.xml": b"<w/>"}), {}, "it is a Word document"),
    ("xlsx-no-sheets", "a.xlsx", _xlsx_without_sheets(), {}, "the workbook has no sheets"),
    ("xlsx-empty-first-sheet", "a.xlsx", None, {}, "no part numbers: the first sheet 'Empty' is empty"),
    ("xlsx-header-only", "a.xlsx", None, {}, "no part numbers: the first sheet 'Parts' has only a header row"),
    ("csv-bad-quoting", "a.csv", b'part_number\n"BACB30LH3-4"x\n', {}, "cannot parse the CSV at line 2: ',' expected after '\"'"),
    ("csv-unclosed-quote", "a.csv", b'part_number\nBACB30LH3-4\n"MS20470AD4-6\nWF338109=K3\n', {},
     "cannot parse the CSV at line 3: unexpected end of data (a quoted cell is never closed)"),
    ("csv-huge-field", "a.csv", b"part_number\n" + b"A" * 200_000 + b"\n", {}, "cannot parse the CSV at line 2: field larger than field limit"),
]

_XLSX_CASES = {
    "no-usable-column-xlsx": lambda: xlsx_bytes([["Description", "Part Number"], ["bolt", None], ["nut", ""]]),
    "all-invalid-xlsx": lambda: xlsx_bytes([["part_number"], ["A...B"], ["C|D"]]),
    "truncated-xlsx": lambda: (lambda b: b[: len(b) // 2])(_valid_xlsx()),
    "xlsx-empty-first-sheet": lambda: xlsx_bytes([], title="Empty", extra_sheets=[("Parts", [["BACB30LH3-4"]])]),
    "xlsx-header-only": lambda: xlsx_bytes([["Part Number", "Qty"]]),
}


@pytest.mark.parametrize(
    ("name", "content", "kwargs", "reason"),
    [pytest.param(n, c, k, r, id=i) for i, n, c, k, r in WHOLE_FILE_REJECTIONS],
)
def test_whole_file_rejections(request, name, content, kwargs, reason):
    if content is None:
        content = _XLSX_CASES[request.node.callspec.id]()
    message = rejection(name, content, **kwargs)
    assert reason in message


def test_whole_file_rejection_from_a_real_file_on_disk(tmp_path):
    path = tmp_path / "catalogue.xlsx"
    path.write_bytes(_valid_xlsx()[:1000])
    with pytest.raises(FileRejected, match=r"^not a readable \.xlsx workbook"):
        parse_intake_file(path.name, path.read_bytes())


def test_xlsx_that_unpacks_too_large_is_refused(monkeypatch):
    monkeypatch.setattr(intake_readers, "MAX_XLSX_UNPACKED_BYTES", 1000)
    assert "it unpacks to 0 MB, the limit is 0 MB" in rejection("big.xlsx", _valid_xlsx())


def test_supported_suffixes():
    assert SUPPORTED_SUFFIXES == (".txt", ".csv", ".xlsx")


def test_file_rejected_is_an_exception_with_the_reason():
    exc = FileRejected("empty file (0 bytes)")
    assert isinstance(exc, Exception) and str(exc) == "empty file (0 bytes)"


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
