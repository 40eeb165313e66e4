"""Extraction benchmark: how fast the hub asks Boeing, and how full its calls are.

    .venv/bin/python benchmarks/extraction.py [--shapes raised,one-run,backfill,files] [--one-run-parts 2000]
        [--parts 2000] [--api-seconds 60] [--rate-per-min 12] [--database-url URL] [--live-code] [--keep]

raised    --parts in one in-process run, sandbox and limiter raised so the API phase lasts about
          --api-seconds: efficiency, 429s, wall ÷ API phase (first to last call, as the sandbox saw
          them), orchestration ms/part against Dagster's floor (a trivial asset over the same range).
one-run   --one-run-parts contiguous parts as one backfill (one run), as *Materialize selected* does;
backfill  200 scattered parts of 600 registered, through GraphQL `launchPartitionBackfill`
          (Dagster makes one run per contiguous range);
files     20 intake files of 7 new parts each, dropped into the inbox together.
The last three run through `dagster dev` (real daemon and sensors, the repo's dagster.yaml, a
temporary DAGSTER_HOME, store and inbox) with sandbox and limiter at --rate-per-min (12), so waiting
for a slot is real: call fill = parts asked ÷ (calls × 10) from the sandbox's counters, calls, 429s,
over-limit calls, runs, and where the wall time went. The default is full size: the 2,000-part run
alone needs about 17 minutes of Boeing time at 12/min.
"""

import argparse
import math
import os
import resource
import sys
import time
from contextlib import ExitStack
from pathlib import Path

os.environ.setdefault("DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS", "1")  # as every hub process runs (scripts/hub)
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import dagster as dg  # noqa: E402
from _extraction_daemon import BATCH, daemon_shapes  # noqa: E402
from _hub import benchmark_dir, start_sandbox, stop_on_sigterm  # noqa: E402

from boeinghub_dagster.defs.extraction.assets import extraction  # noqa: E402
from boeinghub_dagster.defs.partitions import part_numbers  # noqa: E402
from boeinghub_dagster.resources.boeing import BoeingResource  # noqa: E402
from boeinghub_dagster.resources.store import StoreResource  # noqa: E402

SHAPES = ("raised", "one-run", "backfill", "files")


@dg.asset(partitions_def=part_numbers, backfill_policy=dg.BackfillPolicy.single_run())
def trivial_floor(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"parts": len(context.partition_keys)})


def _range_tags(keys: list[str]) -> dict[str, str]:
    return {"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}


def _print_rows(rows: list[tuple[str, object]]) -> None:
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}", flush=True)


