"""Parse an intake file with bounded memory and time: a spreadsheet in a child process.

The parsing rules live in `domain.intake` (pure); this module only decides where they run. A
spreadsheet reader is native code: a failed allocation aborts its process, which no `except`
catches. So an `.xlsx` is parsed in a child that limits its own address space (RLIMIT_AS), CPU
time, core dumps and file writes before it reads a byte of the file, and the parent kills it
after `timeout` seconds. A crash, a kill, a timeout or a garbled answer becomes `FileRejected`
with a reason; the sensor's process never dies on a file's content. Text files stay in process:
they are pure Python over at most 20 MiB, and any exception there is turned into a rejection.

Why `subprocess` running `python -m boeinghub_dagster.resources.intake_parser`, not
`multiprocessing`: the sensor runs inside Dagster's code server, a threaded gRPC server, where
`fork` without `exec` copies locks other threads hold; `spawn` and `forkserver` re-import the
parent's `__main__` (Dagster's CLI, pytest) and keep process-wide state (one forkserver, its
preload list) that other code may also set. `Popen` without `preexec_fn` forks and execs in C,
safe under threads; the child is a fresh interpreter that imports only the domain parser
(measured ≈ 0.1 s a spreadsheet on this machine: see docs/operations.md §10), gets the file on stdin and
answers JSON on stdout, and its environment holds none of the hub's secrets. If the parent dies
mid-parse, the child's CPU limit (or a closed pipe) ends it.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path, PurePath

from boeinghub_dagster.domain.intake import MAX_FILE_BYTES, FileRejected, IntakeParse, RejectedLine, parse_intake_file
from boeinghub_dagster.domain.part_numbers import is_normalized

CHILD_SUFFIXES = (".xlsx",)  # read by native code; .txt and .csv are parsed in process
MEMORY_BYTES = 1024 * 2**20  # address space of the child: interpreter, reader and a 10M-cell sheet fit
TIMEOUT_SECONDS = 15.0  # with the tick's 30 s budget, a tick stays under Dagster's 60 s sensor timeout
_ENV_KEPT = ("PATH", "PYTHONPATH", "PYTHONHOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
_ALLOC = re.compile(rb"memory allocation of (\d+) bytes failed")
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])  # the folder holding boeinghub_dagster/


def parse_bounded(
    name: str, content: bytes, max_parts: int, *, memory_bytes: int | None = None, timeout: float | None = None
) -> IntakeParse:
    """`parse_intake_file` within bounds (default `MEMORY_BYTES`, `TIMEOUT_SECONDS`); every failure is
    `FileRejected` with a reason."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in CHILD_SUFFIXES:
        try:
            return parse_intake_file(name, content, max_parts=max_parts)
        except FileRejected:
            raise
        except Exception as exc:  # MemoryError, RecursionError, a bug: the file is refused, the tick goes on
            raise FileRejected(f"the file could not be read ({type(exc).__name__}: {str(exc)[:200]})") from exc
    return _in_child(suffix, content, max_parts, memory_bytes or MEMORY_BYTES, timeout or TIMEOUT_SECONDS)


def _in_child(suffix: str, content: bytes, max_parts: int, memory_bytes: int, timeout: float) -> IntakeParse:
    args = [sys.executable, "-m", __name__, suffix, str(max_parts), str(memory_bytes), str(int(timeout) + 1)]
    env = {k: os.environ[k] for k in _ENV_KEPT if k in os.environ}
    # The package as this process found it, installed or not (a code server's working directory).
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (_PACKAGE_ROOT, env.get("PYTHONPATH"))))
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        out, err = proc.communicate(content, timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise FileRejected(
            f"spreadsheet not read: reading it took longer than {timeout:g} s, the limit for one file; "
            "save the part numbers as .csv, or split the file"
        ) from None
    if proc.returncode != 0 or not out:
        raise FileRejected(_failure(proc.returncode, err, memory_bytes))
    try:
        return _answer(json.loads(out))
    except (ValueError, TypeError, KeyError) as exc:
        raise FileRejected(f"spreadsheet not read: the reader gave a garbled answer ({type(exc).__name__})") from exc


def _failure(returncode: int, stderr: bytes, memory_bytes: int) -> str:
    limit = f"{memory_bytes / 2**20:,.0f} MiB"
    asked = _ALLOC.search(stderr)
    if asked or b"MemoryError" in stderr:
        wanted = f" (it asked for {_size(int(asked.group(1)))} at once)" if asked else ""
        return (
            f"spreadsheet not read: reading it needs more than the {limit} of memory allowed for one file{wanted}; "
            "a stray cell far from the part numbers? copy the part numbers into a new workbook"
        )
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        if name == "SIGXCPU":
            return "spreadsheet not read: reading it used up the CPU time allowed for one file; save it as .csv"
        return (
            f"spreadsheet not read: the reader stopped on this file ({name}), without harm to the hub; "
            "open it in Excel and save it again as .xlsx, or as .csv"
        )
    last = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    return f"spreadsheet not read: the reader failed (exit code {returncode}: {last[0][:200]})"


def _size(n: int) -> str:
    return f"{n / 2**30:,.0f} GiB" if n >= 2**30 else f"{n / 2**20:,.0f} MiB"


def _answer(data: dict) -> IntakeParse:
    """The child's JSON as an `IntakeParse`, checked again here: the child read hostile bytes."""
    if "refused" in data:
        raise FileRejected(str(data["refused"])[:2000])
    parts = list(data["parts"])
    if not all(map(is_normalized, parts)) or len(set(parts)) != len(parts):
        raise ValueError("a part number that the rules refuse")
    rejected = [RejectedLine(int(line), str(value), str(reason)) for line, value, reason in data["rejected"]]
    lines, duplicates = int(data["lines"]), int(data["duplicates"])
    if lines != len(parts) + len(rejected) + duplicates:
        raise ValueError("counts that do not add up")
    return IntakeParse(parts, rejected, lines, duplicates, data.get("encoding"))


def _child(argv: list[str]) -> int:
    """In the child: limit this process, read the file from stdin, answer JSON on stdout."""
    import resource

    suffix, max_parts, memory_bytes, cpu_seconds = argv[0], int(argv[1]), int(argv[2]), int(argv[3])
    for limit, value in (
        (resource.RLIMIT_AS, memory_bytes),
        (resource.RLIMIT_CPU, cpu_seconds),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_FSIZE, 0),
    ):
        resource.setrlimit(limit, (value, value))
    content = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    try:
        parsed = parse_intake_file(f"file{suffix}", content, max_parts=max_parts)
        answer = {
            "parts": parsed.part_numbers,
            "rejected": [(r.line, r.value, r.reason) for r in parsed.rejected],
            "lines": parsed.lines,
            "duplicates": parsed.duplicates,
            "encoding": parsed.encoding,
        }
    except FileRejected as exc:
        answer = {"refused": str(exc)}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
