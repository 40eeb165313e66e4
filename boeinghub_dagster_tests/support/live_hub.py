"""The whole hub as `scripts/hub` runs it, for browser and production-shape tests.

Boeing sandbox, Shopify sandbox, image files server and `dagster dev` (webserver + daemon) on a
temporary DAGSTER_HOME holding one of the repo's instance files: `dagster.yaml` (SQLite) or
`deploy/dagster.postgres.yaml` (dagster-postgres, with the hub's store on the same server).
Credentials are parameters, so a test can use values no other string could match by accident.

Every process runs a snapshot of the code (`snapshot_code`) in a session of its own and is
stopped by process group when the ExitStack unwinds, however it unwinds.

    with ExitStack() as stack:
        hub = start_live_hub(stack, tmp, boeing_rate=600)
        hub.drop("parts.txt", ["BACB30LH3-4"])
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import httpx

from boeinghub_dagster.instance import dagster_pg_url
from boeinghub_dagster_tests.support.hub_harness import load_harness
from boeinghub_dagster_tests.support.locations import LOCATION_MAP
from boeinghub_dagster_tests.support.postgres import create_database
from boeinghub_dagster_tests.support.sandboxes import BoeingSandbox, ShopifySandbox
from boeinghub_dagster_tests.support.waiting import serve_sandbox, wait_until

ROOT = Path(__file__).resolve().parents[2]
LAUNCH_RUN = """mutation($params: ExecutionParams!) { launchRun(executionParams: $params) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } ... on Error { message } } }"""
SANDBOX_CREDENTIALS = {
    "client_id": "sandbox-client",
    "client_secret": "sandbox-secret",
    "username": "sandbox-user",
    "password": "sandbox-pass",
    "shopify_token": "shpat_sandbox_token",
}


def random_credentials() -> dict[str, str]:
    """Credential values no other string in the hub could contain by accident."""
    return {
        "client_id": "cid-" + secrets.token_hex(8),
        "client_secret": "csec-" + secrets.token_urlsafe(24),
        "username": "usr-" + secrets.token_hex(6),
        "password": "pw-" + secrets.token_urlsafe(24),
        "shopify_token": "shpat_" + secrets.token_hex(20),
    }


@dataclass
class LiveHub:
    tmp: Path
    url: str
    home: Path
    inbox: Path
    database_url: str
    boeing: BoeingSandbox
    shopify: ShopifySandbox
    credentials: dict[str, str]
    env: dict[str, str] = field(repr=False)
    dagster_pg_url: str | None = None
    instance_db_url: str | None = None  # the plain postgresql:// URL of the Dagster instance's database

    @cached_property
    def instance(self):
        import dagster as dg

        if self.dagster_pg_url:
            os.environ["DAGSTER_PG_URL"] = self.dagster_pg_url  # the instance file reads it, here too
        return dg.DagsterInstance.from_config(str(self.home))

    @cached_property
    def store(self):
        from boeinghub_dagster.resources.store import StoreResource

        return StoreResource(database_url=self.database_url)

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        r = httpx.post(f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, timeout=120)
        r.raise_for_status()
        body = r.json()
        if body.get("errors"):
            raise RuntimeError(f"GraphQL errors: {body['errors']}")
        return body["data"]

    def launch(self, params: dict) -> str:
        """`launchRun` as the UI sends it (ExecutionParams); the new run's id, once Dagster took it."""
        result = self.graphql(LAUNCH_RUN, {"params": params})["launchRun"]
        assert result["__typename"] == "LaunchRunSuccess", result
        return result["run"]["runId"]

    def launch_job(self, job: str, run_config: dict) -> str:
        """The launchpad's *Launch Run* of `job` with `run_config`; the new run's id."""
        return self.launch(
            {
                "selector": {"repositoryLocationName": "boeinghub", "repositoryName": "__repository__", "jobName": job},
                "runConfigData": run_config,
            }
        )

    def finished(self, run_id: str, timeout: float):
        """The run, once it has finished (whatever its status)."""
        return wait_until(
            lambda: (r := self.instance.get_run_by_id(run_id)) and r.is_finished and r,
            timeout,
            f"run {run_id} to finish",
            every=1.0,
        )

    def drop(self, name: str, parts: list[str], folder: str = "") -> float:
        """Write `inbox/<folder>/<name>` atomically (dotfile, then rename); return the drop time."""
        target = self.inbox / folder if folder else self.inbox
        target.mkdir(parents=True, exist_ok=True)
        (target / f".{name}").write_text("\n".join(parts) + "\n")
        dropped = time.time()
        os.replace(target / f".{name}", target / name)
        return dropped

    def runs(self, since: float, **tags: str) -> list:
        import dagster as dg

        after = datetime.fromtimestamp(since - 1, UTC)
        return list(self.instance.get_run_records(filters=dg.RunsFilter(created_after=after, tags=tags or None)))

    def issued_tokens(self) -> list[str]:
        """Every token the sandboxes handed out so far (`GET /_issued_tokens`)."""
        out = []
        for url in (self.boeing.url, self.shopify.url):
            r = httpx.get(f"{url}/_issued_tokens", timeout=10)
            r.raise_for_status()
            out += r.json()["tokens"]
        return out


