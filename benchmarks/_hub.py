"""Benchmark harness: the Boeing sandbox and `dagster dev` on a throwaway DAGSTER_HOME, driven as a user drives the hub.

    with ExitStack() as stack:
        code = snapshot_code(tmp)   # optional: processes started in it import a copy taken now, so a run
                                    # launched 15 minutes in never imports a file someone is half-way through editing
        sandbox = start_sandbox(stack, tmp, rate_per_min=12, code=code)
        hub = start_hub(stack, tmp, sandbox, rate_per_min=12, code=code)  # scripts/hub's env, the repo's dagster.yaml
        hub.add_parts(parts); backfill_id = hub.launch_backfill(parts, "title")

Every process starts in a session of its own and is stopped by process group (SIGINT, then
SIGTERM, then SIGKILL) when the stack unwinds, however it unwinds: an error, Ctrl-C, or SIGTERM
(call `stop_on_sigterm()` once). Run processes the daemon launches live in `dagster dev`'s group.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PLANNED_EVENTS_ENV = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"
EXTRACTION_ASSETS = ("boeing_raw_responses", "staged_products")
DAEMONS = {"SENSOR", "BACKFILL", "QUEUED_RUN_COORDINATOR"}

WORKSPACE_QUERY = """query { workspaceOrError { __typename ... on Workspace { locationEntries {
  name loadStatus locationOrLoadError { __typename ... on PythonError { message } } } } } }"""
DAEMONS_QUERY = "query { instance { daemonHealth { allDaemonStatuses { daemonType healthy required } } } }"
LAUNCH_BACKFILL = """mutation($params: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: $params) {
  __typename ... on LaunchBackfillSuccess { backfillId } ... on Error { message } } }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate: Callable[[], object], timeout: float, what: str, every: float = 1.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def snapshot_code(tmp: Path) -> Path:
    """Copy the package, pyproject.toml (its [tool.dg] names defs/), workspace.yaml and dagster.yaml to
    `tmp/code`. Processes started there import the copy: their working directory comes first on
    sys.path, the editable install's finder last."""
    code = tmp / "code"
    shutil.copytree(
        ROOT / "boeinghub_dagster", code / "boeinghub_dagster", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "workspace.yaml", "dagster.yaml"):
        shutil.copy(ROOT / name, code / name)
    return code


