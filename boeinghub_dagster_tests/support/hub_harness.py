"""One entry to the live-hub harness in `benchmarks/_hub.py` (process groups, free ports, readiness),
shared by the tests that start real hubs (`live_hub.py`, `publish_hub.py`, the browser tests); the waiting
and the sandbox servers are in `waiting.py`."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

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
Group, snapshot_code = harness.Group, harness.snapshot_code
