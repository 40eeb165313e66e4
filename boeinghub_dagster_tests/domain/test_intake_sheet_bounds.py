"""The .xlsx pre-check: a sheet's extent from its dimension and cells, unpacked bytes counted, DTDs refused.

These run in the test process on purpose: the pre-check must refuse the 512 GiB file without
ever handing it to the spreadsheet reader (which would abort this process).
"""

from __future__ import annotations

import pytest

from boeinghub_dagster.domain.intake import FileRejected, parse_intake_file
from boeinghub_dagster.domain.intake_sheet_bounds import MAX_SHEET_CELLS, BadWorkbook, cell_position, scan_workbook
from boeinghub_dagster_tests.support.hostile_files import (
    MAIN,
    cells_xml,
    dtd_xlsx,
    far_cell_xlsx,
    workbook,
    zip_bomb_xlsx,
)

LIMIT = 256 * 2**20


def _extent(xml: str):
    return scan_workbook(workbook([("Sheet1", xml)]), LIMIT).extent("Sheet1")


def _reason(content: bytes) -> str:
    with pytest.raises(FileRejected) as info:
        parse_intake_file("a.xlsx", content)
    return str(info.value)


@pytest.mark.parametrize(
    "ref,pos", [("A1", (0, 0)), ("B3", (2, 1)), ("XFD1048576", (1048575, 16383)), ("$C$7", (6, 2))]
)
def test_cell_positions(ref, pos):
    assert cell_position(ref) == pos


@pytest.mark.parametrize("ref", ["XFE1", "A0", "A1048577", "AAAA1", "1A", "", "A 1"])
def test_a_reference_outside_excels_grid_is_refused(ref):
    with pytest.raises(BadWorkbook):
        cell_position(ref)


def test_the_extent_covers_the_dimension_and_every_cell():
    assert _extent(cells_xml([("B2", "x"), ("D9", "y")])).text() == "B2:D9"
    assert _extent(cells_xml([("A1", "x")], dimension="A1:Z100")).text() == "A1:Z100"


def test_cells_and_rows_without_a_reference_are_placed_like_excel_places_them():
    xml = f'<worksheet xmlns="{MAIN}"><sheetData><row r="5"><c/><c/><c/></row><row><c/></row></sheetData></worksheet>'
    assert _extent(xml).text() == "A5:C6"


@pytest.mark.parametrize("far,cells", [("XFD1048576", 17_179_869_184), ("XFD2000", 32_768_000)])
def test_the_issues_stray_cell_is_refused_before_the_reader_builds_the_sheet(far, cells):
    reason = _reason(far_cell_xlsx(far))
    assert reason.startswith(f"sheet too large: the first sheet 'Sheet1' spans A1:{far}, {cells:,} cells")
    assert f"the limit is {MAX_SHEET_CELLS:,}" in reason


def test_a_lying_dimension_is_refused_too():
    assert "spans A1:XFD1048576" in _reason(
        workbook([("Sheet1", cells_xml([("A1", "X1")], dimension="A1:XFD1048576"))])
    )


def test_only_the_sheet_that_is_read_counts():
    stray = cells_xml([("A1", "x"), ("XFD1048576", "y")])
    hidden_first = workbook([("Junk", stray), ("Parts", cells_xml([("A1", "BACB30LH3-4")]))], hidden=("Junk",))
    assert parse_intake_file("a.xlsx", hidden_first).part_numbers == ["BACB30LH3-4"]


def test_a_near_limit_sheet_is_accepted():
    assert parse_intake_file("a.xlsx", far_cell_xlsx("J1000")).part_numbers == ["BACB30LH3-4"]


def test_a_dtd_is_refused():
    assert "its XML declares a DTD, which Excel never writes" in _reason(dtd_xlsx())


def test_a_zip_bomb_is_refused_from_its_declared_size():
    assert "it unpacks to 300 MB, the limit is 256 MB" in _reason(zip_bomb_xlsx(300))


def test_a_zip_bomb_that_lies_about_its_size_is_stopped_by_counting_what_it_unpacks():
    bomb = zip_bomb_xlsx(50, lie_about_size=True)
    assert len(bomb) < 2**20
    reason = _reason(bomb)
    assert reason.startswith("not a readable .xlsx workbook (the file is damaged (xl/worksheets/sheet1.xml:")


def test_unpacked_bytes_are_counted_not_declared(monkeypatch):
    from boeinghub_dagster.domain import intake_sheet_bounds

    with pytest.raises(BadWorkbook, match="it unpacks to more than 1 MB, the limit"):
        intake_sheet_bounds.scan_workbook(zip_bomb_xlsx(3), 2**20)