@contextmanager
def benchmark_dir(prefix: str, keep: bool) -> Iterator[Path]:
    """A benchmark's temporary directory: removed after a clean run, kept (and named) after a failure or --keep.
    Ctrl-C and a server that stops answering end the benchmark with one line, after its processes stopped."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    ok = False
    try:
        yield tmp
        ok = True
    except KeyboardInterrupt:
        sys.exit("interrupted: every process the benchmark started has been stopped")
    except httpx.HTTPError as exc:
        sys.exit(f"benchmark failed talking to a server: {exc}")
    finally:
        if ok and not keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept {tmp}", file=sys.stderr)


def stop_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so every `finally` and ExitStack callback still runs."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


class Group:
    """One command in a new session; `stop()` ends its whole process group and reaps the leader."""

    def __init__(self, cmd: list[str], log: Path, **kwargs):
        self.log = log
        self._out = open(log, "ab")
        self.proc = subprocess.Popen(cmd, stdout=self._out, stderr=subprocess.STDOUT, start_new_session=True, **kwargs)
        self.pgid = self.proc.pid

    def _alive(self) -> bool:
        self.proc.poll()  # reap the leader, or its zombie keeps the group "alive"
        try:
            os.killpg(self.pgid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True

    def stop(self, grace: float = 20.0) -> None:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup short
        try:
            for sig, wait in ((signal.SIGINT, grace), (signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
                if not self._alive():
                    break
                try:
                    os.killpg(self.pgid, sig)
                except ProcessLookupError:
                    break
                deadline = time.monotonic() + wait
                while self._alive() and time.monotonic() < deadline:
                    time.sleep(0.2)
        finally:
            self._out.close()
            signal.signal(signal.SIGINT, previous)


class Sandbox:
    def __init__(self, url: str):
        self.url = url

    def stats(self) -> dict:
        return httpx.get(f"{self.url}/_stats", timeout=10).json()

    def reset(self) -> None:
        """Zero the counters and refill the bucket (knobs stay)."""
        httpx.post(f"{self.url}/_admin/reset", timeout=10).raise_for_status()


def start_sandbox(
    stack: ExitStack, tmp: Path, rate_per_min: float, burst: int = 2, log: str = "sandbox.log", code: Path = ROOT
) -> Sandbox:
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "boeinghub_dagster.sandbox",
        "boeing",
        "--port",
        str(port),
        "--rate-per-min",
        f"{rate_per_min:g}",
        "--burst",
        str(burst),
    ]
    group = Group(cmd, tmp / log, cwd=code)
    stack.callback(group.stop, 5.0)
    sandbox = Sandbox(f"http://127.0.0.1:{port}")

    def up() -> bool:
        if group.proc.poll() is not None:
            raise RuntimeError(f"the sandbox exited; see {group.log}")
        try:
            return sandbox.stats() is not None
        except httpx.HTTPError:
            return False

    wait_until(up, 120, "the Boeing sandbox", every=0.1)  # python + imports: slow on a busy machine
    return sandbox


class Hub:
    """`dagster dev` over a temporary DAGSTER_HOME (the repo's dagster.yaml), SQLite store and inbox."""

    def __init__(self, tmp: Path, sandbox: Sandbox, rate_per_min: float, code: Path = ROOT):
        self.tmp, self.code, self.home, self.inbox = tmp, code, tmp / "dagster_home", tmp / "inbox"
        self.home.mkdir(parents=True)
        self.inbox.mkdir()
        shutil.copy(code / "dagster.yaml", self.home / "dagster.yaml")
        self.database_url = f"sqlite:///{tmp / 'store.db'}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / "dagster-dev.log"
        base = sandbox.url
        self.env = {
            **os.environ,
            "DAGSTER_HOME": str(self.home),
            "BOEINGHUB_DATABASE_URL": self.database_url,
            "BOEINGHUB_INBOX": str(self.inbox),
            "BOEING_RATE_PER_MIN": f"{rate_per_min:g}",
            PLANNED_EVENTS_ENV: "1",
            "BOEING_OAUTH_TOKEN_URL": f"{base}/oauth/token",
            "BOEING_PNA_OAUTH_URL": f"{base}/pna/oauth",
            "BOEING_PNA_PRICE_URL": f"{base}/pna/price",
            "BOEING_CLIENT_ID": "sandbox-client",
            "BOEING_CLIENT_SECRET": "sandbox-secret",
            "BOEING_USERNAME": "sandbox-user",
            "BOEING_PASSWORD": "sandbox-pass",
            "BOEING_SCOPE": "api://boeing-pna/.default",
        }
        for name in (
            "BOEING_BATCH_SIZE",
            "INTAKE_CHUNK_PARTS",
            "DAGSTER_PG_URL",
        ):  # the benchmark's figures assume defaults
            self.env.pop(name, None)

    @cached_property
    def store(self):
        from boeinghub_dagster.resources.store import StoreResource

        return StoreResource(database_url=self.database_url)

    @cached_property
    def instance(self):
        import dagster as dg

        return dg.DagsterInstance.from_config(str(self.home))

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        r = httpx.post(f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, timeout=300)
        r.raise_for_status()
        body = r.json()
        if body.get("errors"):
            raise RuntimeError(f"GraphQL errors: {body['errors']}")
        return body["data"]

    def _ready(self, group: Group) -> bool:
        if group.proc.poll() is not None:
            raise RuntimeError(f"dagster dev exited; see {self.log}")
        try:
            entries = self.graphql(WORKSPACE_QUERY)["workspaceOrError"].get("locationEntries") or []
            if not entries or any(e["loadStatus"] != "LOADED" for e in entries):
                return False
            broken = [
                e["locationOrLoadError"] for e in entries if e["locationOrLoadError"]["__typename"] == "PythonError"
            ]
            if broken:
                raise RuntimeError(f"code location failed to load: {broken[0].get('message')}")
            statuses = self.graphql(DAEMONS_QUERY)["instance"]["daemonHealth"]["allDaemonStatuses"]
            return DAEMONS <= {s["daemonType"] for s in statuses if s["healthy"]}
        except httpx.HTTPError:
            return False

    def add_parts(self, parts: list[str]) -> None:
        """Register part numbers as `part_numbers` partitions, in this order (chunked: dagster #16260)."""
        for start in range(0, len(parts), 500):
            self.instance.add_dynamic_partitions("part_numbers", parts[start : start + 500])

    def launch_backfill(self, parts: list[str], title: str) -> str:
        """What the UI's *Materialize selected* sends: an asset backfill of both extraction assets."""
        params = {"partitionNames": parts, "assetSelection": [{"path": [a]} for a in EXTRACTION_ASSETS], "title": title}
        result = self.graphql(LAUNCH_BACKFILL, {"params": params})["launchPartitionBackfill"]
        if result["__typename"] != "LaunchBackfillSuccess":
            raise RuntimeError(f"launchPartitionBackfill: {result['__typename']}: {result.get('message')}")
        return result["backfillId"]

    def run_records(self, since: float, keep: Callable[[object], bool] = lambda r: True) -> list:
        import dagster as dg

        created_after = datetime.fromtimestamp(since - 1, UTC)
        records = self.instance.get_run_records(filters=dg.RunsFilter(created_after=created_after))
        return [r for r in records if keep(r)]

    def drop_files(self, files: dict[str, str]) -> None:
        """Write each file as a dotfile (ignored by the sensor), then rename it into place: all land at once."""
        for name, text in files.items():
            (self.inbox / f".{name}").write_text(text)
        for name in files:
            os.replace(self.inbox / f".{name}", self.inbox / name)


def start_hub(
    stack: ExitStack,
    tmp: Path,
    sandbox: Sandbox,
    rate_per_min: float,
    code: Path = ROOT,
    timeout: float = 300,
    env: dict[str, str] | None = None,
) -> Hub:
    """`env` adds to (or overrides) what the hub's processes see, e.g. the Shopify sandbox's SHOPIFY_* variables."""
    hub = Hub(tmp, sandbox, rate_per_min, code)
    hub.env.update(env or {})
    hub.store.engine()  # migrate the store before any Dagster process touches it
    cmd = [str(BIN / "dagster"), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(hub.port)]
    group = Group(cmd, hub.log, cwd=code, env=hub.env)
    stack.callback(group.stop)
    wait_until(lambda: hub._ready(group), timeout, "dagster dev (code location loaded, daemons healthy)", every=2.0)
    return hub
