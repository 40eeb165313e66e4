"""Low-level readers for intake files (docs/behaviour.md §3): text decoding, CSV rows, xlsx rows.

Pure domain code: no Dagster, no I/O beyond the bytes handed in. Each reader
raises `Unreadable` with an operator-facing reason; `intake.parse_intake_file`
turns that into `FileRejected`.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import math
import zipfile
from collections.abc import Iterator

import python_calamine

from boeinghub_dagster.domain.intake_sheet_bounds import BadWorkbook, SheetTooLarge, WorkbookScan, scan_workbook

# Unpacked size above which an .xlsx is refused before it is parsed (zip-bomb guard): declared
# sizes first, then the bytes actually unpacked (intake_sheet_bounds).
MAX_XLSX_UNPACKED_BYTES = 256 * 1024 * 1024

_MAGIC_HINTS = (
    (b"PK\x03\x04", "it looks like a zip archive or an Excel .xlsx workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "it looks like an old Excel .xls or another Office file"),
    (b"%PDF", "it looks like a PDF document"),
    (b"\x89PNG", "it looks like a PNG image"),
    (b"\xff\xd8\xff", "it looks like a JPEG image"),
    (b"\x1f\x8b", "it looks like a gzip archive"),
)
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class Unreadable(Exception):
    """The file cannot be read at all; str(exc) is the operator-facing reason."""


# ---------------------------------------------------------------- text


def decode_text(content: bytes) -> tuple[str, str]:
    """(text, encoding) of a .txt/.csv file: UTF-8 (BOM optional), UTF-16 with a BOM, else Windows-1252.

    Windows-1252 is Excel's default CSV export on Windows, so a file that is not
    UTF-8 is tried as that. Latin-1 is never guessed: it decodes any byte, so it
    would accept binary; Windows-1252 leaves 0x81, 0x8d, 0x8f, 0x90 and 0x9d
    undefined, and a file holding one of those is refused.
    """
    for magic, hint in _MAGIC_HINTS:
        if content.startswith(magic):
            raise Unreadable(f"binary content: {hint}, not a text file")
    if content.startswith(_UTF16_BOMS):
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise Unreadable(
                f"not valid UTF-16 text ({exc.reason} at byte {exc.start}; save the file as UTF-8)"
            ) from exc
        if "\x00" in text:
            raise Unreadable("binary content: the file contains NUL characters, so it is not a text file")
        return text, "utf-16"
    if b"\x00" in content:
        raise Unreadable(_nul_reason(content))
    bom = len(_UTF8_BOM) if content.startswith(_UTF8_BOM) else 0
    try:
        return str(memoryview(content)[bom:], "utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError as utf8_error:
        if bom:  # a UTF-8 BOM says what the file meant to be
            where = _bad_byte(content, utf8_error.start + bom)
            raise Unreadable(f"not valid UTF-8 text ({where}; save it as UTF-8)") from utf8_error
        try:
            return content.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError as exc:
            raise Unreadable(
                f"not valid UTF-8 text ({_bad_byte(content, utf8_error.start)}) nor Windows-1252 text "
                f"({_bad_byte(content, exc.start)}: undefined in Windows-1252); save the file as UTF-8"
            ) from exc


def _bad_byte(content: bytes, start: int) -> str:
    line = content.count(b"\n", 0, start) + 1
    return f"byte 0x{content[start]:02x} on line {line} cannot be decoded"


def _nul_reason(content: bytes) -> str:
    half = max(len(content) // 2, 1)
    even, odd = content[0::2].count(0), content[1::2].count(0)
    if max(even, odd) >= 0.4 * half and min(even, odd) <= 0.05 * half:
        return "not valid UTF-8 text (it looks like UTF-16 without a byte-order mark; save the file as UTF-8)"
    return f"binary content: the file contains {content.count(0)} NUL bytes, so it is not a text file"


def sniff_delimiter(text: str) -> str:
    """`,`, `;` or tab: whichever occurs most (outside quotes) in the first non-blank line."""
    first = next((ln for ln in text[:65536].splitlines() if ln.strip()), "")
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for ch in first:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])  # ties keep ',' (first key)
    return best if counts[best] else ","


def csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(physical start line, cells) per record; a malformed CSV raises `Unreadable`."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text), strict=True)
    previous = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            hint = " (a quoted cell is never closed)" if "unexpected end of data" in str(exc) else ""
            raise Unreadable(f"cannot parse the CSV at line {previous + 1}: {exc}{hint}") from exc
        start, previous = previous + 1, reader.line_num
        yield start, row


# ---------------------------------------------------------------- xlsx


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _check_xlsx_container(content: bytes) -> WorkbookScan:
    prefix = "not a readable .xlsx workbook"
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise Unreadable(
            f"{prefix} (it is an old-format .xls or a password-protected workbook; "
            "save it in Excel as .xlsx without a password)"
        )
    if not content.startswith(b"PK"):
        looks_text = b"\x00" not in content[:4096]
        hint = "it looks like plain text - name it .csv or .txt" if looks_text else "it is not a zip-based Excel file"
        raise Unreadable(f"{prefix} ({hint})")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise Unreadable(f"{prefix} (the file is damaged or incomplete - was it still being copied? {exc})") from exc
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names:
            hint = "it is a binary .xlsb workbook; save it as .xlsx"
        elif "content.xml" in names:
            hint = "it is an OpenDocument spreadsheet; save it as .xlsx"
        elif "word/document.xml" in names:
            hint = "it is a Word document"
        else:
            hint = "a zip archive without xl/workbook.xml is not an Excel workbook"
        raise Unreadable(f"{prefix} ({hint})")
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise Unreadable(
            f"{prefix} (it unpacks to {unpacked // 2**20} MB, the limit is {MAX_XLSX_UNPACKED_BYTES // 2**20} MB)"
        )
    try:
        return scan_workbook(content, MAX_XLSX_UNPACKED_BYTES)
    except BadWorkbook as exc:
        raise Unreadable(f"{prefix} ({exc})") from exc


def _fatal(exc: BaseException) -> bool:
    return isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError))


class XlsxSheet:
    """The first visible worksheet of an .xlsx, read with python-calamine.

    `rows()` yields (index, cells) with index counted from the first row
    calamine yields; after iterating, `line_shift()` converts an index to the
    1-based sheet row. Column indexes are relative to `col_offset`.
    """

    def __init__(self, content: bytes):
        scan = _check_xlsx_container(content)
        try:
            self._wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
            metas = list(self._wb.sheets_metadata)
            if not metas:
                raise Unreadable("the workbook has no sheets")
            work = [i for i, m in enumerate(metas) if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
            if not work:
                raise Unreadable("the workbook has no worksheets (only chart or macro sheets)")
            visible = [i for i in work if metas[i].visible == python_calamine.SheetVisibleEnum.Visible]
            index = (visible or work)[0]
            self.name = metas[index].name
            scan.check(self.name, f"the first sheet '{self.name}'")  # before the reader builds it
            self._sheet = self._wb.get_sheet_by_index(index)
        except SheetTooLarge as exc:
            raise Unreadable(str(exc)) from exc
        except Unreadable:
            raise
        except BaseException as exc:  # calamine raises its own errors, or a Rust panic
            if _fatal(exc):
                raise
            raise Unreadable(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from exc
        start = self._sheet.start
        self.col_offset = start[1] if start else 0
        self._count = 0

    def rows(self) -> Iterator[tuple[int, list]]:
        try:
            for i, row in enumerate(self._sheet.iter_rows()):
                self._count = i + 1
                yield i + 1, row
        except BaseException as exc:
            if _fatal(exc):
                raise
            raise Unreadable(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from exc

    def line_shift(self) -> int:
        end = self._sheet.end
        return 0 if end is None else max(end[0] + 1 - self._count, 0)

    def close(self) -> None:
        try:
            self._wb.close()
        except Exception:  # pragma: no cover - closing is best effort
            pass


def xlsx_cell_text(cell: object) -> tuple[str, str | None]:
    """(text, problem): text as the operator sees it; problem is a rejection reason or None."""
    if isinstance(cell, str):
        return cell, None
    if isinstance(cell, bool):
        return str(cell).upper(), "the cell holds TRUE/FALSE, not a part number"
    if isinstance(cell, float):
        if not math.isfinite(cell):
            return str(cell), "the cell holds a non-finite number"
        if cell.is_integer():
            if abs(cell) >= 1e15:
                return (
                    f"{cell:.15g}",
                    "number too large: Excel keeps only 15 digits, so digits may be lost; "
                    "format the column as Text and re-enter it",
                )
            return str(int(cell)), None
        return repr(cell), None
    if isinstance(cell, int):
        return str(cell), None
    if isinstance(cell, (_dt.date, _dt.time, _dt.timedelta)):
        return str(cell), "the cell holds a date or time, not a part number; format the column as Text"
    return ("" if cell is None else str(cell)), None
