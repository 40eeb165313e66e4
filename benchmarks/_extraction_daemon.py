"""The extraction benchmark's shapes through `dagster dev` (one-run, backfill, files; `extraction.py` runs
them): real daemon and sensors at a real rate, so what they print is what an operator's launch costs."""

import math
import random
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import dagster as dg
from _hub import ROOT, Hub, Sandbox, snapshot_code, start_hub, start_sandbox, wait_until
from dagster._core.execution.backfill import BulkActionStatus

BATCH = 10
TARGETS = {"one-run": 0.95, "backfill": 0.95, "files": 0.90}
DONE = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}


def _wait_runs(hub: Hub, sandbox: Sandbox, since: float, mine, finished, timeout: float, what: str) -> list:
    """Wait until `finished()` and every run `mine` picks is done (progress every 30 s); return those run records."""
    shown = [0.0]

    def settled():
        runs = hub.run_records(since, mine)
        done = sum(r.dagster_run.status in DONE for r in runs)
        if time.monotonic() - shown[0] > 30:
            shown[0], s = time.monotonic(), sandbox.stats()
            print(
                f"  [{time.time() - since:5.0f} s] {what}: runs {done}/{len(runs)} done, {s['price_calls']} calls, "
                f"{s['codes_requested']} parts asked",
                file=sys.stderr,
                flush=True,
            )
        return runs if runs and done == len(runs) and finished() else None

    return wait_until(settled, timeout, what, every=2.0)


def shape_backfill(hub: Hub, sandbox: Sandbox, parts: list[str], title: str, timeout: float) -> tuple[float, list]:
    sandbox.reset()
    since = time.time()
    backfill_id = hub.launch_backfill(parts, title)
    mine = lambda r: r.dagster_run.tags.get("dagster/backfill") == backfill_id  # noqa: E731
    finished = lambda: hub.instance.get_backfill(backfill_id).status != BulkActionStatus.REQUESTED  # noqa: E731
    return since, _wait_runs(hub, sandbox, since, mine, finished, timeout, title)


def shape_files(hub: Hub, sandbox: Sandbox, files: dict[str, str], timeout: float) -> tuple[float, list]:
    sandbox.reset()
    since = time.time()
    hub.drop_files(files)
    mine = lambda r: r.dagster_run.tags.get("boeinghub/intake-file") in files  # noqa: E731

    def finished() -> bool:
        taken = not any((hub.inbox / name).exists() for name in files)
        return taken and not hub.store.chunks().open_chunks() and len(hub.run_records(since, mine)) >= len(files)

    return since, _wait_runs(hub, sandbox, since, mine, finished, timeout, f"{len(files)} intake files")


def _distinct_asked(hub: Hub, since: float) -> tuple[int, int]:
    """(stored answers, distinct parts in them) fetched since `since`: a part asked twice shows here."""
    from sqlalchemy import select

    from boeinghub_dagster.domain.clock import aware
    from boeinghub_dagster.resources.store.schema import boeing_raw_responses as raw

    with hub.store.engine().connect() as conn:
        rows = [
            r
            for r in conn.execute(select(raw.c.part_numbers, raw.c.fetched_at))
            if aware(r.fetched_at).timestamp() >= since
        ]
    return len(rows), len({p for r in rows for p in r.part_numbers})


