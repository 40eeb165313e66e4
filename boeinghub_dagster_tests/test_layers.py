"""The package's layers flow one way and its pipeline stages stand alone (docs/design.md §7).

`defs/` → `domain/` and `resources/`; nothing below imports anything above; `domain/` is pure (no Dagster,
no I/O library); no module under `defs/<stage>/` imports another stage's folder, only the shared
`defs/partitions.py`, `defs/failures.py` and `defs/resources.py`. Read from the source with `ast`, so an
import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "boeinghub_dagster"
IO_LIBRARIES = {"dagster", "sqlalchemy", "httpx", "boto3", "botocore", "psycopg", "psycopg2", "alembic"}
SHARED_DEFS = {"partitions", "failures", "resources"}


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in `path`, relative ones resolved against its package."""
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            found += [(node.lineno, f"{module}.{alias.name}" if not node.module else module) for alias in node.names]
    return found


def _modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def _where(path: Path, line: int, module: str) -> str:
    return f"{path.relative_to(PACKAGE.parent)}:{line}: {module}"


def test_domain_is_pure_and_imports_nothing_above_it():
    bad = [
        _where(path, line, module)
        for path in _modules("domain")
        for line, module in _imports(path)
        if module.split(".")[0] in IO_LIBRARIES
        or module.startswith(("boeinghub_dagster.defs", "boeinghub_dagster.resources", "boeinghub_dagster.sandbox"))
    ]
    assert len(_modules("domain")) > 20
    assert not bad, "domain/ must stay pure:\n" + "\n".join(bad)


def test_resources_never_import_defs():
    bad = [
        _where(path, line, module)
        for path in _modules("resources")
        for line, module in _imports(path)
        if module.startswith("boeinghub_dagster.defs")
    ]
    assert not bad, "resources/ sits below defs/:\n" + "\n".join(bad)


def test_no_stage_imports_another_stages_folder():
    stages = sorted(p.name for p in (PACKAGE / "defs").iterdir() if p.is_dir() and p.name != "__pycache__")
    assert {"intake", "extraction", "publishing", "reconciliation", "sync"} <= set(stages)
    crossing = []
    for stage in stages:
        for path in _modules(f"defs/{stage}"):
            for line, module in _imports(path):
                parts = module.split(".")
                if parts[:2] == ["boeinghub_dagster", "defs"] and len(parts) > 2:
                    if parts[2] != stage and parts[2] not in SHARED_DEFS:
                        crossing.append(_where(path, line, module))
    assert not crossing, "shared code belongs in resources/ or domain/:\n" + "\n".join(crossing)
