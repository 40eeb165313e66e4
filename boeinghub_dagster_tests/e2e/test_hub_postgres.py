"""`./scripts/hub --postgres` end to end, through the script as an operator runs it (issue 10, item 1).

One real run: scripts/postgres starts a PostgreSQL server (as the `postgres` user when root) holding
the Dagster instance and the store; the script starts the sandboxes, migrates both schemas, then
`dagster code-server start`, `dagster-daemon` and `dagster-webserver` as three processes. The test
checks the UI answers GraphQL over the code server, the process tree, that a file dropped into the
inbox becomes a sensor-started run that succeeds with its rows in PostgreSQL, and that SIGINT to the
script's process group (what Ctrl-C sends) stops every process and frees every port.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil
import psycopg
import pytest

from boeinghub_dagster_tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
PG_BINARIES = shutil.which("pg_ctl") or glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PG_BINARIES, reason="no PostgreSQL server binaries (pg_ctl, initdb)"),
]

PORTS = (
    "BOEINGHUB_UI_PORT",
    "BOEINGHUB_PG_PORT",
    "BOEINGHUB_CODE_SERVER_PORT",
    "BOEINGHUB_SANDBOX_BOEING_PORT",
    "BOEINGHUB_SANDBOX_SHOPIFY_PORT",
    "BOEINGHUB_FILES_PORT",
)
PARTS = ["BACB30LH3-4", "MS20470AD4-6", "NAS1149F0363P"]  # ordinary catalogue parts: all three are staged
# Whatever points the hub at existing systems is dropped: the script must start everything itself.
OPERATOR_VARS = (
    "DAGSTER_PG_URL",
    "BOEINGHUB_DATABASE_URL",
    "BOEINGHUB_INBOX",
    "BOEING_PNA_PRICE_URL",
    "SHOPIFY_SHOP_URL",
    "BOEINGHUB_IMAGES_BASE_URL",
    "BOEINGHUB_IMAGES_DIR",
    "BOEINGHUB_STORAGE",
    "HUB_STORAGE",
    "BOEINGHUB_CODE_SERVER_HOST",
    "BOEING_RATE_PER_MIN",
    "SHOPIFY_LOCATION_MAP",
)
WORKSPACE = "{ workspaceOrError { ... on Workspace { locationEntries { name locationOrLoadError { __typename } } } } }"
RUNS = "{ runsOrError { ... on Runs { results { runId status jobName tags { key value } } } } }"


def free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


class Hub:
    """scripts/hub --postgres in a session of its own, on free ports and a temporary BOEINGHUB_DATA."""

    def __init__(self, data: Path):
        self.data = data
        self.ports = dict(zip(PORTS, free_ports(len(PORTS)), strict=False))
        self.env = {k: v for k, v in os.environ.items() if k not in OPERATOR_VARS}
        self.env.update({k: str(v) for k, v in self.ports.items()})
        self.env.update(BOEINGHUB_DATA=str(data), DAGSTER_HOME=str(data / "dagster_home"))
        self.log = data / "hub.log"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [str(ROOT / "scripts" / "hub"), "--postgres"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.url = f"http://127.0.0.1:{self.ports['BOEINGHUB_UI_PORT']}"

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-40:])

    def graphql(self, query: str) -> dict:
        r = httpx.post(f"{self.url}/graphql", json={"query": query}, timeout=30)
        r.raise_for_status()
        return r.json()["data"]

    def location_loaded(self) -> bool:
        assert self.proc.poll() is None, f"scripts/hub exited with {self.proc.returncode}:\n{self.tail()}"
        try:
            entries = self.graphql(WORKSPACE)["workspaceOrError"]["locationEntries"]
        except httpx.HTTPError:
            return False
        return [(e["name"], e["locationOrLoadError"]["__typename"]) for e in entries] == [
            ("boeinghub", "RepositoryLocation")
        ]

    def db_url(self, database: str) -> str:
        out = subprocess.run(
            [str(ROOT / "scripts" / "postgres"), "url", database],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        return out.stdout.strip()

    def postmaster(self) -> psutil.Process:
        pid, _data, _start, port = (self.data / "postgres" / "postmaster.pid").read_text().splitlines()[:4]
        assert int(port) == self.ports["BOEINGHUB_PG_PORT"]
        return psutil.Process(int(pid))

    def kill_leftovers(self) -> None:
        """After a failed assertion: the script's tree, group by group, then its PostgreSQL server."""
        try:
            tree = [psutil.Process(self.proc.pid), *psutil.Process(self.proc.pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            tree = []
        for p in tree:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        subprocess.run([str(ROOT / "scripts" / "postgres"), "stop"], env=self.env, capture_output=True, timeout=90)


def kind(p: psutil.Process) -> str:
    argv = " ".join(p.cmdline())
    for name in ("dagster-webserver", "dagster-daemon", "dagster code-server start", "dagster api grpc", "dagster dev"):
        if name in argv:
            return name
    return "sandbox" if "boeinghub_dagster.sandbox" in argv else argv


@pytest.fixture
def hub_data():
    data = Path(tempfile.mkdtemp(prefix="boeinghub-hub-pg-"))
    data.chmod(0o755)  # when root, the postgres user must be able to enter it (pytest's tmp dirs are 0700)
    yield data
    shutil.rmtree(data, ignore_errors=True)


def test_hub_postgres_runs_three_dagster_processes_a_sensor_run_succeeds_and_ctrl_c_stops_all(hub_data):
    started = time.monotonic()
    hub = Hub(hub_data)
    try:
        wait_until(hub.location_loaded, 300, "the code location", every=1)  # a fresh .venv install takes longer
        up_after = time.monotonic() - started

        # Three Dagster processes, each its own process group: no `dagster dev`, nothing loaded in-process.
        children = psutil.Process(hub.proc.pid).children()
        dagster = {kind(p): p for p in children if kind(p) != "sandbox"}
        assert sorted(dagster) == ["dagster code-server start", "dagster-daemon", "dagster-webserver"], [
            p.cmdline() for p in children
        ]
        assert [kind(p) for p in children].count("sandbox") == 3  # Boeing, Shopify, image files
        assert len({os.getpgid(p.pid) for p in dagster.values()}) == 3
        assert dagster["dagster-webserver"].children() == [] and dagster["dagster-daemon"].children() == []
        assert [kind(p) for p in dagster["dagster code-server start"].children()] == ["dagster api grpc"]
        assert "deploy/workspace.grpc.yaml" in dagster["dagster-webserver"].cmdline()

        # Plus one PostgreSQL server on the data dir, run by the postgres user when we are root.
        postmaster = hub.postmaster()
        assert str(hub_data / "postgres") in postmaster.cmdline()
        assert postmaster.username() == ("postgres" if os.geteuid() == 0 else psutil.Process().username())

        # The operator's path: a file dropped into the inbox becomes a sensor-started run.
        (hub_data / "parts.txt").write_text("\n".join(PARTS) + "\n")
        drop = subprocess.run(
            [
                sys.executable,
                "-m",
                "boeinghub_dagster",
                "intake",
                str(hub_data / "parts.txt"),
                "--inbox",
                str(hub_data / "inbox"),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert drop.returncode == 0, drop.stderr
        dropped = time.monotonic()

        def intake_run():
            runs = hub.graphql(RUNS)["runsOrError"]["results"]
            ours = [r for r in runs if {"key": "dagster/sensor_name", "value": "inbox_sensor"} in r["tags"]]
            assert all(r["status"] not in ("FAILURE", "CANCELED") for r in ours), f"{ours}\n{hub.tail()}"
            return [r for r in ours if r["status"] == "SUCCESS"]

        [run] = wait_until(intake_run, 240, "the intake run", every=1)
        run_after = time.monotonic() - dropped
        assert run["jobName"] == "extraction_job"

        # Both live in PostgreSQL: the run in the instance's database, the staged rows in the store's.
        with psycopg.connect(hub.db_url("dagster")) as conn:
            assert conn.execute("SELECT status FROM runs WHERE run_id = %s", [run["runId"]]).fetchone() == ("SUCCESS",)
        with psycopg.connect(hub.db_url("boeinghub")) as conn:
            rows = conn.execute(
                "SELECT part_number, status, run_id FROM product_staging ORDER BY part_number"
            ).fetchall()
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]  # migrated on start
        assert rows == [(p, "fetched", run["runId"]) for p in sorted(PARTS)]

        # Ctrl-C: SIGINT to the script's process group. Everything it started stops; every port is free.
        tree = [psutil.Process(hub.proc.pid), *psutil.Process(hub.proc.pid).children(recursive=True)]
        pg_tree = [postmaster, *postmaster.children()]
        masks = [line for line in Path(f"/proc/{hub.proc.pid}/status").read_text().splitlines() if "Sig" in line]
        interrupted = time.monotonic()
        os.killpg(hub.proc.pid, signal.SIGINT)
        try:  # up to 12 s a process group on a busy machine, then PostgreSQL's fast shutdown
            code = hub.proc.wait(timeout=240)
        except subprocess.TimeoutExpired:
            pytest.fail(f"scripts/hub still running 240 s after SIGINT ({masks}); its log ends:\n{hub.tail()}")
        assert code == 130, hub.tail()
        stop_after = time.monotonic() - interrupted
        _gone, alive = psutil.wait_procs(tree + pg_tree, timeout=10)
        assert alive == [], [p.cmdline() for p in alive]
        busy = [name for name, port in hub.ports.items() if not port_free(port)]
        assert busy == [], hub.tail()
        log = hub.log.read_text(errors="replace")
        assert "stopping the hub" in log and "PostgreSQL stopped" in log
        # Each group stopped on its SIGINT: one that ignored it is SIGKILLed after 12 s and bash reports
        # "<pid> Killed  setsid …" (Dagster processes started from a script inherit SIGINT ignored).
        assert " Killed " not in log, hub.tail()
        assert stop_after < 60, f"stopping took {stop_after:.1f}s\n{hub.tail()}"
        print(
            f"\nhub --postgres: UI up {up_after:.1f}s, sensor run SUCCESS {run_after:.1f}s after the drop, "
            f"stopped {stop_after:.1f}s after SIGINT"
        )
    finally:
        if hub.proc.poll() is None:
            hub.kill_leftovers()


def test_scripts_postgres_initdb_once_password_only_and_data_kept_across_restarts(hub_data):
    port = free_ports(1)[0]
    env = {**os.environ, "BOEINGHUB_DATA": str(hub_data), "BOEINGHUB_PG_PORT": str(port)}

    def pg(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(ROOT / "scripts" / "postgres"), *args], env=env, capture_output=True, text=True, timeout=120
        )

    assert pg("status").returncode != 0 and pg("url").returncode != 0  # no server yet
    try:
        first = pg("start")
        assert first.returncode == 0 and "first use" in first.stderr, first.stderr
        url = pg("url", "boeinghub").stdout.strip()
        password = (hub_data / "postgres.password").read_text()
        assert url == f"postgresql://postgres:{password}@127.0.0.1:{port}/boeinghub"
        assert (hub_data / "postgres.password").stat().st_mode & 0o777 == 0o600
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE kept (v text)")
            conn.execute("INSERT INTO kept VALUES ('across restarts')")
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(url.replace(password, "wrong"), connect_timeout=10)
        assert pg("start").stderr.startswith("PostgreSQL already running")  # idempotent

        assert pg("stop").returncode == 0
        assert pg("status").returncode != 0 and port_free(port)
        again = pg("start")
        assert again.returncode == 0 and "first use" not in again.stderr, again.stderr
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT v FROM kept").fetchall() == [("across restarts",)]
        with psycopg.connect(pg("url", "dagster").stdout.strip()) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == ("dagster",)
    finally:
        pg("stop")
    assert port_free(port) and not (hub_data / "postgres" / "postmaster.pid").exists()
