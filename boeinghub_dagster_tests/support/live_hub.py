"""The whole hub as `scripts/hub` runs it, for browser and production-shape tests.

Boeing sandbox, Shopify sandbox, image files server and `dagster dev` (webserver + daemon) on a
temporary DAGSTER_HOME holding one of the repo's instance files: `dagster.yaml` (SQLite) or
`deploy/dagster.postgres.yaml` (dagster-postgres, with the hub's store on the same server).
Credentials are parameters, so a test can use values no other string could match by accident.

Every process runs a snapshot of the code (`snapshot_code`) in a session of its own and is
stopped by process group when the ExitStack unwinds, however it unwinds. What a test holds of the
hub is `live_hub_handle.LiveHub`; the production shape's processes start in `live_hub_separate.py`.

    with ExitStack() as stack:
        hub = start_live_hub(stack, tmp, boeing_rate=600)
        hub.drop("parts.txt", ["BACB30LH3-4"])
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from contextlib import ExitStack, contextmanager
from pathlib import Path

from boeinghub_dagster.instance import dagster_pg_url
from boeinghub_dagster_tests.support.hub_harness import load_harness
from boeinghub_dagster_tests.support.live_hub_handle import LiveHub
from boeinghub_dagster_tests.support.live_hub_separate import start_separate
from boeinghub_dagster_tests.support.locations import LOCATION_MAP
from boeinghub_dagster_tests.support.postgres import create_database
from boeinghub_dagster_tests.support.sandboxes import BoeingSandbox, ShopifySandbox
from boeinghub_dagster_tests.support.waiting import serve_sandbox

ROOT = Path(__file__).resolve().parents[2]
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
        group = start_separate(stack, hub, code, port)
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
