"""Extraction benchmark: N parts through the Boeing sandbox (raised rate) into staging, in one run.

    .venv/bin/python benchmarks/extraction.py [--parts 2000] [--api-seconds 60] [--database-url URL]

Prints the API phase against the minimum the rate limit allows (efficiency), 429s,
wall time, orchestration ms per part beyond the API phase, and Dagster's own
floor measured in the same process: a trivial asset over the same partition range.
"""


import argparse
import math
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import dagster as dg  # noqa: E402
import httpx  # noqa: E402

from boeinghub_dagster.defs.extraction.assets import extraction  # noqa: E402
from boeinghub_dagster.defs.partitions import part_numbers  # noqa: E402
from boeinghub_dagster.resources.boeing import BoeingResource  # noqa: E402
from boeinghub_dagster.resources.store import StoreResource  # noqa: E402

BATCH = 10


@dg.asset(partitions_def=part_numbers, backfill_policy=dg.BackfillPolicy.single_run())
def trivial_floor(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"parts": len(context.partition_keys)})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _range_tags(keys: list[str]) -> dict[str, str]:
    return {"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--parts", type=int, default=2000)
    ap.add_argument("--api-seconds", type=float, default=60.0, help="target length of the API phase")
    ap.add_argument("--database-url", default=None, help="store URL (default: a fresh SQLite file)")
    args = ap.parse_args()

    calls = math.ceil(args.parts / BATCH)
    rate = 60.0 * max(calls - 1, 1) / args.api_seconds
    tmp = Path(tempfile.mkdtemp(prefix="boeinghub-bench-"))
    port = _free_port()
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "boeinghub_dagster.sandbox", "boeing", "--port", str(port), "--rate-per-min", str(rate), "--burst", "2"]
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{url}/_stats", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        store = StoreResource(database_url=args.database_url or f"sqlite:///{tmp / 'store.db'}")
        boeing = BoeingResource(
            client_id="sandbox-client", client_secret="sandbox-secret", username="sandbox-user", password="sandbox-pass",
            oauth_token_url=f"{url}/oauth/token", pna_oauth_url=f"{url}/pna/oauth", pna_price_url=f"{url}/pna/price",
            store=store, rate_per_min=rate, batch_size=BATCH,
        )
        store.engine()
        parts = [f"BACB30LH{i}-{i % 9 + 2}" for i in range(args.parts)]
        (tmp / "home").mkdir()
        (tmp / "home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        instance = dg.DagsterInstance.from_config(str(tmp / "home"))
        for start in range(0, len(parts), 1000):  # chunked: dagster #16260
            instance.add_dynamic_partitions(part_numbers.name, parts[start : start + 1000])

        started = time.monotonic()
        result = dg.materialize(
            [extraction], instance=instance, resources={"store": store, "boeing": boeing},
            tags=_range_tags(parts),
        )
        wall = time.monotonic() - started
        assert result.success
        check = next(e for e in result.get_asset_check_evaluations() if e.check_name == "raw_answers_cover_parts_asked")
        api = check.metadata["api_seconds"].value
        stats = httpx.get(f"{url}/_stats").json()

        floor_started = time.monotonic()
        assert dg.materialize([trivial_floor], instance=instance, tags=_range_tags(parts)).success
        floor = time.monotonic() - floor_started
    finally:
        sandbox.terminate()
        sandbox.wait()

    minimum = (stats["price_calls"] - 1) * 60.0 / rate
    orchestration_ms = (wall - api) * 1000 / args.parts
    floor_ms = floor * 1000 / args.parts
    rows = [
        ("parts", args.parts),
        ("calls", stats["price_calls"]),
        ("rate limit (calls/min)", f"{rate:.1f}"),
        ("API phase s (first call to last answer)", f"{api:.2f}"),
        ("minimum s the rate limit allows", f"{minimum:.2f}"),
        ("efficiency (target >= 0.97)", f"{minimum / api:.3f}"),
        ("429s received (target 0)", stats["responses_429"]),
        ("over-limit calls at the sandbox", stats["over_limit"]),
        ("wall s", f"{wall:.2f}"),
        ("orchestration ms/part beyond the API phase", f"{orchestration_ms:.1f}"),
        ("Dagster floor ms/part (trivial asset, same range)", f"{floor_ms:.1f}"),
        ("ratio (target <= 1.5)", f"{orchestration_ms / floor_ms:.2f}"),
        ("peak RSS MB", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