def raised(args, tmp: Path, stack: ExitStack) -> None:
    """One in-process run at a raised rate: is the API phase the only thing that takes time?"""
    calls = math.ceil(args.parts / BATCH)
    rate = 60.0 * max(calls - 1, 1) / args.api_seconds
    sandbox = start_sandbox(stack, tmp, rate, log="raised-sandbox.log")
    url = sandbox.url
    store = StoreResource(database_url=args.database_url or f"sqlite:///{tmp / 'raised-store.db'}")
    boeing = BoeingResource(
        client_id="sandbox-client",
        client_secret="sandbox-secret",
        username="sandbox-user",
        password="sandbox-pass",
        oauth_token_url=f"{url}/oauth/token",
        pna_oauth_url=f"{url}/pna/oauth",
        pna_price_url=f"{url}/pna/price",
        store=store,
        rate_per_min=rate,
        batch_size=BATCH,
    )
    store.engine()
    parts = [f"BACB30LH{i}-{i % 9 + 2}" for i in range(args.parts)]
    (tmp / "raised-home").mkdir()
    (tmp / "raised-home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    instance = dg.DagsterInstance.from_config(str(tmp / "raised-home"))
    for start in range(0, len(parts), 1000):  # chunked: dagster #16260
        instance.add_dynamic_partitions(part_numbers.name, parts[start : start + 1000])

    started = time.time()
    result = dg.materialize(
        [extraction], instance=instance, resources={"store": store, "boeing": boeing}, tags=_range_tags(parts)
    )
    ended = time.time()
    assert result.success
    check = next(e for e in result.get_asset_check_evaluations() if e.check_name == "raw_answers_cover_parts_asked")
    dispatcher = check.metadata[
        "dispatch_seconds"
    ].value  # the run's own sum: limiter waits + calls, gaps between them left out
    stats = sandbox.stats()
    wall, first, last = ended - started, stats["first_price_call_at"], stats["last_price_call_at"]
    api = last - first  # the API phase as Boeing sees it: first call to last call
    floor_started = time.monotonic()
    assert dg.materialize([trivial_floor], instance=instance, tags=_range_tags(parts)).success
    floor = time.monotonic() - floor_started

    minimum = (stats["price_calls"] - 1) * 60.0 / rate
    orchestration_ms, floor_ms = (wall - api) * 1000 / args.parts, floor * 1000 / args.parts
    print(f"\n== raised rate: {args.parts} parts in one in-process run ==")
    _print_rows(
        [
            ("parts", args.parts),
            ("calls", stats["price_calls"]),
            (
                "call fill (parts asked ÷ (calls × 10))",
                f"{stats['codes_requested'] / (stats['price_calls'] * BATCH):.3f}",
            ),
            ("rate limit (calls/min)", f"{rate:.1f}"),
            ("API phase s (first to last call, at the sandbox)", f"{api:.2f}"),
            ("dispatcher s (run's dispatch_seconds: slot waits + calls)", f"{dispatcher:.2f}"),
            ("minimum s the rate limit allows", f"{minimum:.2f}"),
            ("efficiency (target >= 0.97)", f"{minimum / api:.3f}"),
            ("429s received (target 0)", stats["responses_429"]),
            ("over-limit calls at the sandbox", stats["over_limit"]),
            ("wall s", f"{wall:.2f}"),
            ("  before the first call s", f"{first - started:.2f}"),
            ("  after the last call s", f"{ended - last:.2f}"),
            ("wall ÷ API phase (target <= 1.10)", f"{wall / api:.2f}"),
            ("orchestration ms/part beyond the API phase", f"{orchestration_ms:.1f}"),
            ("Dagster floor ms/part (trivial asset, same range)", f"{floor_ms:.1f}"),
            ("ratio (target <= 1.5)", f"{orchestration_ms / floor_ms:.2f}"),
            ("peak RSS MB", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}"),
        ]
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shapes", default=",".join(SHAPES), help=f"comma-separated, of {', '.join(SHAPES)}")
    ap.add_argument("--parts", type=int, default=2000, help="raised: parts in the run")
    ap.add_argument("--api-seconds", type=float, default=60.0, help="raised: target length of the API phase")
    ap.add_argument("--database-url", default=None, help="raised: store URL (default: a fresh SQLite file)")
    ap.add_argument("--rate-per-min", type=float, default=12.0, help="daemon shapes: sandbox and limiter rate")
    ap.add_argument("--one-run-parts", type=int, default=2000)
    ap.add_argument("--backfill-parts", type=int, default=200)
    ap.add_argument("--backfill-registered", type=int, default=600)
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--parts-per-file", type=int, default=7)
    ap.add_argument(
        "--live-code", action="store_true", help="daemon shapes: run the working tree, not a snapshot of it"
    )
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (DAGSTER_HOME, logs, store)")
    args = ap.parse_args()
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    unknown = sorted(set(shapes) - set(SHAPES))
    if unknown:
        ap.error(f"unknown shapes: {', '.join(unknown)}")
    stop_on_sigterm()
    with benchmark_dir("boeinghub-bench-", args.keep) as tmp:
        with ExitStack() as stack:  # every process started below is stopped when this block ends
            if "raised" in shapes:
                raised(args, tmp, stack)
        daemon = [s for s in SHAPES[1:] if s in shapes]
        if daemon:
            with ExitStack() as stack:
                daemon_shapes(args, daemon, tmp, stack)


if __name__ == "__main__":
    main()
