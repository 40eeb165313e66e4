"""The bad files the intake tests drop (one place, so the hostile-inbox test drops them all at once).

CASES: (file name, content factory, distinctive fragment of the rejection reason, environment).
"""

from __future__ import annotations

import io
import zipfile

from boeinghub_dagster_tests.support.inbox import xlsx_bytes

MAX_BYTES = 20 * 1024 * 1024  # parse_intake_file's default, which the sensor uses


def good_xlsx() -> bytes:
    return xlsx_bytes([["Part Number"], ["BACB30LH3-4"], ["MS20470AD4-6"], ["WF338109=K3"]])


def _xlsx_with_broken_worksheet() -> bytes:
    """A well-formed zip with xl/workbook.xml, whose worksheet XML is garbage."""
    src, out = zipfile.ZipFile(io.BytesIO(good_xlsx())), io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            data = src.read(info.filename)
            z.writestr(
                info.filename, b"<worksheet><sheetData><row" if info.filename.startswith("xl/worksheets/") else data
            )
    return out.getvalue()


def _empty_first_sheet_xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.create_sheet("Second").append(["BACB30LH3-4"])  # only the first sheet counts
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document><w:body><w:p>BACB30LH3-4</w:p></w:body></w:document>")
    return out.getvalue()


# (file name, content factory, distinctive fragment of the reason, env)
CASES = [
    ("empty.txt", lambda: b"", "empty file (0 bytes)", {}),
    (
        "comments.txt",
        lambda: b"# only comments\n\n   \n# BACB30LH3-4\n\n",
        "the file has only blank lines and comments",
        {},
    ),
    (
        "binary.txt",
        lambda: b"BACB\x00\x01\x02\x03\x00\x00\xff\x10data\x00",
        "binary content: the file contains 4 NUL bytes",
        {},
    ),
    (
        "neither-utf8-nor-cp1252.txt",
        lambda: "BACB30LH3-4\nPIÈCE-Ä1\n".encode("latin-1") + b"\x8d\n",
        "not valid UTF-8 text (byte 0xc8 on line 2 cannot be decoded) nor Windows-1252 text (byte 0x8d on line 3",
        {},
    ),
    (
        "utf16-no-bom.txt",
        lambda: "BACB30LH3-4\nMS20470AD4-6\n".encode("utf-16-le"),
        "it looks like UTF-16 without a byte-order mark",
        {},
    ),
    (
        "too-large.txt",
        lambda: b"BACB30LH3-4\n" + b"#" * (MAX_BYTES - 12) + b"\n",
        f"file too large: {MAX_BYTES + 1} bytes, the limit is {MAX_BYTES} bytes (refused from its size, unread)",
        {},
    ),
    (
        "too-many.txt",
        lambda: b"".join(f"PN-{i}\n".encode() for i in range(6)),
        "too many part numbers: 6 part numbers, the limit is 5 (MAX_PARTS_PER_FILE)",
        {"MAX_PARTS_PER_FILE": "5"},
    ),
    ("manual.pdf", lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "unsupported file type '.pdf'", {}),
    (
        "old.xls",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
        "unsupported file type '.xls': save the sheet as .xlsx",
        {},
    ),
    ("letter.docx", _docx, "unsupported file type '.docx'", {}),
    ("parts.json", lambda: b'{"part_numbers": ["BACB30LH3-4"]}\n', "unsupported file type '.json'", {}),
    ("PARTS", lambda: b"BACB30LH3-4\n", "unsupported file type (the file name has no extension)", {}),
    (
        "no-column.csv",
        lambda: b"part_number,qty\n,1\n,2\n ,3\n",
        "no usable column: column 1 ('part_number') is empty in every row of the file",
        {},
    ),
    ("header-only.csv", lambda: b"part_number,qty\n\n", "no part numbers: the file has only a header row", {}),
    (
        "all-invalid.txt",
        lambda: b'BAD|PART\nA...B\n"QUOTED"\n',
        "no valid part numbers: all 3 entries were rejected; first: line 1: character '|' is not allowed",
        {},
    ),
    (
        "bad-quoting.csv",
        lambda: b'part_number\n"BACB30LH3-4\nMS20470AD4-6\n',
        "cannot parse the CSV at line 2: unexpected end of data (a quoted cell is never closed)",
        {},
    ),
    (
        "corrupt.xlsx",
        _xlsx_with_broken_worksheet,
        "not a readable .xlsx workbook (damaged XML in xl/worksheets/sheet1.xml: unclosed token at line 1)",
        {},
    ),
    (
        "truncated.xlsx",
        lambda: (lambda good: good[: len(good) // 2])(good_xlsx()),
        "not a readable .xlsx workbook (the file is damaged or incomplete - was it still being copied?",
        {},
    ),
    ("text-named.xlsx", lambda: b"BACB30LH3-4\n", "it looks like plain text - name it .csv or .txt", {}),
    ("pdf-named.txt", lambda: b"%PDF-1.7\nBACB30LH3-4\n", "binary content: it looks like a PDF document", {}),
    ("empty-first-sheet.xlsx", _empty_first_sheet_xlsx, "no part numbers: the first sheet 'Sheet' is empty", {}),
]
