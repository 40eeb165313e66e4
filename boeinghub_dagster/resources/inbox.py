"""The intake inbox: a local folder operators drop part-number files into.

Files move, never get rewritten: `processed/` for accepted files (with a
`<name>.rejected-lines.csv` beside them when some lines were bad), `rejected/`
for refused ones (with `<name>.reason.txt`). Names that already exist there get
a numeric suffix, so no earlier file is ever overwritten.

Only regular files are read. Anything else (a symlink, FIFO, socket, device) is
listed so it can be refused, and `open_regular` never reads it: a link is never
followed, a FIFO never waited on, a device never opened. Moving one moves the
entry itself (`os.replace` renames a link, not its target).
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dagster import ConfigurableResource
from pydantic import Field

from boeinghub_dagster.domain.intake import numbered_names

PUBLISH = "publish"
OUTCOMES = ("processed", "rejected")
REGULAR, DIRECTORY, SYMLINK = "regular file", "folder", "symbolic link"
# Not on every platform; where missing, the lstat before the open is the guard.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def entry_kind(mode: int) -> str:
    """What an `lstat` mode is, in words an operator reads in a rejection reason."""
    for test, kind in (
        (stat.S_ISREG, REGULAR), (stat.S_ISDIR, DIRECTORY), (stat.S_ISLNK, SYMLINK),
        (stat.S_ISFIFO, "named pipe (FIFO)"), (stat.S_ISSOCK, "socket"),
        (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"),
    ):
        if test(mode):
            return kind
    return "special file"


class NotRegularFile(Exception):
    """`open_regular` refused an entry without reading it."""

    def __init__(self, kind: str, link_target: str | None = None):
        super().__init__(kind)
        self.kind, self.link_target = kind, link_target


@dataclass(frozen=True)
class InboxFile:
    path: Path
    relative: str  # e.g. "parts.txt" or "publish/parts.txt"
    target: str  # "extraction" or "publish"
    size: int
    mtime_ns: int
    kind: str = REGULAR  # what the listing saw (lstat); `open_regular` checks again


NOTE_SUFFIXES = (".reason.txt", ".rejected-lines.csv", ".duplicate.txt")


def _taken(candidate: Path) -> bool:
    # lexists: a dangling symlink moved here earlier still holds its name.
    names = (candidate.name, *(candidate.name + s for s in NOTE_SUFFIXES))
    return any(os.path.lexists(candidate.with_name(n)) for n in names)


def _free_name(folder: Path, name: str) -> Path:
    return next(folder / n for n in numbered_names(name) if not _taken(folder / n))


class InboxResource(ConfigurableResource):
    """`BOEINGHUB_INBOX`; files in its `publish/` subfolder are meant for publishing."""

    path: str = Field(description="Inbox folder; created when missing")

    def root(self) -> Path:
        root = Path(self.path)
        for sub in ("", PUBLISH, *OUTCOMES):
            (root / sub).mkdir(parents=True, exist_ok=True)
        return root

    def candidates(self) -> list[InboxFile]:
        """Entries waiting in the inbox, oldest first, of any kind (see `InboxFile.kind`); none is
        followed or read. Dotfiles and `*.part` are writes in progress; the inbox's own folders are skipped."""
        root, out = self.root(), []
        for folder, target in ((root, "extraction"), (root / PUBLISH, PUBLISH)):
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.startswith(".") or entry.name.lower().endswith(".part"):
                        continue
                    if folder == root and entry.name in (PUBLISH, *OUTCOMES):
                        continue
                    st = entry.stat(follow_symlinks=False)
                    relative = str(Path(entry.path).relative_to(root))
                    kind = entry_kind(st.st_mode)
                    out.append(InboxFile(Path(entry.path), relative, target, st.st_size, st.st_mtime_ns, kind))
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

    def move(self, file: InboxFile, outcome: str, notes: dict[str, bytes] | None = None) -> Path:
        """Move `file` to `processed/` or `rejected/` (content untouched) and write notes beside it."""
        folder = self.root() / outcome
        target = _free_name(folder, file.path.name)
        for suffix, content in (notes or {}).items():
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
