"""What an .xlsx must keep to before a sheet reader gets it: unpacked bytes and sheet size.

python-calamine builds the whole rectangle between a sheet's first and last cell, 32 bytes a
cell: cells A1 and XFD1048576 in a 1.6 KB file ask for 512 GiB, and the failed allocation aborts
the process (no Python exception). So the workbook is read first, cheaply and with bounds:

- every zip member is streamed through `zipfile` in 64 KiB steps, counting the bytes actually
  unpacked (not the sizes the zip declares; `zipfile` stops at the declared size and fails the
  CRC of a member that lied), so a zip bomb stops at `max_unpacked` bytes;
- the sheet XML is read with expat, event by event (no tree in memory), a DTD refused outright
  as defusedxml's `forbid_dtd` does (Excel never writes one; entity tricks need one), and every
  `<dimension>`, `<row r>` and `<c r>` gives the sheet's extent, cells without a reference
  placed as Excel and calamine place them (next column, next row).

Pure: bytes in, an extent or `Unreadable` out. The process that reads a spreadsheet still runs
with an address-space limit and a timeout (resources/intake_parser.py): this check gives the
operator the reason, that limit is the guarantee.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.parsers import expat

MAX_SHEET_CELLS = 10_000_000  # ≈ 320 MB in the reader; a 50,000-part list with 100 columns still fits
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
_CHUNK = 64 * 1024
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_ROW = re.compile(r"[0-9]{1,7}")
_WORKBOOK, _WORKBOOK_RELS = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"


class SheetTooLarge(Exception):
    """The sheet spans more cells than the reader may build; str(exc) says what and how to fix it."""


class BadWorkbook(Exception):
    """The zip or its XML cannot be read within bounds; str(exc) is the detail for the reason."""


@dataclass
class Extent:
    """A sheet's first and last row and column (0-based) over its dimension and every cell."""

    first_row: int = EXCEL_ROWS
    first_col: int = EXCEL_COLUMNS
    last_row: int = -1
    last_col: int = -1

    def add(self, row: int, col: int) -> None:
        self.first_row, self.last_row = min(self.first_row, row), max(self.last_row, row)
        self.first_col, self.last_col = min(self.first_col, col), max(self.last_col, col)

    @property
    def cells(self) -> int:
        return 0 if self.last_row < 0 else (self.last_row - self.first_row + 1) * (self.last_col - self.first_col + 1)

    def text(self) -> str:
        return f"{_column(self.first_col)}{self.first_row + 1}:{_column(self.last_col)}{self.last_row + 1}"


def _column(index: int) -> str:
    letters, index = "", index + 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_position(ref: str) -> tuple[int, int]:
    """`B3` -> (2, 1), 0-based (row, column); anything outside Excel's grid raises `BadWorkbook`."""
    match = _REF.fullmatch(ref.strip())
    if not match:
        raise BadWorkbook(f"the cell reference {ref[:20]!r} is not a cell")
    col = 0
    for letter in match.group(1).upper():
        col = col * 26 + ord(letter) - 64
    row = int(match.group(2))
    if not (1 <= row <= EXCEL_ROWS and 1 <= col <= EXCEL_COLUMNS):
        raise BadWorkbook(f"the cell reference {ref!r} is outside Excel's grid (A1:XFD1048576)")
    return row - 1, col - 1


_COLUMNS = {_column(i): i for i in range(EXCEL_COLUMNS)}  # "A" -> 0 … "XFD" -> 16383: the fast path


def _local(tag: str) -> str:
    return tag[tag.rfind(" ") + 1 :]  # expat gives "namespace local" with namespace_separator=" "


class _Scan:
    """Expat handlers: a worksheet's extent (`sheet=True`), or the workbook's sheets and relationships."""

    def __init__(self, sheet: bool = True):
        self.extent, self.attrs, self.row, self.col = Extent(), [], -1, -1
        self.start = self._sheet_start if sheet else self._meta_start

    def _meta_start(self, tag: str, attrs: dict) -> None:
        local = _local(tag)
        if local in ("sheet", "Relationship"):
            self.attrs.append((local, {_local(k): v for k, v in attrs.items()}))

    def _sheet_start(self, tag: str, attrs: dict) -> None:
        # Called for every element of the sheet (≈ 6 a row): the common case first, no work for <v>, <t>, <is>.
        if tag[-2:] == " c" or tag == "c":
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                col, digits = _COLUMNS.get(letters), ref[len(letters) :]
                if col is None or not 0 < len(digits) < 8 or not 0 < int(digits) <= EXCEL_ROWS:
                    row, col = cell_position(ref)  # unusual ($A$1, lower case) or out of the grid: the slow path
                else:
                    row = int(digits) - 1
            else:
                row, col = max(self.row, 0), self.col + 1
                if col >= EXCEL_COLUMNS:
                    raise BadWorkbook("a row has more cells than Excel's 16,384 columns")
            self.col = col
            e = self.extent
            if row > e.last_row or row < e.first_row or col > e.last_col or col < e.first_col:
                e.add(row, col)
        elif tag[-4:] == " row" or tag == "row":
            number = attrs.get("r", "")
            self.row, self.col = (int(number) - 1 if _ROW.fullmatch(number) else self.row + 1), -1
            if not 0 <= self.row < EXCEL_ROWS:
                raise BadWorkbook(f"row {self.row + 1} is outside Excel's grid")
        elif _local(tag) == "dimension" and attrs.get("ref"):
            for ref in attrs["ref"].split(":")[:2]:
                self.extent.add(*cell_position(ref))


