"""The bounded parser: a spreadsheet that aborts, eats memory, hangs or is killed costs a child, never us.

Each test hands a hostile .xlsx to the real child process (`python -m
boeinghub_dagster.resources.intake_parser`) and checks this process is alive and got a reason.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from boeinghub_dagster.domain.intake import FileRejected
from boeinghub_dagster.resources import intake_parser
from boeinghub_dagster.resources.intake_parser import parse_bounded
from boeinghub_dagster_tests.support.hostile_files import far_cell_xlsx, zip_bomb_xlsx
from boeinghub_dagster_tests.support.inbox import xlsx_bytes

BIG = "J900000"  # 9,000,000 cells: under the pre-check's limit, ≈ 275 MiB in the reader, seconds of work


def _reason(content: bytes, name: str = "a.xlsx", **kw) -> str:
    with pytest.raises(FileRejected) as info:
        parse_bounded(name, content, 50_000, **kw)
    return str(info.value)


def test_a_good_workbook_is_read_in_the_child():
    parsed = parse_bounded("a.xlsx", xlsx_bytes([["Part Number"], ["BACB30LH3-4"], ["WF338109=K3"], ["+A1"]]), 50_000)
    assert parsed.part_numbers == ["BACB30LH3-4", "WF338109=K3"] and parsed.encoding is None
    assert [(r.line, r.value) for r in parsed.rejected] == [(4, "+A1")]


def test_the_512_gib_workbook_is_refused_and_we_live():
    assert _reason(far_cell_xlsx("XFD1048576")).startswith(
        "sheet too large: the first sheet 'Sheet1' spans A1:XFD1048576"
    )


def test_a_reader_that_runs_out_of_its_address_space_is_refused_with_what_it_asked_for():
    """Under the pre-check's cell limit, over a 256 MiB address space: calamine's allocation fails and
    the child aborts (SIGABRT), as the 512 GiB file aborted the code server."""
    reason = _reason(far_cell_xlsx(BIG), memory_bytes=256 * 2**20)
    assert reason.startswith(
        "spreadsheet not read: reading it needs more than the 256 MiB of memory allowed for one file"
    )
    assert "(it asked for 275 MiB at once)" in reason


def test_a_slow_workbook_hits_the_timeout():
    started = time.monotonic()
    reason = _reason(far_cell_xlsx(BIG), timeout=0.3)
    assert reason.startswith("spreadsheet not read: reading it took longer than 0.3 s, the limit for one file")
    assert time.monotonic() - started < 10  # killed, not waited for


def _parser_children() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if (
                int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid()
                and b"boeinghub_dagster.resources.intake_parser" in cmdline
            ):
                found.append(int(entry.name))
    return found


def test_a_child_killed_mid_parse_is_a_rejection():
    result: dict = {}

    def parse():
        try:
            parse_bounded("a.xlsx", far_cell_xlsx(BIG), 50_000)
        except FileRejected as exc:
            result["reason"] = str(exc)

    worker = threading.Thread(target=parse)
    worker.start()
    deadline = time.monotonic() + 30
    while not (children := _parser_children()) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert children, "the parser child never started"
    os.kill(children[0], signal.SIGKILL)
    worker.join(60)
    assert result["reason"].startswith(
        "spreadsheet not read: the reader stopped on this file (SIGKILL), without harm to the hub"
    )


@pytest.mark.parametrize(
    "mb,lie,fragment",
    [
        (300, False, "it unpacks to 300 MB, the limit is 256 MB"),
        (50, True, "the file is damaged (xl/worksheets/sheet1.xml:"),
    ],
)
def test_zip_bombs_are_refused_in_the_child(mb, lie, fragment):
    assert fragment in _reason(zip_bomb_xlsx(mb, lie_about_size=lie))


def test_text_files_stay_in_process_and_an_unexpected_error_is_a_rejection(monkeypatch):
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: pytest.fail("a text file must not start a child"))
    assert parse_bounded("a.txt", b"BACB30LH3-4\n", 10).part_numbers == ["BACB30LH3-4"]

    def boom(*_a, **_k):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(intake_parser, "parse_intake_file", boom)
    assert (
        _reason(b"BACB30LH3-4\n", "a.csv")
        == "the file could not be read (RecursionError: maximum recursion depth exceeded)"
    )


def test_the_child_gets_none_of_the_hubs_secrets(monkeypatch):
    monkeypatch.setenv("BOEING_CLIENT_SECRET", "s3cr3t")
    monkeypatch.setenv("SHOPIFY_ACCESS_TOKEN", "shpat_x")
    seen = {}
    real = subprocess.Popen

    def spy(*args, **kwargs):
        seen.update(kwargs["env"])
        return real(*args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", spy)
    parse_bounded("a.xlsx", xlsx_bytes([["BACB30LH3-4"]]), 10)
    assert seen and set(seen) <= set(intake_parser._ENV_KEPT)
    assert "s3cr3t" not in repr(seen) and "shpat_x" not in repr(seen)


@pytest.mark.parametrize(
    "answer",
    [
        {"parts": ["=1+2"], "rejected": [], "lines": 1, "duplicates": 0},  # a part number the rules refuse
        {"parts": ["A1", "A1"], "rejected": [], "lines": 2, "duplicates": 0},  # twice
        {"parts": ["A1"], "rejected": [], "lines": 5, "duplicates": 0},  # counts that do not add up
        {"parts": "A1"[0:0], "rejected": [[1]], "lines": 1, "duplicates": 0},  # malformed rejected line
    ],
)
def test_a_garbled_answer_from_the_child_is_not_trusted(answer):
    with pytest.raises((ValueError, TypeError, KeyError)):
        intake_parser._answer(answer)
