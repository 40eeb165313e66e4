"""One inbox-sensor tick over a 50,000-line file, against a real instance and store.

    .venv/bin/python benchmarks/intake_sensor.py [--lines 50000] [--database-url URL]

Prints the seconds of the tick that takes the file (parse, sha256, record the batch
and its parts, move the file, plan the run) against the 60 s sensor timeout, and the
seconds the daemon then spends adding the new partitions in chunks.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import dagster as dg  # noqa: E402

from boeinghub_dagster.defs.intake.sensors import inbox_sensor  # noqa: E402
from boeinghub_dagster.resources.inbox import InboxResource  # noqa: E402
from boeinghub_dagster.resources.store import StoreResource  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=50_000)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="boeinghub-sensor-bench-"))
    store = StoreResource(database_url=args.database_url or f"sqlite:///{tmp / 'store.db'}")
    store.engine()
    inbox = InboxResource(path=str(tmp / "inbox"))
    inbox.root()
    (tmp / "inbox" / "big.csv").write_text(
        "part_number\n" + "\n".join(f"BACB30LH{i}-{i % 9 + 2}" for i in range(args.lines)) + "\n"
    )
    (tmp / "home").mkdir()
    (tmp / "home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    instance = dg.DagsterInstance.from_config(str(tmp / "home"))
    resources = {"inbox": inbox, "store": store}

    first = inbox_sensor(dg.build_sensor_context(instance=instance, resources=resources))
    started = time.monotonic()
    result = inbox_sensor(dg.build_sensor_context(instance=instance, cursor=first.cursor, resources=resources))
    tick = time.monotonic() - started
    started = time.monotonic()
    for request in result.dynamic_partitions_requests:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
    adding = time.monotonic() - started
    print(f"lines                                   {args.lines}")
    print(f"runs requested                          {len(result.run_requests)}")
    print(f"partitions added                        {len(instance.get_dynamic_partitions('part_numbers'))}")
    print(f"tick seconds (sensor timeout 60)        {tick:.2f}")
    print(f"partition-add seconds (daemon, chunked) {adding:.2f}")


if __name__ == "__main__":
    main()
