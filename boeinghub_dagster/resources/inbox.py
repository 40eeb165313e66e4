"""The intake inbox: a local folder operators drop part-number files into (`resources/inbox_s3.py`:
a bucket prefix, for deployments whose processes share no disk).

What the sensor needs from an inbox (`Inbox`), and all it uses; both inboxes implement the four:

- `candidates()`: every entry waiting, with its name, size, modification time and identity,
  of any kind (regular file, link, FIFO, folder…), none followed or read;
- `read(file, limit)`: at most `limit` bytes, or `FileChanged` if the entry is not, for the whole
  read, the version the listing saw (a writer still at it), `NotRegularFile` if it is no file;
- `unchanged(file)`: still that version (checked again just before a batch is recorded);
- `move(file, outcome, notes, name)`: to `processed/` or `rejected/`, content untouched, notes
  written beside it, under a free name that fits (`domain.intake_names.free_names`).

The rules (which names wait or are refused, sizes, reasons) are the sensor's plain steps and
`domain/`; this module only knows files. Only regular files are read: a link is never followed,
a FIFO never waited on, a device never opened. Moving one moves the entry itself (`os.replace`
renames a link, not its target). No earlier file is ever overwritten.
"""

from __future__ import annotations

import errno
import os
import stat
from abc import abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import BinaryIO

from pydantic import Field

from boeinghub_dagster.domain.intake_names import NOTE_SUFFIXES, free_names
from boeinghub_dagster.resources.launch_guard import PinnedResource

