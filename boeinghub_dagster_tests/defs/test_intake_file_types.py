"""Inbox entries that are not regular files, ticked through the real inbox sensor.

None is read: a symlink is never followed (its target could be any file on the
machine, with lines that look like part numbers), a FIFO never opened for
reading (the sensor must never hang), a device never opened. Each is moved, the
entry itself, to `rejected/` with a reason, and recorded as a rejected batch; a
folder is left in place and named in the tick's skip reason.
"""

from __future__ import annotations

import os
import signal
import socket
import stat
from pathlib import Path

import pytest

from boeinghub_dagster.resources.inbox import REGULAR, InboxFile, InboxResource, NotRegularFile
from boeinghub_dagster_tests.support.inbox import Ticker

on_sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

PARTS = b"BACB30LH3-4\nMS20470AD4-6\n"  # what a followed link would have sent to Boeing


@pytest.fixture
def no_hang():
    """A blocking open or read of a FIFO fails the test after 20 s instead of hanging it."""

    def fail(signum, frame):
        raise TimeoutError("the sensor blocked on a FIFO")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _folder(ticker: Ticker, sub: str = "") -> Path:
    return Path(ticker.inbox.path) / sub


def _reason(ticker: Ticker, name: str) -> str:
    return (_folder(ticker, "rejected") / f"{name}.reason.txt").read_text(encoding="utf-8")


@on_sqlite
def test_a_symlink_a_fifo_and_a_folder_are_never_read_and_each_gets_its_reason(
    tmp_path, ticker, store, instance, no_hang
):
    outside = tmp_path / "elsewhere" / "passwd.txt"
    outside.parent.mkdir()
    outside.write_bytes(PARTS)
    inbox = _folder(ticker)
    inbox.mkdir(parents=True)
    (inbox / "link.txt").symlink_to(outside)
    os.mkfifo(inbox / "pipe.txt")
    # Hold the FIFO open for reading and writing, with part numbers waiting in it: a sensor that
    # read it would take them (and not hang, since a writer exists); one that did not leaves them.
    pipe = os.open(inbox / "pipe.txt", os.O_RDWR | os.O_NONBLOCK)
    os.write(pipe, b"WF338109=K3\n")
    (inbox / "folder.txt").mkdir()
    (inbox / "folder.txt" / "parts.txt").write_bytes(PARTS)
    try:
        ticker.tick()
        result = ticker.tick()
        assert os.read(pipe, 100) == b"WF338109=K3\n"  # still in the pipe: nobody read it
    finally:
        os.close(pipe)

    assert result.run_requests == [] and not result.dynamic_partitions_requests
    assert instance.get_dynamic_partitions("part_numbers") == []
    skip = result.skip_reason.skip_message

    # The link moved as a link; its target was neither read nor moved.
    link = _folder(ticker, "rejected") / "link.txt"
    assert link.is_symlink() and os.readlink(link) == str(outside)
    assert not os.path.lexists(inbox / "link.txt") and outside.read_bytes() == PARTS
    assert _reason(ticker, "link.txt") == (
        f"not a regular file: a symbolic link (to '{outside}'); the inbox never follows links, "
        "copy the file itself into the inbox\n"
    )
    assert f"link.txt: rejected (batch 1): not a regular file: a symbolic link (to '{outside}')" in skip

    # The FIFO moved as a FIFO.
    assert stat.S_ISFIFO(os.lstat(_folder(ticker, "rejected") / "pipe.txt").st_mode)
    assert _reason(ticker, "pipe.txt") == (
        "not a regular file: a named pipe (FIFO); the inbox reads only regular files, "
        "copy the file itself into the inbox\n"
    )
    assert "pipe.txt: rejected (batch 2): not a regular file: a named pipe (FIFO)" in skip

    # The folder stays where it is, untouched, named in the skip reason.
    assert (inbox / "folder.txt" / "parts.txt").read_bytes() == PARTS
    assert "folder.txt/: a folder, left in place and not read" in skip
    assert sorted(p.name for p in _folder(ticker, "rejected").iterdir()) == [
        "link.txt",
        "link.txt.reason.txt",
        "pipe.txt",
        "pipe.txt.reason.txt",
    ]
    assert list(_folder(ticker, "processed").iterdir()) == []

    rows = {r["file_name"]: r for r in store.intake().report()}
    assert sorted(rows) == ["link.txt", "pipe.txt"]
    for name in rows:
        assert (rows[name]["status"], rows[name]["accepted"], rows[name]["run_id"]) == ("rejected", 0, None)
        assert f"{rows[name]['reason']}\n" == _reason(ticker, name)

    again = ticker.tick()  # the folder is named on every tick; nothing is recorded twice
    assert "folder.txt/: a folder, left in place" in again.skip_reason.skip_message
    assert len(store.intake().report()) == 2 and (inbox / "folder.txt").is_dir()


