"""Intake whole-file rejections (docs/behaviour.md §3): every reason a file is refused as a whole."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from boeinghub_dagster.domain import intake_readers
from boeinghub_dagster.domain.intake import SUPPORTED_SUFFIXES, FileRejected, parse_intake_file
from boeinghub_dagster_tests.domain.intake_support import rejection, xlsx_bytes

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
    (
        "only-comments",
        "a.txt",
        b"# nothing yet\n\n   # still nothing\n",
        {},
        "no part numbers: the file has only blank lines and comments",
    ),
    ("only-blanks-csv", "a.csv", b"\n\n  \n", {}, "no part numbers: the file is empty"),
    ("csv-header-only", "a.csv", b"part_number,qty\n", {}, "no part numbers: the file has only a header row"),
    (
        "nul-bytes",
        "a.txt",
        b"BACB30LH3-4\n\x00\x01\x02\x03garbage",
        {},
        "binary content: the file contains 1 NUL bytes",
    ),
    ("pdf-as-txt", "a.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", {}, "binary content: it looks like a PDF document"),
    ("xlsx-as-csv", "a.csv", _valid_xlsx(), {}, "binary content: it looks like a zip archive or an Excel .xlsx"),
    (
        "neither-utf8-nor-cp1252",
        "a.txt",
        b"BACB30LH3-4\nPI\xc8CE-12\nX\x81\n",
        {},
        "not valid UTF-8 text (byte 0xc8 on line 2 cannot be decoded) nor Windows-1252 text "
        "(byte 0x81 on line 3 cannot be decoded: undefined in Windows-1252); save the file as UTF-8",
    ),
    ("neither-csv", "a.csv", b"part_number\nS\xe9rie-1\n\x9d\n", {}, "nor Windows-1252 text (byte 0x9d on line 3"),
    (
        "utf8-bom-then-invalid",
        "a.txt",
        b"\xef\xbb\xbfBACB30LH3-4\nS\xe9rie-1\n",
        {},
        "not valid UTF-8 text (byte 0xe9 on line 2 cannot be decoded; save it as UTF-8)",
    ),
    (
        "utf16-no-bom",
        "a.txt",
        "BACB30LH3-4\nWF338109=K3\n".encode("utf-16-le"),
        {},
        "not valid UTF-8 text (it looks like UTF-16 without a byte-order mark",
    ),
    ("utf16-bom-odd", "a.txt", b"\xff\xfeB\x00A\x00C", {}, "not valid UTF-16 text"),
    (
        "over-size",
        "a.txt",
        b"BACB30LH3-4\n" * 10,
        {"max_bytes": 100},
        "file too large: 120 bytes, the limit is 100 bytes",
    ),
    (
        "over-max-parts",
        "a.txt",
        b"A1\nA2\nA3\nA4\n",
        {"max_parts": 3},
        "too many part numbers: 4 part numbers, the limit is 3",
    ),
    ("over-max-parts-csv", "a.csv", b"pn\nA1\nA2\nA3\n", {"max_parts": 2}, "3 part numbers, the limit is 2"),
    ("pdf", "a.pdf", b"%PDF-1.7", {}, "unsupported file type '.pdf': supported types are .txt, .csv, .xlsx"),
    (
        "xls",
        "old.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        {},
        "unsupported file type '.xls': save the sheet as .xlsx",
    ),
    ("no-extension", "README", b"BACB30LH3-4", {}, "unsupported file type (the file name has no extension)"),
    (
        "no-usable-column-csv",
        "a.csv",
        b"part_number,qty\n,1\n,2\n",
        {},
        "no usable column: column 1 ('part_number') is empty in every row of the file",
    ),
    ("no-usable-column-xlsx", "a.xlsx", None, {}, "no usable column: column B ('Part Number') is empty in every row"),
    (
        "all-invalid-txt",
        "a.txt",
        b"# header comment\nbad|1\nbad|2\n",
        {},
        "no valid part numbers: all 2 entries were rejected; first: line 2: character '|' is not allowed",
    ),
    (
        "all-invalid-xlsx",
        "a.xlsx",
        None,
        {},
        "no valid part numbers: all 2 entries were rejected; first: row 2: '...' is not allowed",
    ),
    (
        "corrupt-xlsx",
        "a.xlsx",
        b"PK\x03\x04" + bytes(range(256)) * 4,
        {},
        "not a readable .xlsx workbook (the file is damaged or incomplete",
    ),
    (
        "random-bytes-xlsx",
        "a.xlsx",
        bytes(range(256)) * 4,
        {},
        "not a readable .xlsx workbook (it is not a zip-based Excel file)",
    ),
    ("truncated-xlsx", "a.xlsx", None, {}, "not a readable .xlsx workbook (the file is damaged or incomplete"),
    ("text-named-xlsx", "a.xlsx", b"BACB30LH3-4\n", {}, "not a readable .xlsx workbook (it looks like plain text"),
    (
        "xls-named-xlsx",
        "a.xlsx",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
        {},
        "not a readable .xlsx workbook (it is an old-format .xls or a password-protected workbook",
    ),
    (
        "zip-not-xlsx",
        "a.xlsx",
        _zip({"hello.txt": b"hi"}),
        {},
        "a zip archive without xl/workbook.xml is not an Excel workbook",
    ),
    ("docx-as-xlsx", "a.xlsx", _zip({"word/document.xml": b"<w/>"}), {}, "it is a Word document"),
    ("xlsx-no-sheets", "a.xlsx", _xlsx_without_sheets(), {}, "the workbook has no sheets"),
    ("xlsx-empty-first-sheet", "a.xlsx", None, {}, "no part numbers: the first sheet 'Empty' is empty"),
    ("xlsx-header-only", "a.xlsx", None, {}, "no part numbers: the first sheet 'Parts' has only a header row"),
    (
        "csv-bad-quoting",
        "a.csv",
        b'part_number\n"BACB30LH3-4"x\n',
        {},
        "cannot parse the CSV at line 2: ',' expected after '\"'",
    ),
    (
        "csv-unclosed-quote",
        "a.csv",
        b'part_number\nBACB30LH3-4\n"MS20470AD4-6\nWF338109=K3\n',
        {},
        "cannot parse the CSV at line 3: unexpected end of data (a quoted cell is never closed)",
    ),
    (
        "csv-huge-field",
        "a.csv",
        b"part_number\n" + b"A" * 200_000 + b"\n",
        {},
        "cannot parse the CSV at line 2: field larger than field limit",
    ),
]

_XLSX_CASES = {
    "no-usable-column-xlsx": lambda: xlsx_bytes([["Description", "Part Number"], ["bolt", None], ["nut", ""]]),
    "all-invalid-xlsx": lambda: xlsx_bytes([["part_number"], ["A...B"], ["C|D"]]),
    "truncated-xlsx": lambda: (lambda b: b[: len(b) // 2])(_valid_xlsx()),
    "xlsx-empty-first-sheet": lambda: xlsx_bytes([], title="Empty", extra_sheets=[("Parts", [["BACB30LH3-4"]])]),
    "xlsx-header-only": lambda: xlsx_bytes([["Part Number", "Qty"]]),
}


@pytest.mark.parametrize(
    ("name", "content", "kwargs", "reason"), [pytest.param(n, c, k, r, id=i) for i, n, c, k, r in WHOLE_FILE_REJECTIONS]
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


@pytest.mark.parametrize("undefined", [0x81, 0x8D, 0x8F, 0x90, 0x9D])
def test_each_byte_windows_1252_leaves_undefined_refuses_a_non_utf8_file(undefined):
    content = b"BACB30LH3-4\n\xe9" + bytes([undefined]) + b"\n"  # 0xe9 alone is not UTF-8
    assert f"byte 0x{undefined:02x} on line 2 cannot be decoded: undefined in Windows-1252" in rejection(
        "a.txt", content
    )


def test_supported_suffixes():
    assert SUPPORTED_SUFFIXES == (".txt", ".csv", ".xlsx")


def test_file_rejected_is_an_exception_with_the_reason():
    exc = FileRejected("empty file (0 bytes)")
    assert isinstance(exc, Exception) and str(exc) == "empty file (0 bytes)"
