"""The inbox resource on a real folder: a read sees one version of a file or none; moves fit 255 bytes."""

from __future__ import annotations

import os
import re

import pytest

from boeinghub_dagster.domain.intake_names import MAX_NAME_BYTES, NOTE_SUFFIXES
from boeinghub_dagster.resources.inbox import FileChanged, InboxResource


@pytest.fixture
def inbox(tmp_path) -> InboxResource:
    inbox = InboxResource(path=str(tmp_path / "inbox"))
    inbox.root()
    return inbox


def _listed(inbox: InboxResource, name: str):
    return next(f for f in inbox.candidates() if f.relative == name)


def test_a_file_is_read_whole_when_it_is_the_version_listed(inbox):
    (inbox.root() / "a.txt").write_bytes(b"BACB30LH3-4\n")
    file = _listed(inbox, "a.txt")
    assert inbox.read(file, 100) == b"BACB30LH3-4\n" and inbox.unchanged(file)


def test_a_file_that_grew_since_it_was_listed_is_not_read(inbox):
    path = inbox.root() / "a.txt"
    path.write_bytes(b"A1\n")
    file = _listed(inbox, "a.txt")
    with path.open("ab") as fh:
        fh.write(b"A2\n")
    with pytest.raises(FileChanged, match="it changed since it was listed"):
        inbox.read(file, 100)
    assert not inbox.unchanged(file)


def test_a_file_replaced_by_another_of_the_same_size_and_mtime_is_not_read(inbox, tmp_path):
    path = inbox.root() / "a.txt"
    path.write_bytes(b"A1\n")
    file = _listed(inbox, "a.txt")
    other = tmp_path / "other.txt"
    other.write_bytes(b"B1\n")
    os.utime(other, ns=(file.mtime_ns, file.mtime_ns))
    os.replace(other, path)  # same size, same mtime, another inode
    with pytest.raises(FileChanged):
        inbox.read(file, 100)


def test_a_read_never_takes_more_than_asked(inbox):
    (inbox.root() / "big.txt").write_bytes(b"x" * 1000)
    with pytest.raises(ValueError, match="1000 bytes, more than the 10 asked for"):
        inbox.read(_listed(inbox, "big.txt"), 10)


def test_every_name_a_move_writes_fits_255_bytes_and_a_taken_name_is_never_reused(inbox):
    name = "部" * 83 + ".csv"  # 253 bytes: the file fits, its notes would not
    moved = []
    for i in range(12):
        (inbox.root() / name).write_bytes(f"A{i}\n".encode())
        target = inbox.move(_listed(inbox, name), "processed", {".rejected-lines.csv": b"line,value,reason\n"})
        moved.append(target.name)
        assert all(len((target.name + s).encode()) <= MAX_NAME_BYTES for s in NOTE_SUFFIXES)
        assert target.read_bytes() == f"A{i}\n".encode()
    assert len(set(moved)) == 12 and moved[0].endswith(".csv") and moved[1].endswith("-1.csv")
    assert re.search(r"部-\d{8}T\d{12}Z\.csv$", moved[10]) and moved[11].endswith("Z.csv")  # a timestamp after -9