def _base_env(tmp: Path, home: Path, inbox: Path, database_url: str, rate: float, creds: dict) -> dict[str, str]:
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "BOEINGHUB_DATABASE_URL": database_url,
        "BOEINGHUB_INBOX": str(inbox),
        "BOEING_RATE_PER_MIN": f"{rate:g}",
        "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS": "1",
        "BOEING_CLIENT_ID": creds["client_id"],
        "BOEING_CLIENT_SECRET": creds["client_secret"],
        "BOEING_USERNAME": creds["username"],
        "BOEING_PASSWORD": creds["password"],
        "BOEING_SCOPE": "api://boeing-pna/.default",
        "SHOPIFY_ACCESS_TOKEN": creds["shopify_token"],
        "SHOPIFY_LOCATION_MAP": json.dumps(LOCATION_MAP),
        "BOEINGHUB_STORAGE": "local",
        "BOEINGHUB_IMAGES_DIR": str(tmp / "images"),
    }
    for name in ("BOEING_BATCH_SIZE", "INTAKE_CHUNK_PARTS", "DAGSTER_PG_URL", "SYNC_MODE"):
        env.pop(name, None)
    return env


def start_live_hub(
    stack: ExitStack,
    tmp: Path,
    boeing_rate: float = 600,
    storage: str = "sqlite",
    pg_admin_url: str | None = None,
    credentials: dict | None = None,
    env: dict | None = None,
    boeing_flags: dict | None = None,
    timeout: float = 240,
    separate: bool = False,
) -> LiveHub:
    """`separate`: the production shape (code server, daemon, webserver as three process groups,
    `hub.groups`) instead of `dagster dev`."""
    h = load_harness()
    creds = credentials or SANDBOX_CREDENTIALS
    code = h.snapshot_code(tmp)
    home, inbox = tmp / "dagster_home", tmp / "inbox"
    home.mkdir(parents=True)
    inbox.mkdir()
    pg_url = instance_db = None
    if storage == "postgres":
        shutil.copy(ROOT / "deploy" / "dagster.postgres.yaml", home / "dagster.yaml")
        database_url = create_database(pg_admin_url)
        instance_db = create_database(pg_admin_url)
        pg_url = dagster_pg_url(instance_db)
    else:
        shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
        database_url = f"sqlite:///{tmp / 'store.db'}"

    boeing_port, shopify_port = h.free_port(), h.free_port()
    boeing_url, shopify_url = f"http://127.0.0.1:{boeing_port}", f"http://127.0.0.1:{shopify_port}"
    args = [
        "boeing",
        "--port",
        str(boeing_port),
        "--rate-per-min",
        f"{boeing_rate:g}",
        "--client-id",
        creds["client_id"],
        "--client-secret",
        creds["client_secret"],
        "--username",
        creds["username"],
        "--password",
        creds["password"],
    ]
    for name, value in (boeing_flags or {}).items():
        args += [f"--{name.replace('_', '-')}", str(value)]
    serve_sandbox(stack, tmp, args, "boeing.log", f"{boeing_url}/_stats", code)
    serve_sandbox(
        stack,
        tmp,
        [
            "shopify",
            "--port",
            str(shopify_port),
            "--db",
            str(tmp / "shop.db"),
            "--access-token",
            creds["shopify_token"],
        ],
        "shopify.log",
        f"{shopify_url}/_stats",
        code,
    )
    (tmp / "images").mkdir()
    files_port = h.free_port()
    files_url = f"http://127.0.0.1:{files_port}/"
    serve_sandbox(
        stack, tmp, ["files", "--port", str(files_port), "--root", str(tmp / "images")], "files.log", files_url, code
    )

    hub_env = _base_env(tmp, home, inbox, database_url, boeing_rate, creds)
    hub_env.update(
        BOEING_OAUTH_TOKEN_URL=f"{boeing_url}/oauth/token",
        BOEING_PNA_OAUTH_URL=f"{boeing_url}/pna/oauth",
        BOEING_PNA_PRICE_URL=f"{boeing_url}/pna/price",
        SHOPIFY_SHOP_URL=shopify_url,
        BOEINGHUB_IMAGES_BASE_URL=files_url,
        **(env or {}),
    )
    if pg_url:
        hub_env["DAGSTER_PG_URL"] = pg_url
    hub = LiveHub(
        tmp,
        f"http://127.0.0.1:{h.free_port()}",
        home,
        inbox,
        database_url,
        BoeingSandbox(boeing_url, boeing_rate),
        ShopifySandbox(shopify_url, creds["shopify_token"]),
        dict(creds),
        hub_env,
        pg_url,
        instance_db,
    )
    hub.log = tmp / "dagster-dev.log"
    hub.store.engine()  # migrate the store before any Dagster process touches it
    port = hub.url.rsplit(":", 1)[1]
    if separate:
        group = _start_separate(stack, hub, code, port)
    else:
        group = h.Group(
            [str(h.BIN / "dagster"), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", port],
            tmp / "dagster-dev.log",
            cwd=code,
            env=hub_env,
        )
        stack.callback(group.stop)
    ready = h.Hub._ready  # workspace loaded, sensor/backfill/run-queue daemons healthy
    h.wait_until(lambda: ready(hub, group), timeout, "dagster dev (code location loaded, daemons healthy)", every=1.0)
    stack.callback(lambda: hub.__dict__.get("instance") and hub.instance.dispose())
    hub.group = group
    return hub


def _start_separate(stack: ExitStack, hub: LiveHub, code: Path, port: str):
    """As `scripts/hub --postgres`: a gRPC code server, then dagster-daemon and dagster-webserver on it."""
    h = load_harness()
    shutil.copy(ROOT / "deploy" / "workspace.grpc.yaml", code / "workspace.grpc.yaml")
    code_port = h.free_port()
    hub.env.update(BOEINGHUB_CODE_SERVER_HOST="127.0.0.1", BOEINGHUB_CODE_SERVER_PORT=str(code_port))
    hub.groups = {
        "code": h.Group(
            [
                str(h.BIN / "dagster"),
                "code-server",
                "start",
                "-h",
                "127.0.0.1",
                "-p",
                str(code_port),
                "-m",
                "boeinghub_dagster.definitions",
                "-d",
                str(code),
                "--location-name",
                "boeinghub",
            ],
            hub.tmp / "code-server.log",
            cwd=code,
            env=hub.env,
        )
    }
    stack.callback(hub.groups["code"].stop)
    h.wait_until(lambda: _listening(code_port, hub.groups["code"]), 120, "the code server", every=0.5)
    start_daemon(stack, hub)
    hub.groups["webserver"] = h.Group(
        [str(h.BIN / "dagster-webserver"), "-w", "workspace.grpc.yaml", "-h", "127.0.0.1", "-p", port],
        hub.tmp / "webserver.log",
        cwd=code,
        env=hub.env,
    )
    stack.callback(hub.groups["webserver"].stop)
    return hub.groups["webserver"]


def _listening(port: int, group) -> bool:
    if group.proc.poll() is not None:
        raise RuntimeError(f"exited; see {group.log}")
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def start_daemon(stack: ExitStack, hub: LiveHub):
    """(Re)start `dagster-daemon run` of a `separate` hub, in a group of its own."""
    h = load_harness()
    hub.groups["daemon"] = h.Group(
        [str(h.BIN / "dagster-daemon"), "run", "-w", "workspace.grpc.yaml"],
        hub.tmp / "daemon.log",
        cwd=hub.tmp / "code",
        env=hub.env,
    )
    stack.callback(hub.groups["daemon"].stop)
    return hub.groups["daemon"]


_SHARED: dict = {}


@contextmanager
def shared_live_hub(tmp_factory, pg_admin_url: str, on_start=None):
    """One hub per test session for every module that asks (browser flows, secrets scan): PostgreSQL
    instance and store, random credentials. `on_start(hub)` runs once, right after it started."""
    if "hub" not in _SHARED:
        stack = ExitStack()
        try:
            hub = start_live_hub(
                stack,
                tmp_factory.mktemp("live-hub"),
                boeing_rate=600,
                storage="postgres",
                pg_admin_url=pg_admin_url,
                credentials=random_credentials(),
            )
            if on_start:
                on_start(hub)
        except BaseException:
            stack.close()
            raise
        _SHARED.update(hub=hub, stack=stack, users=0)
    _SHARED["users"] += 1
    try:
        yield _SHARED["hub"]
    finally:
        _SHARED["users"] -= 1
        if not _SHARED["users"]:
            _SHARED.pop("stack").close()
            _SHARED.clear()
