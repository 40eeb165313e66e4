"""The whole hub as separate processes, as `scripts/hub` runs it: Boeing sandbox, Shopify sandbox,
image files server and `dagster dev` (webserver + daemon) on a temporary DAGSTER_HOME, store and inbox.

Built on the benchmarks' shared harness (`benchmarks/_hub.py`: process groups, readiness, the
hub's environment); this module adds the Shopify sandbox, the files server and the publishing
environment. Every process is stopped by process group when the ExitStack unwinds, however it
unwinds (pytest failure, error, Ctrl-C).

    with ExitStack() as stack:
        hub = start_publishing_hub(stack, tmp, boeing_rate=60)
        hub.drop_publish_file("parts.txt", parts)
"""

from __future__ import annotations

import json
import math
import os
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from boeinghub_dagster.sandbox.shopify import DEFAULT_ACCESS_TOKEN
from boeinghub_dagster_tests.support.hub_harness import harness, snapshot_code  # noqa: F401 - benchmarks use them
from boeinghub_dagster_tests.support.locations import LOCATION_MAP as SANDBOX_LOCATION_MAP
from boeinghub_dagster_tests.support.sandboxes import BoeingSandbox, ShopifySandbox
from boeinghub_dagster_tests.support.waiting import free_port, serve_sandbox, wait_until  # noqa: F401 - as above

ROOT = Path(__file__).resolve().parents[2]
BATCH = 10  # parts per Boeing call (BOEING_BATCH_SIZE default)


def start_shopify(stack: ExitStack, tmp: Path, code: Path = ROOT, **flags) -> ShopifySandbox:
    """The Shopify sandbox over `tmp/shop.db`; `flags` are its CLI knobs (bucket_size=2000, …)."""
    port = free_port()
    args = ["shopify", "--port", str(port), "--db", str(tmp / "shop.db")]
    for name, value in flags.items():
        args += [f"--{name.replace('_', '-')}", str(value)]
    url = f"http://127.0.0.1:{port}"
    serve_sandbox(stack, tmp, args, "shopify.log", f"{url}/_stats", code)
    return ShopifySandbox(url, DEFAULT_ACCESS_TOKEN)


def start_files(stack: ExitStack, tmp: Path, root: Path, code: Path = ROOT) -> str:
    """The files server publishing the local object store `root` (the sandbox fetches images from it)."""
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    serve_sandbox(stack, tmp, ["files", "--port", str(port), "--root", str(root)], "files.log", url, code)
    return url


@dataclass
class PublishingHub:
    hub: object  # benchmarks/_hub.py Hub: instance, store, inbox, run_records, graphql
    boeing: BoeingSandbox
    shopify: ShopifySandbox

    def drop_publish_file(self, name: str, parts: list[str]) -> float:
        """Write `inbox/publish/<name>` atomically (dotfile, then rename); return the drop time (epoch s)."""
        folder = Path(self.hub.inbox) / "publish"
        folder.mkdir(exist_ok=True)
        (folder / f".{name}").write_text("\n".join(parts) + "\n")
        dropped = time.time()
        os.replace(folder / f".{name}", folder / name)
        return dropped

    def products(self) -> dict[str, int]:
        """Shopify sandbox: products per `custom.boeing_part_number` value."""
        return self.shopify.stats()["products_per_part_number"]

    def staged(self, parts: list[str]) -> dict[str, str]:
        """part -> staging status, for those of `parts` that are staged."""
        return {r["part_number"]: r["status"] for r in self.hub.store.staging().rows(parts)}


def start_publishing_hub(
    stack: ExitStack,
    tmp: Path,
    boeing_rate: float,
    code: Path = ROOT,
    shopify_flags: dict | None = None,
    env: dict | None = None,
    timeout: float = 300,
) -> PublishingHub:
    """Both sandboxes, the files server and `dagster dev` with the environment `scripts/hub` sets."""
    boeing = harness.start_sandbox(stack, tmp, boeing_rate, code=code)
    shopify = start_shopify(stack, tmp, code=code, **(shopify_flags or {}))
    images = tmp / "images"
    files_url = start_files(stack, tmp, images, code=code)
    hub_env = {
        "SHOPIFY_SHOP_URL": shopify.url,
        "SHOPIFY_ACCESS_TOKEN": shopify.token,
        "SHOPIFY_LOCATION_MAP": json.dumps(SANDBOX_LOCATION_MAP),
        "BOEINGHUB_STORAGE": "local",
        "BOEINGHUB_IMAGES_DIR": str(images),
        "BOEINGHUB_IMAGES_BASE_URL": files_url,
        **(env or {}),
    }
    hub = harness.start_hub(stack, tmp, boeing, boeing_rate, code=code, timeout=timeout, env=hub_env)
    return PublishingHub(hub, BoeingSandbox(boeing.url, boeing_rate), shopify)


def calls_for(parts: int) -> int:
    return math.ceil(parts / BATCH)
