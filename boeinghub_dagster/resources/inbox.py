"""The intake inbox: a local folder operators drop part-number files into.

Files move, never get rewritten: `processed/` for accepted files (with a
`<name>.rejected-lines.csv` beside them when some lines were bad), `rejected/`
for refused ones (with `<name>.reason.txt`). Names that already exist there get
a numeric suffix, so no earlier file is ever overwritten.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dagster import ConfigurableResource
from pydantic import Field

from boeinghub_dagster.domain.intake import numbered_names

PUBLISH = "publish"


@dataclass(frozen=True)
class InboxFile:
    path: Path
    relative: str  # e.g. "parts.txt" or "publish/parts.txt"
    target: str  # "extraction" or "publish"
    size: int
    mtime_ns: int


NOTE_SUFFIXES = (".reason.txt", ".rejected-lines.csv", ".duplicate.txt")


def _taken(candidate: Path) -> bool:
    return candidate.exists() or any(candidate.with_name(candidate.name + s).exists() for s in NOTE_SUFFIXES)


def _free_name(folder: Path, name: str) -> Path:
    return next(folder / n for n in numbered_names(name) if not _taken(folder / n))


class InboxResource(ConfigurableResource):
    """`BOEINGHUB_INBOX`; files in its `publish/` subfolder are meant for publishing."""

    path: str = Field(description="Inbox folder; created when missing")

    def root(self) -> Path:
        root = Path(self.path)
        for sub in ("", PUBLISH, "processed", "rejected"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        return root

    def candidates(self) -> list[InboxFile]:
        """Files waiting in the inbox, oldest first; dotfiles and `*.part` are writes in progress."""
        root, out = self.root(), []
        for folder, target in ((root, "extraction"), (root / PUBLISH, PUBLISH)):
            for entry in os.scandir(folder):
                if not entry.is_file() or entry.name.startswith(".") or entry.name.lower().endswith(".part"):
                    continue
                st = entry.stat()
                out.append(InboxFile(Path(entry.path), str(Path(entry.path).relative_to(root)), target, st.st_size, st.st_mtime_ns))
        return sorted(out, key=lambda f: (f.mtime_ns, f.relative))

    def move(self, file: InboxFile, outcome: str, notes: dict[str, bytes] | None = None) -> Path:
        """Move `file` to `processed/` or `rejected/` (content untouched) and write notes beside it."""
        folder = self.root() / outcome
        target = _free_name(folder, file.path.name)
        for suffix, content in (notes or {}).items():
            (folder / f"{target.name}{suffix}").write_bytes(content)
        os.replace(file.path, target)
        return target
