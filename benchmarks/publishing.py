"""Publishing benchmark (issues 8, 13): first product latency through the daemon, 1,000 parts against the bucket,
and the same against a sandbox that answers every call late (calls in flight).

    .venv/bin/python benchmarks/publishing.py [--shapes latency,bucket,inflight] [--parts 1000] [--keep]

latency  Boeing sandbox at the real 2 calls/min, Shopify sandbox, files server and `dagster dev`
         (webserver + daemon) on a temporary DAGSTER_HOME, store and inbox, with the env `scripts/hub`
         sets. A file dropped into `inbox/publish/`: seconds from the drop to the first product
         live in the shop (target <= 120 s), and where they went.
bucket   --parts parts staged in-process at a raised Boeing rate, then one in-process
         `shopify_products` run over their range against the Shopify sandbox (a process) at its
         default bucket (2,000 points, 100/s). Prints calls, points, THROTTLED answers (target 0),
         wall and API-phase seconds, the minimum the bucket allows, max(0, (points - 2000) / 100),
         efficiency = minimum / API phase (target >= 0.95), and orchestration ms per part
         ((wall - API phase) / parts) beside Dagster's floor: a trivial asset over the same range in
         the same instance (target <= 1.5x).
inflight --inflight-parts parts, published as in `bucket` once per --latencies value (default 0 and
         500 ms: the sandbox's `latency_ms` knob, what a real productSet costs), with the run's
         default SHOPIFY_PUBLISH_CONCURRENCY calls in flight. Prints calls, points, THROTTLED
         (target 0) and efficiency against the bucket (target >= 0.90 at both).
"""

import argparse
import os
import sys
import time
from contextlib import ExitStack
from pathlib import Path

os.environ.setdefault("DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS", "1")  # as every hub process runs (scripts/hub)
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from _publish_run import BUCKET, RESTORE, publish_run  # noqa: E402

from boeinghub_dagster.resources.settings import Limits  # noqa: E402
from boeinghub_dagster_tests.support.publish_hub import (  # noqa: E402
    calls_for,
    harness,
    snapshot_code,
    start_publishing_hub,
    wait_until,
)

SHAPES = ("latency", "bucket", "inflight")


def _rows(title: str, rows: list[tuple[str, object]]) -> None:
    print(f"\n== {title} ==")
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}", flush=True)


# -- latency: through the daemon at the real Boeing rate ---------------------------------------


def latency(args, tmp: Path, stack: ExitStack) -> None:
    code = ROOT if args.live_code else snapshot_code(tmp)
    started = time.monotonic()
    ph = start_publishing_hub(stack, tmp, boeing_rate=2, code=code)
    print(f"hub up in {time.monotonic() - started:.0f} s (log {ph.hub.log})", file=sys.stderr, flush=True)
    parts = [f"BACB30LT{i}-{i % 7 + 2}" for i in range(args.latency_parts)]
    dropped = ph.drop_publish_file("latency.txt", parts)

    def live():
        products = ph.products()
        return time.time() if products else None

    live_at = wait_until(live, args.latency_timeout, "the first product live", every=0.25)
    boeing, shop = ph.boeing.stats(), ph.shopify.stats()
    runs = sorted(ph.hub.run_records(dropped), key=lambda r: r.create_timestamp)

    def first(job: str, what: str) -> str:
        for r in runs:
            if r.dagster_run.job_name == job:
                at = r.create_timestamp.timestamp() if what == "created" else r.start_time
                return f"{at - dropped:.1f}" if at else "-"
        return "-"

    first_call = boeing.get("first_price_call_at")
    staged_at = ph.hub.store.staging().rows(parts)
    _rows(
        "latency: publish-intake drop to first product live, Boeing at the real 2 calls/min, through dagster dev",
        [
            ("parts in the file", len(parts)),
            (
                "Boeing calls the file needs (≈ min at 2/min)",
                f"{calls_for(len(parts))} (≈ {calls_for(len(parts)) / 2:.0f} min)",
            ),
            ("drop → extraction run created s", first("extraction_job", "created")),
            ("drop → extraction run started s", first("extraction_job", "started")),
            ("drop → first Boeing call s", f"{first_call - dropped:.1f}" if first_call else "-"),
            ("drop → first publish run created s", first("publish_job", "created")),
            ("drop → first publish run started s", first("publish_job", "started")),
            (
                "drop → first Shopify call s",
                f"{shop['first_call_at'] - dropped:.1f}" if shop.get("first_call_at") else "-",
            ),
            ("drop → first product live s (target <= 120)", f"{live_at - dropped:.1f}"),
            ("Boeing calls made by then", f"{boeing['price_calls']} of {calls_for(len(parts))}"),
            ("parts staged by then", len(staged_at)),
        ],
    )