def _no_dtd(*_args) -> None:
    raise BadWorkbook("its XML declares a DTD, which Excel never writes")


def _read_xml(chunks, scan: _Scan, member: str) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _no_dtd
    parser.EntityDeclHandler = _no_dtd
    parser.StartElementHandler = scan.start
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        detail = expat.errors.messages.get(exc.code, str(exc))
        raise BadWorkbook(f"damaged XML in {member[:80]}: {detail} at line {exc.lineno}") from exc


class _Budget:
    def __init__(self, limit: int):
        self.limit, self.left = limit, limit

    def stream(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo):
        try:
            with zf.open(info) as fh:
                while chunk := fh.read(_CHUNK):
                    self.left -= len(chunk)
                    if self.left < 0:
                        raise BadWorkbook(f"it unpacks to more than {self.limit // 2**20} MB, the limit")
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
            raise BadWorkbook(f"the file is damaged ({info.filename[:80]}: {exc})") from exc


def _target(target: str) -> str:
    """A workbook relationship's target as a zip member name."""
    return target.lstrip("/") if target.startswith("/") else "xl/" + target.removeprefix("./")


@dataclass
class WorkbookScan:
    extents: dict[str, Extent]  # worksheet member name -> extent
    sheet_parts: dict[str, str]  # sheet name -> worksheet member name

    def extent(self, sheet_name: str) -> Extent:
        """The named sheet's extent; unmapped, the largest of all worksheets (never too little)."""
        part = self.sheet_parts.get(sheet_name)
        if part in self.extents:
            return self.extents[part]
        return max(self.extents.values(), key=lambda e: e.cells, default=Extent())

    def check(self, sheet_name: str, where: str, max_cells: int = MAX_SHEET_CELLS) -> None:
        extent = self.extent(sheet_name)
        if extent.cells > max_cells:
            raise SheetTooLarge(
                f"sheet too large: {where} spans {extent.text()}, {extent.cells:,} cells (a spreadsheet reader builds "
                f"every one), the limit is {max_cells:,}; a stray cell far from the part numbers? delete the rows "
                "and columns after them, or copy the part numbers into a new workbook"
            )


def _is_sheet(name: str, sheet_parts: set[str]) -> bool:
    return name in sheet_parts or (name.startswith("xl/worksheets/") and name.endswith(".xml") and name.count("/") == 2)


def scan_workbook(content: bytes, max_unpacked: int) -> WorkbookScan:
    """Unpack every member within `max_unpacked` bytes; the extent of each worksheet and which sheet is which."""
    budget, meta = _Budget(max_unpacked), _Scan(sheet=False)
    extents: dict[str, _Scan] = {}
    try:
        zf = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise BadWorkbook(f"the file is damaged or incomplete - was it still being copied? {exc}") from exc
    with zf:
        infos = zf.infolist()
        for info in infos:  # the workbook and its relationships first: they say where the sheets are
            if info.filename in (_WORKBOOK, _WORKBOOK_RELS):
                _read_xml(budget.stream(zf, info), meta, info.filename)
        rels = {a.get("Id"): a for kind, a in meta.attrs if kind == "Relationship"}
        sheet_parts = {_target(a.get("Target", "")) for a in rels.values() if a.get("Type", "").endswith("/worksheet")}
        for info in infos:
            if info.filename in (_WORKBOOK, _WORKBOOK_RELS):
                continue
            if _is_sheet(info.filename, sheet_parts):  # a name twice in the zip: both count, together
                _read_xml(budget.stream(zf, info), extents.setdefault(info.filename, _Scan()), info.filename)
            else:
                for _ in budget.stream(zf, info):  # counted and CRC-checked, not kept
                    pass
    names = {
        a.get("name"): _target(rels[a["id"]].get("Target", ""))
        for kind, a in meta.attrs
        if kind == "sheet" and a.get("id") in rels
    }
    return WorkbookScan({k: s.extent for k, s in extents.items()}, {k: v for k, v in names.items() if k})
