"""Waiting for events, never for time: the one poll loop, free ports, a started server's first answer,
and a sandbox CLI server started in a process group of its own once it answers.

`wait_until` and `free_port` are the live-hub harness's (`benchmarks/_hub.py`), so tests and benchmarks
wait alike: the predicate's first truthy value is returned, a TimeoutError names what never came.
"""

from __future__ import annotations

import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import httpx

from boeinghub_dagster_tests.support.hub_harness import harness

free_port, wait_until = harness.free_port, harness.wait_until


def first_answer(
    url: str, proc: subprocess.Popen, timeout: float, what: str, every: float = 0.1, ok=lambda response: True, log=None
) -> httpx.Response:
    """Poll `GET url` until it answers (and `ok(response)`); the answer. Fails at once, with the process's
    log (`log`, or its piped stderr), if `proc` exits first: a server that died is not a slow one."""

    def answered():
        if proc.poll() is not None:
            said = f"see {log}" if log else (proc.stderr.read() if proc.stderr else "")
            raise RuntimeError(f"{what} exited with {proc.returncode}: {said}")
        try:
            response = httpx.get(url, timeout=2)
        except httpx.HTTPError:
            return None
        return response if ok(response) else None

    return wait_until(answered, timeout, what, every=every)


def serve_sandbox(stack: ExitStack, tmp: Path, command: list[str], log: str, probe: str, code: Path) -> None:
    """`python -m boeinghub_dagster.sandbox <command…>` in its own group, once `probe` answers."""
    group = harness.Group([sys.executable, "-m", "boeinghub_dagster.sandbox", *command], tmp / log, cwd=code)
    stack.callback(group.stop, 5.0)
    # python + imports: slow on a busy machine
    first_answer(probe, group.proc, 120, f"the {command[0]} server", ok=lambda r: r.status_code < 500, log=group.log)