def bucket(args, tmp: Path, stack: ExitStack) -> None:
    run = publish_run(args, tmp, stack, args.parts)
    stats, meta, parts = run.stats, run.meta, run.parts
    points, calls, per_part = stats["points_spent"], stats["calls"], stats["products_per_part_number"]
    first, last = stats["first_call_at"], stats["last_call_at"]
    orchestration_ms, floor_ms = (run.wall - run.api) * 1000 / parts, run.floor * 1000 / parts
    _rows(
        f"bucket: {parts} parts, one in-process shopify_products run, "
        f"sandbox bucket {BUCKET:g} points at {RESTORE:g}/s",
        [
            (
                "parts asked / published / blocked / failed (unknown to Boeing: not staged)",
                f"{meta['parts_asked']} / {meta['parts_published']} / {meta['parts_blocked']} / {meta['parts_failed']}",
            ),
            ("products in the shop (most for one part)", f"{stats['products']} ({max(per_part.values(), default=0)})"),
            ("calls (sandbox): productSet + publishablePublish", f"{calls} ({_root_calls(stats)})"),
            ("points spent (sandbox)", f"{points:g}"),
            ("points per call", f"{points / max(calls, 1):.1f}"),
            ("throttled answers (target 0)", stats["throttled"]),
            ("wall s (run)", f"{run.wall:.1f}"),
            ("  before the first call s", f"{first - run.started:.1f}"),
            ("  API phase s (first to last call)", f"{run.api:.1f}"),
            ("  after the last call s", f"{run.ended - last:.1f}"),
            ("minimum s the bucket allows (max(0, (points - 2000) / 100))", f"{run.minimum:.1f}"),
            ("efficiency (minimum / API phase, target >= 0.95)", run.efficiency()),
            ("orchestration ms/part ((wall - API phase) / parts)", f"{orchestration_ms:.1f}"),
            ("Dagster floor ms/part (trivial asset, same range)", f"{floor_ms:.1f}"),
            ("ratio (target <= 1.5)", f"{orchestration_ms / floor_ms:.2f}"),
        ],
    )


def _root_calls(stats: dict) -> str:
    roots = stats.get("root_fields") or {}
    return ", ".join(f"{name} {n}" for name, n in sorted(roots.items()))


def inflight(args, tmp: Path, stack: ExitStack) -> None:
    """The same run when latency, not the bucket, could be the bound: the sandbox answers each call late."""
    rows = []
    for latency in (float(x) for x in args.latencies.split(",")):
        where = tmp / f"latency-{latency:g}"
        where.mkdir()
        with ExitStack() as inner:
            run = publish_run(args, where, inner, args.inflight_parts, latency_ms=latency)
        rows.append(
            (
                f"{latency:g} ms a call: calls / points / THROTTLED (target 0)",
                f"{run.stats['calls']} / {run.stats['points_spent']:g} / {run.stats['throttled']}",
            )
        )
        rows.append(
            (
                f"{latency:g} ms a call: API phase s / minimum s / efficiency (target >= 0.90)",
                f"{run.api:.1f} / {run.minimum:.1f} / {run.efficiency()}",
            )
        )
        rows.append(
            (
                f"{latency:g} ms a call: parts published / failed",
                f"{run.meta['parts_published']} / {run.meta['parts_failed']}",
            )
        )
    concurrency = Limits.from_env().shopify_publish_concurrency
    _rows(
        f"in flight: {args.inflight_parts} parts a run, {concurrency} calls in flight (SHOPIFY_PUBLISH_CONCURRENCY), "
        f"sandbox bucket {BUCKET:g} points at {RESTORE:g}/s, every call answered late by the latency shown",
        rows,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shapes", default=",".join(SHAPES), help=f"comma-separated, of {', '.join(SHAPES)}")
    ap.add_argument("--latency-parts", type=int, default=200, help="latency: parts in the dropped file")
    ap.add_argument("--latency-timeout", type=float, default=600)
    ap.add_argument("--parts", type=int, default=1000, help="bucket: parts staged and published")
    ap.add_argument("--staging-rate", type=float, default=1200, help="bucket: Boeing calls/min while staging")
    ap.add_argument("--inflight-parts", type=int, default=600, help="inflight: parts staged and published per latency")
    ap.add_argument("--latencies", default="0,500", help="inflight: sandbox latency per call, ms, comma-separated")
    ap.add_argument("--live-code", action="store_true", help="latency: run the working tree, not a snapshot of it")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (DAGSTER_HOME, logs, stores)")
    args = ap.parse_args()
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    if set(shapes) - set(SHAPES):
        ap.error(f"unknown shapes: {', '.join(sorted(set(shapes) - set(SHAPES)))}")
    harness.stop_on_sigterm()
    with harness.benchmark_dir("boeinghub-bench-publishing-", args.keep) as tmp:
        for shape in shapes:  # one after the other: each stops its processes before the next starts
            (tmp / shape).mkdir()
            with ExitStack() as stack:
                {"latency": latency, "bucket": bucket, "inflight": inflight}[shape](args, tmp / shape, stack)


if __name__ == "__main__":
    main()