PUBLISH = "publish"
OUTCOMES = ("processed", "rejected")
REGULAR, DIRECTORY, SYMLINK = "regular file", "folder", "symbolic link"
# Not on every platform; where missing, the lstat before the open is the guard.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def entry_kind(mode: int) -> str:
    """What an `lstat` mode is, in words an operator reads in a rejection reason."""
    for test, kind in (
        (stat.S_ISREG, REGULAR),
        (stat.S_ISDIR, DIRECTORY),
        (stat.S_ISLNK, SYMLINK),
        (stat.S_ISFIFO, "named pipe (FIFO)"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
    ):
        if test(mode):
            return kind
    return "special file"


class NotRegularFile(Exception):
    """`open_regular` refused an entry without reading it."""

    def __init__(self, kind: str, link_target: str | None = None):
        super().__init__(kind)
        self.kind, self.link_target = kind, link_target


class FileChanged(Exception):
    """The entry is not the version the listing saw, or changed while it was read; str(exc) says how."""


@dataclass(frozen=True)
class InboxFile:
    path: Path
    relative: str  # e.g. "parts.txt" or "publish/parts.txt"
    target: str  # "extraction" or "publish"
    size: int
    mtime_ns: int
    kind: str = REGULAR  # what the listing saw (lstat); `open_regular` checks again
    inode: int = 0
    ctime_ns: int = 0  # changes with any write, chmod or rename, even one that puts the mtime back

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def version(self) -> tuple[int, int, int, int]:
        return self.size, self.mtime_ns, self.inode, self.ctime_ns


def _version(st: os.stat_result) -> tuple[int, int, int, int]:
    return st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns


def _taken(candidate: Path) -> bool:
    # lexists: a dangling symlink moved here earlier still holds its name.
    names = (candidate.name, *(candidate.name + s for s in NOTE_SUFFIXES))
    return any(os.path.lexists(candidate.with_name(n)) for n in names)


class Inbox(PinnedResource):
    """What `inbox_sensor` is given (`BOEINGHUB_INBOX`): a folder (`InboxResource`) or a bucket
    prefix (`S3InboxResource`); the module docstring says what each method promises."""

    @abstractmethod
    def candidates(self) -> list[InboxFile]: ...

    @abstractmethod
    def read(self, file: InboxFile, limit: int) -> bytes: ...

    @abstractmethod
    def unchanged(self, file: InboxFile) -> bool: ...

    @abstractmethod
    def move(
        self, file: InboxFile, outcome: str, notes: dict[str, bytes] | None = None, name: str | None = None
    ) -> PurePath: ...


class InboxResource(Inbox):
    """`BOEINGHUB_INBOX` as a folder; files in its `publish/` subfolder are meant for publishing."""

    path: str = Field(description="Inbox folder; created when missing")

    def root(self) -> Path:
        root = Path(self.path)
        for sub in ("", PUBLISH, *OUTCOMES):
            (root / sub).mkdir(parents=True, exist_ok=True)
        return root

    def candidates(self) -> list[InboxFile]:
        """Entries waiting in the inbox and in `publish/`, oldest first, of any kind and any name (the
        sensor's steps judge names); none is followed or read. The inbox's own folders are skipped."""
        root, out = self.root(), []
        for folder, target in ((root, "extraction"), (root / PUBLISH, PUBLISH)):
            with os.scandir(folder) as entries:
                for entry in entries:
                    if folder == root and entry.name in (PUBLISH, *OUTCOMES):
                        continue
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except FileNotFoundError:  # gone since the listing
                        continue
                    relative = entry.name if folder == root else f"{PUBLISH}/{entry.name}"
                    out.append(
                        InboxFile(
                            Path(entry.path),
                            relative,
                            target,
                            st.st_size,
                            st.st_mtime_ns,
                            entry_kind(st.st_mode),
                            st.st_ino,
                            st.st_ctime_ns,
                        )
                    )
        return sorted(out, key=lambda f: (f.mtime_ns, f.relative))

    def open_regular(self, file: InboxFile) -> BinaryIO:
        """Open `file` for reading if it is a regular file, else raise `NotRegularFile` without reading it.

        lstat first, so a device or FIFO is never even opened; then open without
        following a link and without blocking, and fstat the descriptor, in case
        the entry was swapped since.
        """
        st = os.lstat(file.path)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(entry_kind(st.st_mode), _link_target(file.path, st.st_mode))
        try:
            fd = os.open(file.path, _OPEN_FLAGS)
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # became a symlink after the lstat
                raise NotRegularFile(SYMLINK, _link_target(file.path, stat.S_IFLNK)) from exc
            raise
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            os.close(fd)
            raise NotRegularFile(entry_kind(st.st_mode))
        return os.fdopen(fd, "rb")

    def read(self, file: InboxFile, limit: int) -> bytes:
        """The whole of `file`, at most `limit` bytes, read through one descriptor whose fstat before and
        after the read equals what the listing saw; else `FileChanged` (the file is left for next tick)."""
        with self.open_regular(file) as fh:
            before = _version(os.fstat(fh.fileno()))
            if before != file.version:
                raise FileChanged("it changed since it was listed")
            if before[0] > limit:
                raise ValueError(f"{file.relative}: {before[0]} bytes, more than the {limit} asked for")
            data = fh.read(limit + 1)
            after = _version(os.fstat(fh.fileno()))
        if after != before or len(data) != before[0]:
            raise FileChanged(f"it changed while being read ({before[0]} bytes listed, {len(data)} read)")
        return data

    def unchanged(self, file: InboxFile) -> bool:
        """Whether the entry is still the version the listing saw (nothing wrote to it, renamed or replaced it)."""
        try:
            return _version(os.lstat(file.path)) == file.version
        except FileNotFoundError:
            return False

    def move(
        self, file: InboxFile, outcome: str, notes: dict[str, bytes] | None = None, name: str | None = None
    ) -> Path:
        """Move `file` to `processed/` or `rejected/` (content untouched) under the first free name from
        `name` (default: its own), and write `notes` (`NOTE_SUFFIXES`) beside it. Every name fits 255 bytes."""
        folder = self.root() / outcome
        unique = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = next(folder / n for n in free_names(name or file.name, unique) if not _taken(folder / n))
        for suffix, content in (notes or {}).items():
            if suffix not in NOTE_SUFFIXES:
                raise ValueError(f"unknown note {suffix!r}")
            with open(folder / f"{target.name}{suffix}", "xb") as fh:  # never through a link, never over a file
                fh.write(content)
        os.replace(file.path, target)
        return target


def _link_target(path: Path, mode: int) -> str | None:
    """The text of a symlink (read from the link itself, its target untouched), or None for anything else."""
    if not stat.S_ISLNK(mode):
        return None
    try:
        return os.fsdecode(os.readlink(path))
    except OSError:  # gone since: the kind still says what it was
        return None
