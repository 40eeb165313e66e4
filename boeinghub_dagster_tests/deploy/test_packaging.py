"""pyproject.toml's dependencies against what the code imports, and the image against the extras.

Runtime `dependencies` are what production imports (the package less `sandbox/`), plus the drivers
loaded by name; the sandboxes' server libraries sit in the `sandbox` extra and never reach the image
(deploy/k8s/constraints.txt is all the Dockerfile installs). docs/packaging.md says who installs what.
"""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "boeinghub_dagster"
SANDBOX = PACKAGE / "sandbox"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
CONSTRAINTS = ROOT / "deploy" / "k8s" / "constraints.txt"
# Declared, imported by no module: each is loaded by name, from the file and text given.
LOADED_BY_NAME = {
    "dagster-postgres": ("deploy/dagster.postgres.yaml", "postgres_url"),  # Dagster's instance storage
    "psycopg": ("boeinghub_dagster/resources/store/engine.py", "postgresql+psycopg://"),  # the store's driver
    "psycopg2-binary": ("boeinghub_dagster/instance.py", "postgresql+psycopg2"),  # dagster-postgres's driver
}


def requirements(extra: str | None = None) -> set[str]:
    """Canonical names an extra (or the runtime, None) lists, the project's own extras left out."""
    lines = PROJECT["dependencies"] if extra is None else PROJECT["optional-dependencies"][extra]
    names = {canonicalize_name(Requirement(line).name) for line in lines}
    return names - {canonicalize_name(PROJECT["name"])}


def imported_modules(files: list[Path]) -> dict[str, set[str]]:
    """Top-level module -> files importing it, absolute imports only (a relative one is the project)."""
    found: dict[str, set[str]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
            )
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def third_party(files: list[Path]) -> dict[str, set[str]]:
    """Distribution (canonical name) -> files importing one of its modules."""
    owners = packages_distributions()
    out: dict[str, set[str]] = {}
    for module, where in imported_modules(files).items():
        if module in sys.stdlib_module_names or module in ("__future__", "boeinghub_dagster"):
            continue
        assert module in owners, f"{module} (imported by {sorted(where)}) belongs to no installed distribution"
        for dist in owners[module]:
            out.setdefault(canonicalize_name(dist), set()).update(where)
    return out


def production_files() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if SANDBOX not in p.parents]


def test_runtime_dependencies_are_exactly_what_production_imports():
    used, runtime = third_party(production_files()), requirements()
    undeclared = {dist: sorted(files)[:3] for dist, files in used.items() if dist not in runtime}
    assert undeclared == {}, "imported by production code, missing from [project] dependencies"
    unused = runtime - set(used) - set(LOADED_BY_NAME)
    assert unused == set(), "declared and imported nowhere: drop them (or list them in LOADED_BY_NAME, with why)"
    for dist, (path, text) in LOADED_BY_NAME.items():
        assert dist in runtime and dist not in used, dist  # an allowance that still has a reason
        assert text in (ROOT / path).read_text(), f"{dist}: {path} no longer names it ({text!r})"
    assert {"pydantic", "botocore", "s3transfer"} <= set(used) and "pandas" not in runtime | set(used)


def test_production_never_imports_the_sandboxes():
    for path in production_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:  # resolve `from ..sandbox import x`
                base = path.relative_to(ROOT).with_suffix("").parts[: -node.level]
                module = ".".join((*base, node.module or ""))
            elif isinstance(node, ast.ImportFrom | ast.Import):
                module = node.module if isinstance(node, ast.ImportFrom) else ",".join(a.name for a in node.names)
            else:
                continue
            assert "boeinghub_dagster.sandbox" not in module, f"{path.relative_to(ROOT)} imports {module}"


def test_the_sandbox_extra_is_what_the_sandboxes_import_and_no_runtime_dependency():
    sandbox = requirements("sandbox")
    used = set(third_party(sorted(SANDBOX.rglob("*.py"))))
    assert used - requirements() == sandbox  # httpx is the runtime's already
    assert {"starlette", "uvicorn", "graphql-core", "python-multipart"} <= sandbox
    assert not sandbox & requirements() and not requirements("webserver") & requirements()


def test_the_extras_the_scripts_install_hold_the_sandboxes_and_the_ui():
    test = PROJECT["optional-dependencies"]["test"]
    assert "boeinghub-dagster[sandbox,webserver,lint]" in test and "ruff" in requirements("lint")
    hub = (ROOT / "scripts" / "hub").read_text()
    assert '"$root/scripts/setup-venv" sandbox,webserver' in hub
    assert '"$root/scripts/setup-venv" test' in (ROOT / "scripts" / "test").read_text()
    setup_py = (ROOT / "setup.py").read_text()  # pyproject.toml is the one list of requirements
    assert "install_requires" not in setup_py and "extras_require" not in setup_py


def _freeze_module():
    path = ROOT / "deploy" / "k8s" / "freeze_constraints.py"
    spec = importlib.util.spec_from_file_location("freeze_constraints", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_image_has_no_sandbox_server_or_ui_library():
    image = {canonicalize_name(line.split("==")[0]) for line in CONSTRAINTS.read_text().split() if "==" in line}
    kept_out = requirements("sandbox") | requirements("webserver") | {"dagster-graphql", "pytest", "ruff"}
    assert requirements() <= image and not image & kept_out, sorted(image & kept_out)
    # What the runtime pins pull in here, however constraints.txt was last frozen: none of them either.
    closure = set(_freeze_module().closure(PROJECT["name"]))
    assert requirements() <= closure and not closure & kept_out, sorted(closure & kept_out)


def test_the_sandbox_cli_without_its_extra_says_what_to_install():
    blocked = (
        "import runpy, sys; sys.modules['starlette'] = None; "  # None in sys.modules: ModuleNotFoundError
        "runpy.run_module('boeinghub_dagster.sandbox', run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-c", blocked, "boeing", "--port", "1"], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "starlette is not installed" in done.stderr and "boeinghub-dagster[sandbox]" in done.stderr
