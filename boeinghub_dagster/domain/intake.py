"""Intake parsing (docs/behaviour.md §3): an operator's part-number file -> accepted part numbers.

Pure domain code. `parse_intake_file` turns the bytes of a `.txt`, `.csv` or
`.xlsx` file into accepted, normalized part numbers plus one `RejectedLine` per
bad entry, or raises `FileRejected` when the whole file is refused. No line is
lost: every entry is accepted, a duplicate, or rejected with a reason; blank
lines, `#` comments (txt) and a header row (csv/xlsx, or a `part_number` first
line in txt) are the only things skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import PurePath

from boeinghub_dagster.domain.intake_readers import (
    Unreadable,
    XlsxSheet,
    column_letter,
    csv_rows,
    decode_text,
    xlsx_cell_text,
)
from boeinghub_dagster.domain.part_numbers import InvalidPartNumber, normalize_part_number
from boeinghub_dagster.domain.safe_csv import csv_bytes

MAX_FILE_BYTES = 20 * 1024 * 1024  # a 50,000-line file is under 2 MB; anything this big is not a part list
SUPPORTED_SUFFIXES = (".txt", ".csv", ".xlsx")
MAX_VALUE_CHARS = 200  # a rejected value longer than this is clipped in RejectedLine.value

# Header names (lower-cased, with spaces, '_', '-' and '.' removed) that name the part-number column.
HEADER_NAMES = frozenset(
    {
        "partnumber",
        "partnumbers",
        "partno",
        "partnr",
        "partnum",
        "part#",
        "pn",
        "p/n",
        "pnr",
        "part",
        "parts",
        "productcode",
        "aviallpartnumber",
    }
)


@dataclass(frozen=True)
class RejectedLine:
    line: int  # 1-based line (txt/csv) or row (xlsx) number in the file
    value: str  # the raw value as read (clipped to MAX_VALUE_CHARS)
    reason: str  # names the rule broken


@dataclass(frozen=True)
class IntakeParse:
    part_numbers: list[str]
    rejected: list[RejectedLine]
    lines: int  # entries read (non-blank, non-comment, non-header)
    duplicates: int
    encoding: str | None = None  # "utf-8", "utf-8-sig", "utf-16" or "windows-1252"; None for .xlsx (no text encoding)
    # invariant: lines == len(part_numbers) + len(rejected) + duplicates


class FileRejected(Exception):
    """The whole file is refused; str(exc) is the reason written to <name>.reason.txt."""


class _Collector:
    """Validates and de-duplicates entries; past `max_parts` it only counts."""

    def __init__(self, max_parts: int):
        self.max_parts = max_parts
        self.entries = 0
        self.duplicates = 0
        self.parts: list[str] = []
        self.rejected: list[RejectedLine] = []
        self._seen: set[str] = set()

    def add(self, line: int, raw: str) -> None:
        self.entries += 1
        if self.entries > self.max_parts:
            return
        try:
            value = normalize_part_number(raw)
        except InvalidPartNumber as exc:
            self.rejected.append(RejectedLine(line, _clip(raw), str(exc)))
            return
        if value in self._seen:
            self.duplicates += 1
        else:
            self._seen.add(value)
            self.parts.append(value)

    def reject(self, line: int, raw: str, reason: str) -> None:
        self.entries += 1
        if self.entries <= self.max_parts:
            self.rejected.append(RejectedLine(line, _clip(raw), reason))

    def result(self, unit: str, nothing: str) -> IntakeParse:
        if self.entries > self.max_parts:
            raise FileRejected(
                f"too many part numbers: {self.entries} part numbers, the limit is {self.max_parts} "
                "(MAX_PARTS_PER_FILE); split the file"
            )
        if self.entries == 0:
            raise FileRejected(nothing)
        if not self.parts:
            first = self.rejected[0]
            raise FileRejected(
                f"no valid part numbers: all {self.entries} entries were rejected; "
                f"first: {unit} {first.line}: {first.reason}"
            )
        return IntakeParse(self.parts, self.rejected, self.entries, self.duplicates)


def _clip(value: str) -> str:
    if len(value) <= MAX_VALUE_CHARS:
        return value
    return f"{value[:MAX_VALUE_CHARS]}... ({len(value)} characters)"


def header_key(text: str) -> str:
    return re.sub(r"[\s_.\-]+", "", text.strip().lower())


def _looks_like_header(text: str) -> bool:
    return any(c.isalpha() for c in text) and not any(c.isdigit() for c in text)


# ---------------------------------------------------------------- txt

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_COMMENT = re.compile(r"(?:^|(?<=\s))#")
_SEPARATOR = re.compile(r"[,;]")


def _parse_txt(text: str, collector: _Collector) -> IntakeParse:
    first = True
    for number, line in enumerate(_LINE_BREAK.split(text), 1):
        if "#" in line:
            comment = _COMMENT.search(line)
            if comment:
                line = line[: comment.start()]
        for piece in _SEPARATOR.split(line) if ("," in line or ";" in line) else (line,):
            value = piece.strip()
            if not value:
                continue
            if first:
                first = False
                if header_key(value) in HEADER_NAMES:  # a `part_number` title line
                    continue
            collector.add(number, value)
    return collector.result("line", "no part numbers: the file has only blank lines and comments")


# ---------------------------------------------------------------- csv / xlsx


def _choose_column(cells: list[str], name: Callable[[int], str]) -> tuple[int, bool, str]:
    """(column index, first row is a header, label of the column for reasons)."""
    keys = [header_key(c) for c in cells]
    if "partnumber" in keys or any(k in HEADER_NAMES for k in keys):
        col = (
            keys.index("partnumber")
            if "partnumber" in keys
            else next(i for i, k in enumerate(keys) if k in HEADER_NAMES)
        )
        return col, True, f"column {name(col)} ('{cells[col].strip()}')"
    first = cells[0].strip() if cells else ""
    if first:
        try:
            normalize_part_number(first)
            is_header = False
        except InvalidPartNumber:
            is_header = _looks_like_header(first)
    else:
        is_header = any(_looks_like_header(c) for c in cells)
    label = f"column {name(0)}" + (f" ('{first}')" if is_header and first else "")
    return 0, is_header, label


def _parse_table(
    rows: Iterable[tuple[int, list]],
    collector: _Collector,
    to_text: Callable[[object], tuple[str, str | None]],
    name: Callable[[int], str],
    unit: str,
) -> tuple[int, int, int, str]:
    """Feed the chosen column to `collector`; returns (header rows, data rows, non-blank cells, label)."""
    col, label, headers, data_rows, filled = None, "", 0, 0, 0
    for line, row in rows:
        if not any((c.strip() if isinstance(c, str) else c is not None) for c in row):
            continue  # blank row
        if col is None:
            texts = [to_text(c)[0] for c in row]
            col, is_header, label = _choose_column(texts, name)
            if is_header:
                headers = 1
                continue
        data_rows += 1
        text, problem = to_text(row[col]) if col < len(row) else ("", None)
        if problem:
            filled += 1
            collector.reject(line, text, problem)
        elif text.strip():
            filled += 1
            collector.add(line, text)
        else:
            collector.reject(line, "", f"no part number in {label}: the cell is empty but the {unit} has other values")
    return headers, data_rows, filled, label


def _csv_text(cell: object) -> tuple[str, str | None]:
    return cell, None  # type: ignore[return-value]


def _parse_csv(text: str, collector: _Collector) -> IntakeParse:
    headers, data_rows, filled, label = _parse_table(csv_rows(text), collector, _csv_text, lambda i: str(i + 1), "line")
    _check_table(headers, data_rows, filled, label, collector, "the file")
    return collector.result("line", "")


def _parse_xlsx(content: bytes, collector: _Collector) -> IntakeParse:
    sheet = XlsxSheet(content)
    try:
        headers, data_rows, filled, label = _parse_table(
            sheet.rows(), collector, xlsx_cell_text, lambda i: column_letter(i + sheet.col_offset), "row"
        )
        shift = sheet.line_shift()
    finally:
        sheet.close()
    if shift:
        collector.rejected = [replace(r, line=r.line + shift) for r in collector.rejected]
    _check_table(headers, data_rows, filled, label, collector, f"the first sheet '{sheet.name}'")
    return collector.result("row", "")


def _check_table(headers: int, data_rows: int, filled: int, label: str, collector: _Collector, where: str) -> None:
    if data_rows == 0:
        raise FileRejected(
            f"no part numbers: {where} has only a header row" if headers else f"no part numbers: {where} is empty"
        )
    if filled == 0 and collector.entries <= collector.max_parts:
        raise FileRejected(f"no usable column: {label} is empty in every row of {where}")


# ---------------------------------------------------------------- API


def too_large(size: int, max_bytes: int = MAX_FILE_BYTES) -> str:
    return f"file too large: {size} bytes, the limit is {max_bytes} bytes"


def not_a_regular_file(kind: str, link_target: str | None = None) -> str:
    """Why an inbox entry that is not a regular file is refused; nothing of it was read."""
    if link_target is not None:
        return (
            f"not a regular file: a symbolic link (to {_clip(link_target)!r}); the inbox never follows links, "
            "copy the file itself into the inbox"
        )
    return f"not a regular file: a {kind}; the inbox reads only regular files, copy the file itself into the inbox"


def parse_intake_file(
    name: str, content: bytes, max_parts: int = 50_000, max_bytes: int = MAX_FILE_BYTES
) -> IntakeParse:
    """Parse an intake file; raise `FileRejected` (reason in str(exc)) if it is refused whole."""
    suffix = PurePath(name).suffix.lower()
    supported = ", ".join(SUPPORTED_SUFFIXES)
    if suffix not in SUPPORTED_SUFFIXES:
        if suffix in (".xls", ".xlsm", ".xlsb", ".ods"):
            raise FileRejected(
                f"unsupported file type '{suffix}': save the sheet as .xlsx (supported types are {supported})"
            )
        kind = f"'{suffix}'" if suffix else "(the file name has no extension)"
        raise FileRejected(f"unsupported file type {kind}: supported types are {supported}")
    if len(content) > max_bytes:
        raise FileRejected(too_large(len(content), max_bytes))
    if not content:
        raise FileRejected("empty file (0 bytes)")
    collector = _Collector(max_parts)
    try:
        if suffix == ".xlsx":
            return _parse_xlsx(content, collector)
        text, encoding = decode_text(content)
        parsed = _parse_csv(text, collector) if suffix == ".csv" else _parse_txt(text, collector)
        return replace(parsed, encoding=encoding)
    except Unreadable as exc:
        raise FileRejected(str(exc)) from exc


def rejected_lines_csv(rejected: list[RejectedLine]) -> bytes:
    """The `<name>.rejected-lines.csv` content: header `line,value,reason`, UTF-8, no cell a formula."""
    return csv_bytes(("line", "value", "reason"), ((r.line, r.value, r.reason) for r in rejected))
