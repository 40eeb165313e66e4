"""Hostile spreadsheets built by hand: a minimal .xlsx whose sheet XML we write ourselves, zip bombs.

openpyxl cannot write a stray cell at XFD1048576 without building the sheet in memory, and it
never writes a DTD or a lying zip header; these builders write exactly the bytes a hostile file has.
"""

from __future__ import annotations

import functools
import io
import re
import struct
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML = '<?xml version="1.0" encoding="UTF-8"?>'

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)


def cells_xml(cells: list[tuple[str, str]], dimension: str | None = None) -> str:
    """A worksheet with inline-string `cells` [(reference, text)], rows in order."""
    rows: dict[int, list[str]] = {}
    for ref, text in cells:
        row = int(re.search(r"\d+", ref).group())
        rows.setdefault(row, []).append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
    data = "".join(f'<row r="{r}">{"".join(cs)}</row>' for r, cs in sorted(rows.items()))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'{XML}<worksheet xmlns="{MAIN}">{dim}<sheetData>{data}</sheetData></worksheet>'


def workbook(sheets: list[tuple[str, str]], hidden: tuple[str, ...] = ()) -> bytes:
    """An .xlsx of `sheets` [(name, worksheet XML)], the first visible one being what is read."""
    state = ' state="hidden"'
    entries = "".join(
        f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"{state if name in hidden else ""}/>'
        for i, (name, _) in enumerate(sheets, 1)
    )
    book = f'{XML}<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>{entries}</sheets></workbook>'
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", book)
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">{rels}</Relationships>',
        )
        for i, (_, xml) in enumerate(sheets, 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return out.getvalue()


def far_cell_xlsx(far: str, part: str = "BACB30LH3-4") -> bytes:
    """The issue's file: a part number in A1 and one stray cell at `far` (XFD1048576: 512 GiB in the reader)."""
    return workbook([("Sheet1", cells_xml([("A1", part), (far, "x")]))])


@functools.cache
def zip_bomb_xlsx(unpacked_mb: int, lie_about_size: bool = False) -> bytes:
    """A workbook whose sheet XML unpacks to `unpacked_mb` MB of blanks (≈ 1000:1). With `lie_about_size`,
    both zip headers declare 1,000 bytes for it, so only counting what is unpacked catches it."""
    out = io.BytesIO()
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData><row r="1">'
    with (
        zipfile.ZipFile(io.BytesIO(workbook([("Sheet1", cells_xml([("A1", "X")]))])), "r") as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z,
    ):
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info.filename, src.read(info.filename))
        with z.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(head.encode())
            blank = b" " * 2**20
            for _ in range(unpacked_mb):
                fh.write(blank)
            fh.write(b"</row></sheetData></worksheet>")
    data = bytearray(out.getvalue())
    if lie_about_size:
        _declare_size(data, b"xl/worksheets/sheet1.xml", 1000)
    return bytes(data)


def _declare_size(data: bytearray, name: bytes, size: int) -> None:
    """Overwrite the uncompressed size of member `name` in its local header and its central directory entry."""
    for sig, size_at, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        start = 0
        while (at := data.find(sig, start)) >= 0:
            start = at + 4
            length = struct.unpack_from("<H", data, at + name_len_at)[0]
            if bytes(data[at + name_at : at + name_at + length]) == name:
                struct.pack_into("<I", data, at + size_at, size)


def dtd_xlsx() -> bytes:
    """A sheet with a DTD and an entity (the billion-laughs shape, one level deep)."""
    xml = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "BACB30LH3-4">]>'
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return workbook([("Sheet1", xml)])
