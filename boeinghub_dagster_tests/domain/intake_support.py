"""Shared helpers for the intake tests: parse with the count invariant checked, expect a
whole-file rejection, build a real .xlsx in memory.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from boeinghub_dagster.domain.intake import FileRejected, IntakeParse, RejectedLine, parse_intake_file


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
