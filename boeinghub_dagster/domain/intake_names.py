"""Inbox file names (docs/behaviour.md §3): which are taken, which wait, which are refused, and how the hub shows them.

A name is input like the bytes inside the file. It reaches log lines, run tags, the batch view and
the names of the notes written beside the file, so:

- a name holding a control character, a byte that is not UTF-8 (the OS layer hands those over as
  lone surrogates, Python's `surrogateescape`) or an invisible direction mark is refused, and the
  file moves to `rejected/` under `safe_name` (each such character as `%XX`);
- a name for a file still being written (`.part`/`.filepart`, or one leading dot: `.x.part`,
  rsync's `.x.AbC123`) waits, and says so; left unchanged for a day it is refused as abandoned;
- anything else is taken, whatever it looks like (`..txt` is a `.txt` file), and its suffix decides;
- every name shown is `escape_name`d, and every name the hub writes stays within `NAME_BUDGET`
  bytes, so its longest note (`<name>.rejected-lines.csv`) fits the 255-byte limit of Linux
  filesystems; `free_names` never runs out.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath

MAX_NAME_BYTES = 255  # NAME_MAX of ext4, XFS, btrfs, tmpfs: bytes, not characters
NOTE_SUFFIXES = (".reason.txt", ".rejected-lines.csv", ".duplicate.txt")
NAME_BUDGET = MAX_NAME_BYTES - max(len(s.encode()) for s in NOTE_SUFFIXES)  # 236 bytes for the file's own name
IN_PROGRESS_SUFFIXES = (".part", ".filepart")  # our CLI, curl/wget/Firefox; WinSCP's SFTP uploads
ABANDONED_AFTER_SECONDS = 24 * 3600
NUMBERED = 9  # parts-1.txt … parts-9.txt, then a unique suffix: the search never scans thousands of names
MAX_SUFFIX_BYTES = 16  # a longer "extension" is just part of the name when cutting

# Invisible marks that reorder what a reader sees ("Trojan Source"): U+200E/F, U+061C, U+202A-E, U+2066-9.
_BIDI = frozenset((0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)))


def _undecodable(code: int) -> bool:
    return 0xDC80 <= code <= 0xDCFF  # a byte that was not UTF-8, as `surrogateescape` carries it


def _unsafe(ch: str) -> bool:
    code = ord(ch)
    return code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or code in (0x2028, 0x2029) or code in _BIDI


def escape_name(name: str) -> str:
    """`name` as logs, run tags, the store and the batch view show it: unsafe characters as `\\xNN` or
    `\\uNNNN` (an undecodable byte as `\\xNN` of that byte), a backslash doubled so nothing is ambiguous."""
    out = []
    for ch in name:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif _undecodable(code):
            out.append(f"\\x{code - 0xDC00:02x}")
        elif _unsafe(ch):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def safe_name(name: str) -> str:
    """A refused name made safe to write: `%` and each unsafe character as `%XX` of its bytes."""
    out = []
    for ch in name:
        code = ord(ch)
        if _undecodable(code):
            out.append(f"%{code - 0xDC00:02X}")
        elif ch == "%" or _unsafe(ch):
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass")))
        else:
            out.append(ch)
    return "".join(out)


def _what_is_unsafe(name: str) -> str:
    found: list[str] = []
    for ch in name:
        code = ord(ch)
        if _undecodable(code):
            item = f"byte 0x{code - 0xDC00:02x}, which is not UTF-8"
        elif 0xD800 <= code <= 0xDFFF:
            item = f"the unpaired surrogate U+{code:04X}"
        elif code in _BIDI or code in (0x2028, 0x2029):
            item = f"the invisible character U+{code:04X}"
        elif _unsafe(ch):
            item = f"control character 0x{code:02x}"
        else:
            continue
        if item not in found:
            found.append(item)
    shown = ", ".join(found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
    return shown


@dataclass(frozen=True)
class NameVerdict:
    action: str  # "take", "wait" or "refuse"
    reason: str = ""


TAKE = NameVerdict("take")


def in_progress(name: str) -> bool:
    """A write in progress by its name: `*.part`, `*.filepart`, or one leading dot (`..txt` is not one)."""
    return name.lower().endswith(IN_PROGRESS_SUFFIXES) or (name.startswith(".") and not name.startswith(".."))


def judge_name(name: str, unchanged_seconds: float) -> NameVerdict:
    """Whether an inbox entry's name lets it be taken now, makes it wait, or refuses it (with why)."""
    if any(_unsafe(ch) for ch in name):
        return NameVerdict(
            "refuse",
            f"unsafe file name: it holds {_what_is_unsafe(name)} (a name that would garble log lines, run tags "
            f"and the batch view); the name, escaped: '{escape_name(name)}'; rename the file and drop it again",
        )
    if in_progress(name):
        if unchanged_seconds > ABANDONED_AFTER_SECONDS:
            return NameVerdict(
                "refuse",
                f"abandoned upload: a name starting with '.' or ending in {' or '.join(IN_PROGRESS_SUFFIXES)} marks a "
                f"file still being written, and this one has not changed for {unchanged_seconds / 3600:.0f} h; "
                "give it its final name and drop it again",
            )
        return NameVerdict(
            "wait",
            "a file still being written (its name starts with '.' or ends in "
            f"{' or '.join(IN_PROGRESS_SUFFIXES)}); waiting for its final name",
        )
    return TAKE


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogateescape"))


def cut_name(text: str, max_bytes: int) -> str:
    """The longest prefix of `text` within `max_bytes` UTF-8 bytes, never splitting a character."""
    out, used = [], 0
    for ch in text:
        size = _utf8_len(ch)
        if used + size > max_bytes:
            break
        out.append(ch)
        used += size
    return "".join(out)


def _split(name: str) -> tuple[str, str]:
    suffix = PurePath(name).suffix if name not in ("", ".", "..") else ""
    if not suffix or _utf8_len(suffix) > MAX_SUFFIX_BYTES:
        return name, ""
    return name[: -len(suffix)], suffix


def fit_name(name: str, max_bytes: int = NAME_BUDGET, tag: str = "") -> str:
    """`name` with `tag` before its extension, the stem cut so the whole fits in `max_bytes` UTF-8 bytes."""
    stem, suffix = _split(name)
    room = max_bytes - _utf8_len(tag) - _utf8_len(suffix)
    if room < 1:  # a tag or extension that leaves no room for the stem: cut the whole name instead
        return cut_name(name + tag, max_bytes)
    return cut_name(stem, room) + tag + suffix


def free_names(name: str, unique: str, max_bytes: int = NAME_BUDGET) -> Iterator[str]:
    """The names a file may take without overwriting one, each within `max_bytes`: `name`, `<stem>-1` …
    `<stem>-9`, then `<stem>-<unique>`, `<stem>-<unique>-1`, … without end (`unique`: a timestamp)."""
    tags = itertools.chain(
        ("",),
        (f"-{n}" for n in range(1, NUMBERED + 1)),
        (f"-{unique}",),
        (f"-{unique}-{n}" for n in itertools.count(1)),
    )
    for tag in tags:
        yield fit_name(name, max_bytes, tag)
