"""Bad intake files, ticked through the real inbox sensor: each is refused whole (SPEC §3).

A refused file lands byte-identical in `rejected/` with `<name>.reason.txt` naming
the specific problem, is recorded as a `rejected` intake batch with that reason,
requests no run and adds no part-number partition.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from boeinghub_dagster.resources.inbox import InboxResource
from boeinghub_dagster_tests.support.inbox import Ticker, xlsx_bytes

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

MAX_BYTES = 20 * 1024 * 1024  # parse_intake_file's default, which the sensor uses


@pytest.fixture
def ticker(tmp_path, instance, store) -> Ticker:
    return Ticker(instance, InboxResource(path=str(tmp_path / "inbox")), store)


def _folder(ticker: Ticker, sub: str) -> Path:
    return Path(ticker.inbox.path) / sub


def _good_xlsx() -> bytes:
    return xlsx_bytes([["Part Number"], ["BACB30LH3-4"], ["MS20470AD4-6"], ["WF338109=K3"]])


def _xlsx_with_broken_worksheet() -> bytes:
    """A well-formed zip with xl/workbook.xml, whose worksheet XML is garbage."""
    src, out = zipfile.ZipFile(io.BytesIO(_good_xlsx())), io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            data = src.read(info.filename)
            z.writestr(info.filename, b"<worksheet><sheetData><row" if info.filename.startswith("xl/worksheets/") else data)
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
    ("comments.txt", lambda: b"# only comments\n\n   \n# BACB30LH3-4\n\n", "the file has only blank lines and comments", {}),
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
        f"file too large: {MAX_BYTES + 1} bytes, the limit is {MAX_BYTES} bytes",
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
        lambda: b"BAD|PART\nA...B\n\"QUOTED\"\n",
        "no valid part numbers: all 3 entries were rejected; first: line 1: character '|' is not allowed",
        {},
    ),
    (
        "bad-quoting.csv",
        lambda: b'part_number\n"BACB30LH3-4\nMS20470AD4-6\n',
        "cannot parse the CSV at line 2: unexpected end of data (a quoted cell is never closed)",
        {},
    ),
    ("corrupt.xlsx", _xlsx_with_broken_worksheet, "not a readable .xlsx workbook (XmlError", {}),
    (
        "truncated.xlsx",
        lambda: (lambda good: good[: len(good) // 2])(_good_xlsx()),
        "not a readable .xlsx workbook (the file is damaged or incomplete - was it still being copied?",
        {},
    ),
    ("text-named.xlsx", lambda: b"BACB30LH3-4\n", "it looks like plain text - name it .csv or .txt", {}),
    ("pdf-named.txt", lambda: b"%PDF-1.7\nBACB30LH3-4\n", "binary content: it looks like a PDF document", {}),
    ("empty-first-sheet.xlsx", _empty_first_sheet_xlsx, "no part numbers: the first sheet 'Sheet' is empty", {}),
]


@pytest.mark.parametrize("name,make,fragment,env", CASES, ids=[c[0] for c in CASES])
def test_a_bad_file_is_rejected_whole_with_a_specific_reason(ticker, store, instance, monkeypatch, name, make, fragment, env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    content = make()
    ticker.drop(name, content)

    first = ticker.tick()
    assert first.run_requests == [] and f"{name}: waiting" in first.skip_reason.skip_message
    assert (_folder(ticker, "") / name).exists()  # not judged before it is known to be complete

    result = ticker.tick()
    assert result.run_requests == [] and not result.dynamic_partitions_requests
    assert f"{name}: rejected" in result.skip_reason.skip_message and fragment in result.skip_reason.skip_message
    assert not (_folder(ticker, "") / name).exists()
    assert (_folder(ticker, "rejected") / name).read_bytes() == content  # untouched
    reason = (_folder(ticker, "rejected") / f"{name}.reason.txt").read_text(encoding="utf-8")
    assert fragment in reason
    assert list(_folder(ticker, "processed").iterdir()) == []

    rows = store.intake().report()
    assert len(rows) == 1
    row = rows[0]
    assert (row["file_name"], row["status"], row["target"]) == (name, "rejected", "extraction")
    assert fragment in row["reason"] and reason == f"{row['reason']}\n"
    assert row["sha256"] == hashlib.sha256(content).hexdigest()
    assert (row["accepted"], row["run_id"]) == (0, None)
    assert store.intake().pending() == []

    again = ticker.tick()  # nothing left to do, nothing re-requested
    assert again.run_requests == [] and len(store.intake().report()) == 1
    assert instance.get_dynamic_partitions("part_numbers") == []
    assert ticker.launched == []


def test_a_rejected_file_in_publish_keeps_its_target_and_a_second_one_of_the_same_name_gets_a_suffix(ticker, store):
    ticker.drop("publish/bad.txt", b"")
    ticker.settle()
    ticker.drop("bad.txt", b"BAD|PART\n")
    ticker.settle()
    rejected = _folder(ticker, "rejected")
    assert (rejected / "bad.txt").read_bytes() == b"" and (rejected / "bad-1.txt").read_bytes() == b"BAD|PART\n"
    assert "empty file (0 bytes)" in (rejected / "bad.txt.reason.txt").read_text()
    assert "character '|' is not allowed" in (rejected / "bad-1.txt.reason.txt").read_text()
    rows = {r["file_name"]: r for r in store.intake().report()}
    assert {k: (r["status"], r["target"]) for k, r in rows.items()} == {
        "publish/bad.txt": ("rejected", "publish"),
        "bad.txt": ("rejected", "extraction"),
    }


def test_one_bad_file_does_not_hold_back_a_good_one(ticker, store, instance):
    ticker.drop("bad.csv", b'part_number\n"BACB30LH3-4\n')
    ticker.drop("good.txt", b"BACB30LH3-4\n")
    result = ticker.settle()
    assert [r.tags["boeinghub/intake-file"] for r in result.run_requests] == ["good.txt"]
    assert (_folder(ticker, "rejected") / "bad.csv").exists() and (_folder(ticker, "processed") / "good.txt").exists()
    assert sorted((r["file_name"], r["status"]) for r in store.intake().report()) == [("bad.csv", "rejected"), ("good.txt", "running")]
    assert instance.get_dynamic_partitions("part_numbers") == ["BACB30LH3-4"]


def test_a_file_still_being_written_is_neither_rejected_nor_moved(ticker, store, instance):
    """The partial-write case: half an xlsx would be refused as damaged, but it is still growing."""
    good = _good_xlsx()
    half = len(good) // 2
    path = ticker.drop("growing.xlsx", good[:half])
    first = ticker.tick()
    with path.open("ab") as f:
        f.write(good[half : half + 100])
    second = ticker.tick()
    with path.open("ab") as f:
        f.write(good[half + 100 :])
    third = ticker.tick()
    for result in (first, second, third):
        assert result.run_requests == [] and "growing.xlsx: waiting" in result.skip_reason.skip_message
    assert path.read_bytes() == good  # still in the inbox, untouched
    assert list(_folder(ticker, "rejected").iterdir()) == [] and list(_folder(ticker, "processed").iterdir()) == []
    assert store.intake().report() == []

    stable = ticker.tick()  # same size and mtime as last tick: complete
    assert [r.tags["boeinghub/intake-file"] for r in stable.run_requests] == ["growing.xlsx"]
    assert not path.exists() and (_folder(ticker, "processed") / "growing.xlsx").read_bytes() == good
    assert [(r["status"], r["accepted"]) for r in store.intake().report()] == [("running", 3)]
    assert set(instance.get_dynamic_partitions("part_numbers")) == {"BACB30LH3-4", "MS20470AD4-6", "WF338109=K3"}


def test_a_windows_1252_file_is_read_as_such_and_its_batch_records_the_encoding(ticker, store, instance):
    """Excel's CSV export on Windows: not UTF-8, once refused whole, now read."""
    content = "Référence;Désignation\nBACB30LH3-4;Écrou à river 12 €\nMS20470AD4-6;Rivet tête ronde\n".encode("cp1252")
    ticker.drop("commande.csv", content)
    ticker.drop("plain.txt", b"WF338109=K3\n")
    result = ticker.settle()
    assert sorted(r.tags["boeinghub/intake-file"] for r in result.run_requests) == ["commande.csv", "plain.txt"]
    by_file = {r["file_name"]: r for r in store.intake().report()}
    assert (by_file["commande.csv"]["accepted"], by_file["commande.csv"]["rejected"], by_file["commande.csv"]["reason"]) == (2, 0, None)
    assert by_file["commande.csv"]["encoding"] == "windows-1252" and by_file["plain.txt"]["encoding"] == "utf-8"
    assert set(instance.get_dynamic_partitions("part_numbers")) == {"BACB30LH3-4", "MS20470AD4-6", "WF338109=K3"}
    assert (_folder(ticker, "processed") / "commande.csv").read_bytes() == content  # untouched
    assert list(_folder(ticker, "rejected").iterdir()) == []


def test_the_sensor_says_which_encoding_it_read(ticker, store):
    ticker.drop("commande.txt", "# commandé\nBACB30LH3-4\n".encode("cp1252"))
    ticker.settle()
    ticker.drop("parts.xlsx", xlsx_bytes([["MS20470AD4-6"]]))
    ticker.settle()
    assert "commande.txt: batch 1, read as windows-1252, 1 parts (1 new)" in "\n".join(ticker.logged)
    assert "parts.xlsx: batch 2, read as an .xlsx workbook, 1 parts (1 new)" in "\n".join(ticker.logged)
    assert sorted((r["file_name"], r["encoding"]) for r in store.intake().report()) == [
        ("commande.txt", "windows-1252"), ("parts.xlsx", None)
    ]