@on_sqlite
def test_a_socket_and_a_device_are_refused_unread(ticker, store, monkeypatch):
    inbox = _folder(ticker)
    inbox.mkdir(parents=True)
    monkeypatch.chdir(inbox)  # a relative name keeps the socket path under the 108-byte limit
    server = socket.socket(socket.AF_UNIX)
    server.bind("sock.txt")
    try:
        os.mknod(inbox / "null.txt", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        device = True
    except PermissionError:  # mknod needs CAP_MKNOD: the socket still runs the path
        device = False
    try:
        result = ticker.settle()
    finally:
        server.close()
    assert result.run_requests == []
    rejected = _folder(ticker, "rejected")
    assert stat.S_ISSOCK(os.lstat(rejected / "sock.txt").st_mode)
    assert _reason(ticker, "sock.txt").startswith("not a regular file: a socket;")
    expected = {"sock.txt"}
    if device:
        assert stat.S_ISCHR(os.lstat(rejected / "null.txt").st_mode)
        assert _reason(ticker, "null.txt").startswith("not a regular file: a character device;")
        expected.add("null.txt")
    assert {r["file_name"]: r["status"] for r in store.intake().report()} == dict.fromkeys(expected, "rejected")


@on_sqlite
def test_dangling_links_move_as_links_and_a_note_is_never_written_through_one(tmp_path, ticker, store):
    inbox = _folder(ticker)
    inbox.mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    (inbox / "gone.txt").symlink_to(tmp_path / "first-target")
    (inbox / "bad.txt.reason.txt").symlink_to(victim)  # the note name of a file dropped later
    ticker.settle()
    (inbox / "gone.txt").symlink_to(tmp_path / "second-target")
    ticker.drop("bad.txt", b"")  # refused as empty: its note must not go through the link above
    ticker.settle()

    rejected = _folder(ticker, "rejected")
    assert os.readlink(rejected / "gone.txt") == str(tmp_path / "first-target")  # not overwritten
    assert os.readlink(rejected / "gone-1.txt") == str(tmp_path / "second-target")
    assert os.readlink(rejected / "bad.txt.reason.txt") == str(victim)
    assert not os.path.lexists(victim)
    assert "empty file (0 bytes)" in _reason(ticker, "bad-1.txt") and (rejected / "bad-1.txt").read_bytes() == b""
    names = sorted(r["file_name"] for r in store.intake().report())
    assert names == ["bad.txt", "bad.txt.reason.txt", "gone.txt", "gone.txt"]


@on_sqlite
def test_a_symlink_in_publish_is_refused_with_its_target(tmp_path, ticker, store, instance):
    outside = tmp_path / "parts.csv"
    outside.write_bytes(b"part_number\n" + PARTS)
    publish = _folder(ticker, "publish")
    publish.mkdir(parents=True)
    (publish / "parts.csv").symlink_to(outside)
    result = ticker.settle()
    assert result.run_requests == [] and instance.get_dynamic_partitions("part_numbers") == []
    assert (_folder(ticker, "rejected") / "parts.csv").is_symlink()
    [row] = store.intake().report()
    assert (row["file_name"], row["target"], row["status"]) == ("publish/parts.csv", "publish", "rejected")
    assert f"a symbolic link (to '{outside}')" in row["reason"]


def test_open_regular_rechecks_what_the_listing_saw(tmp_path, no_hang):
    """The listing said "regular file", but the entry is now a link or a FIFO: the open refuses it unread."""
    inbox = InboxResource(path=str(tmp_path / "inbox"))
    root = inbox.root()
    target = tmp_path / "real.txt"
    target.write_bytes(PARTS)
    (root / "swapped.txt").symlink_to(target)
    os.mkfifo(root / "fifo.txt")  # no writer: a blocking open would hang here

    def listed(name: str) -> InboxFile:
        return InboxFile(root / name, name, "extraction", 0, 0, REGULAR)

    with pytest.raises(NotRegularFile) as link:
        inbox.open_regular(listed("swapped.txt"))
    assert (link.value.kind, link.value.link_target) == ("symbolic link", str(target))
    with pytest.raises(NotRegularFile) as fifo:
        inbox.open_regular(listed("fifo.txt"))
    assert (fifo.value.kind, fifo.value.link_target) == ("named pipe (FIFO)", None)

    (root / "real.txt").write_bytes(PARTS)
    with inbox.open_regular(listed("real.txt")) as fh:
        assert fh.read() == PARTS
