"""The repository's citations of `docs/` resolve: every `docs/<file>.md §<id>` names a heading that exists.

Code, tests and scripts rest on rules written down in `docs/` (docs/README.md). A renumbered or deleted
section, a misspelt file, or a citation of the old spec that lived outside the repository fails here,
with the file and line that cite it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SCANNED_SUFFIXES = {".py", ".md", ".yaml", ".yml", ".sh"}
SCRIPT_DIRS = {"scripts", ".ci"}  # shell scripts without a suffix
SKIPPED_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", "data", "build", "dist"}

_ID = r"§\d+[a-z]?"
# `docs/behaviour.md §8`, `… §6, §7`, `… §4/§12`, `… §6–§8`; inside docs/ also `design.md §1`.
_TAIL = rf"\s+{_ID}(?:\s*(?:,|/|–|-|and)\s*{_ID})*"
CITATION = re.compile(rf"docs/([\w-]+)\.md({_TAIL})")
SIBLING_CITATION = re.compile(rf"(?<![\w/])([\w-]+)\.md({_TAIL})")
HEADING = re.compile(r"^#{1,6}\s+§(\d+[a-z]?)\b", re.MULTILINE)
OLD_SPEC = "SPEC" + " §"  # split so this file does not cite it


def _scanned_files() -> list[Path]:
    out = []
    for folder, dirs, files in os.walk(ROOT):
        here = Path(folder)
        dirs[:] = [
            d
            for d in dirs
            if d not in SKIPPED_DIRS and not d.endswith(".egg-info") and (not d.startswith(".") or d in SCRIPT_DIRS)
        ]
        for name in files:
            path = here / name
            if path.suffix in SCANNED_SUFFIXES or (here.name in SCRIPT_DIRS and not path.suffix):
                out.append(path)
    return out


def _ids(tail: str) -> list[str]:
    """Every section a citation's tail names; a range `§6–§8` names 6, 7 and 8."""
    ids = re.findall(r"§(\d+[a-z]?)", tail)
    for a, b in re.findall(r"§(\d+)\s*[–-]\s*§(\d+)\b", tail):
        ids += [str(n) for n in range(int(a) + 1, int(b))]
    return ids


def _citations() -> list[tuple[str, int, str, str]]:
    """(where, line, cited file, section id) for every citation in the repository."""
    found = []
    for path in _scanned_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        patterns = [CITATION] + ([SIBLING_CITATION] if path.parent == DOCS else [])
        for number, line in enumerate(text.splitlines(), 1):
            for pattern in patterns:
                for match in pattern.finditer(line):
                    for section in _ids(match.group(2)):
                        found.append((str(path.relative_to(ROOT)), number, match.group(1), section))
    return found


def test_every_docs_citation_names_an_existing_section():
    headings = {p.stem: set(HEADING.findall(p.read_text(encoding="utf-8"))) for p in DOCS.glob("*.md")}
    citations = _citations()
    assert len(citations) >= 50, f"only {len(citations)} citations found: is the pattern still right?"
    broken = [
        f"{where}:{line}: docs/{doc}.md §{section}" + ("" if doc in headings else " (no such file)")
        for where, line, doc, section in citations
        if section not in headings.get(doc, set())
    ]
    assert not broken, "citations of sections that do not exist:\n" + "\n".join(broken)


def test_no_citation_of_the_old_spec_remains():
    left = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _scanned_files()
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if OLD_SPEC in line
    ]
    assert not left, f"cite docs/behaviour.md instead of the old spec at: {', '.join(left)}"


def test_the_docs_map_names_every_document():
    listed = (DOCS / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in DOCS.glob("*.md") if p.name != "README.md" and f"]({p.name})" not in listed]
    assert not missing, f"docs/README.md does not link {missing}"


CODE_PATH = re.compile(
    r"`((?:boeinghub_dagster_tests|boeinghub_dagster|defs|domain|resources|sandbox|deploy|scripts|benchmarks)"
    r"/[\w./*-]+)`"
)


def test_every_path_the_documents_name_exists():
    """A moved or renamed module shows here, not in a newcomer's failed search (`defs/...` is the package's)."""
    named = [
        (f"{doc.relative_to(ROOT)}:{number}", match.group(1))
        for doc in [ROOT / "README.md", *DOCS.glob("*.md")]
        for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1)
        for match in CODE_PATH.finditer(line)
    ]
    assert len(named) >= 50, f"only {len(named)} paths found: is the pattern still right?"
    missing = [
        f"{where}: {path}"
        for where, path in named
        if not any(list(ROOT.glob(p)) if "*" in p else (ROOT / p).exists() for p in (path, f"boeinghub_dagster/{path}"))
    ]
    assert not missing, "the documents name paths that do not exist:\n" + "\n".join(missing)
