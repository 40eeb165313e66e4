"""Fault injection for crash tests: kill (or stop) the run worker at a named point of the code.

A raised exception is no crash: `finally` blocks run and Dagster records an ordinary failure. So
the crash tests arm a point through the environment of the hub they start, and the process dies
there for real. Inert unless all of these are set where the run executes (never in production),
and nothing is read at import:

- `BOEINGHUB_FAULTS=1`;
- `BOEINGHUB_FAULT_DIR`: a folder where firing leaves a marker, so each fault fires once across
  processes and runs (the retry of a killed run gets through);
- `BOEINGHUB_FAULT_KILL_AT` and/or `BOEINGHUB_FAULT_STOP_AT`: comma-separated `point` or
  `point:n`, firing at the point's n-th hit in one process (default 1).

kill: SIGKILL, first to the run worker when this is a step process of Dagster's multiprocess
executor (its parent is a multiprocessing child or `dagster api execute_run`), then to this
process: Dagster sees a dead worker, not a failed step. stop: SIGSTOP to this process, as a long
GC pause or a paused VM would (the test resumes it with SIGCONT).
"""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter
from pathlib import Path

POINTS = frozenset(
    {
        "extraction.dispatch_claimed",  # the dispatcher holds the lease and has claimed a batch it has not sent
        "publish.after_answer",  # Shopify answered a productSet; the products row is not written
        "sync.mid_push",  # the sync pushed prices to Shopify, not yet the stock, and wrote nothing
    }
)
_hits: Counter = Counter()
_lock = threading.Lock()


def _armed(spec: str) -> dict[str, int]:
    out = {}
    for item in spec.split(","):
        name, _, nth = item.strip().partition(":")
        if name in POINTS:
            out[name] = int(nth) if nth.strip().isdigit() and int(nth) > 0 else 1
    return out


def _first(folder: str, marker: str) -> bool:
    """Create the marker atomically; False when it exists (the fault already fired)."""
    path = Path(folder) / marker
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as fh:
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        os.fsync(fh.fileno())
    return True


def _is_run_worker(pid: int) -> bool:
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"--multiprocessing-fork" in args or (b"api" in args and b"execute_run" in args)


def _kill() -> None:
    parent = os.getppid()
    if _is_run_worker(parent):
        os.kill(parent, signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)


def point(name: str) -> None:
    """A named point: kills or stops this process when a crash test armed it, else does nothing."""
    folder = os.environ.get("BOEINGHUB_FAULT_DIR")
    if os.environ.get("BOEINGHUB_FAULTS") != "1" or not folder:
        return
    with _lock:
        _hits[name] += 1
        hit = _hits[name]
    for action, variable in (("kill", "BOEINGHUB_FAULT_KILL_AT"), ("stop", "BOEINGHUB_FAULT_STOP_AT")):
        if _armed(os.environ.get(variable, "")).get(name) == hit and _first(folder, f"{action}.{name}"):
            if action == "kill":
                _kill()
            os.kill(os.getpid(), signal.SIGSTOP)