def figures(hub: Hub, stats: dict, since: float, runs: list, parts: int, rate: float, target: float | None) -> dict:
    ids = {r.dagster_run.run_id for r in runs}
    last_end = max(r.end_time for r in runs)
    others = [
        r
        for r in hub.run_records(since)
        if r.dagster_run.run_id not in ids and r.create_timestamp.timestamp() <= last_end
    ]
    calls, asked = stats["price_calls"], stats["codes_requested"]
    first, last = stats["first_price_call_at"] or since, stats["last_price_call_at"] or since
    fill = asked / (calls * BATCH) if calls else float("nan")
    wall, api = last_end - since, last - first
    starts = sorted(r.start_time for r in runs if r.start_time)
    answers, distinct = _distinct_asked(hub, since)
    queued = sorted(r.start_time - r.create_timestamp.timestamp() for r in runs if r.start_time)
    return {
        "parts in the shape": parts,
        "runs launched (extraction)": len(runs),
        "runs not successful": sum(r.dagster_run.status != dg.DagsterRunStatus.SUCCESS for r in runs),
        "other runs meanwhile (batch view)": len(others),
        "calls": calls,
        "parts asked": asked,
        "distinct parts in stored answers": f"{distinct} in {answers}",
        "call fill": f"{fill:.3f}",
        "target": f">= {target:.2f}" if target else "",
        "429s received": stats["responses_429"],
        "over-limit calls": stats["over_limit"],
        "wall s (launch → last run ends)": f"{wall:.1f}",
        "launch → first run starts s": f"{starts[0] - since:.1f}" if starts else "",
        "run created → started s (median / max)": f"{queued[len(queued) // 2]:.0f} / {queued[-1]:.0f}"
        if queued
        else "",
        "launch → first call s": f"{first - since:.1f}",
        "API phase s (first → last call)": f"{api:.1f}",
        "minimum s at the rate ((calls-1)×60/rate)": f"{max(calls - 1, 0) * 60 / rate:.1f}",
        "last call → last run ends s": f"{last_end - last:.1f}",
        "wall ÷ API phase": f"{wall / api:.2f}" if api > 0 else "",
    }


def _scattered(count: int, among: int, seed: int = 7) -> list[int]:
    """`count` positions in range(among), no two adjacent (every pick is its own range)."""
    picks = sorted(random.Random(seed).sample(range(among - count + 1), count))
    return [p + i for i, p in enumerate(picks)]


def daemon_shapes(args, shapes: list[str], tmp: Path, stack: ExitStack) -> None:
    rate, code = args.rate_per_min, (ROOT if args.live_code else snapshot_code(tmp))
    sandbox = start_sandbox(stack, tmp, rate, code=code)
    started = time.monotonic()
    hub = start_hub(stack, tmp, sandbox, rate, code=code)
    print(
        f"dagster dev up in {time.monotonic() - started:.0f} s on {hub.url} (DAGSTER_HOME {hub.home}, log {hub.log})",
        file=sys.stderr,
        flush=True,
    )
    slack = lambda parts: math.ceil(parts / BATCH) * 60 / rate * 2 + 1800  # noqa: E731 - runs start slowly on a busy box
    table: dict[str, dict] = {}
    for shape in shapes:
        print(f"-- {shape} …", file=sys.stderr, flush=True)
        if shape == "files":
            files = {
                f"bench-{f:02d}.txt": "\n".join(f"NAS1149F{f:02d}{p}" for p in range(args.parts_per_file)) + "\n"
                for f in range(args.files)
            }
            parts = args.files * args.parts_per_file
            since, runs = shape_files(hub, sandbox, files, slack(parts))
        elif shape == "backfill":
            registered = [f"MS21042L{i}" for i in range(args.backfill_registered)]
            hub.add_parts(registered)
            picked = [registered[i] for i in _scattered(args.backfill_parts, len(registered))]
            parts = len(picked)
            since, runs = shape_backfill(hub, sandbox, picked, "bench: scattered backfill", slack(parts))
        else:
            picked = [f"BACB30LH{i}-{i % 9 + 2}" for i in range(args.one_run_parts)]
            hub.add_parts(picked)
            parts = len(picked)
            since, runs = shape_backfill(hub, sandbox, picked, "bench: one run", slack(parts))
        table[shape] = figures(hub, sandbox.stats(), since, runs, parts, rate, TARGETS[shape])
    print(f"\n== through dagster dev, sandbox and limiter at {rate:g} calls/min, batch {BATCH} ==")
    names = list(table)
    rows = list(next(iter(table.values())))
    width = max(len(r) for r in rows)
    print(f"{'':<{width}}  " + "  ".join(f"{n:>10}" for n in names))
    for row in rows:
        print(f"{row:<{width}}  " + "  ".join(f"{table[n][row]!s:>10}" for n in names), flush=True)
