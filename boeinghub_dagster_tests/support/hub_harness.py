"""One entry to the live-hub harness in `benchmarks/_hub.py` (process groups, free ports, readiness),
shared by the tests that start real hubs (`live_hub.py`, `publish_hub.py`, the browser tests)."""

from __future__ import annotations

import importlib.util
import sys
from contextlib import ExitStack
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def load_harness():
    """benchmarks/_hub.py, loaded once under one module name."""
    name = "boeinghub_benchmarks_hub"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "_hub.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


harness = load_harness()
Group, free_port, wait_until, snapshot_code = harness.Group, harness.free_port, harness.wait_until, harness.snapshot_code


def serve_sandbox(stack: ExitStack, tmp: Path, command: list[str], log: str, probe: str, code: Path) -> None:
    """`python -m boeinghub_dagster.sandbox <command…>` in its own group, once `probe` answers."""
    group = Group([sys.executable, "-m", "boeinghub_dagster.sandbox", *command], tmp / log, cwd=code)
    stack.callback(group.stop, 5.0)

    def up() -> bool:
        if group.proc.poll() is not None:
            raise RuntimeError(f"{command[0]} server exited; see {group.log}")
        try:
            return httpx.get(probe, timeout=2).status_code < 500
        except httpx.HTTPError:
            return False

    wait_until(up, 120, f"the {command[0]} server", every=0.1)  # python + imports: slow on a busy machine
