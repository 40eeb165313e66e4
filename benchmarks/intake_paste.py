"""Pasted-list benchmark: 200 scattered parts through `intake_part_list`, as an operator backfills a list.

    .venv/bin/python benchmarks/intake_paste.py [--parts 200] [--registered 600] [--rate-per-min 2]
        [--live-code] [--keep]

Through `dagster dev` (real daemon, sensors and run queue; the repo's dagster.yaml; a temporary
DAGSTER_HOME, store and inbox) with the Boeing sandbox and the hub's limiter at --rate-per-min
(2, Boeing's real rate: 200 parts are 20 calls, 10 minutes). --registered part numbers are added
first; every third one is pasted, so no two sit next to each other in partition order (the
partition-selection backfill makes one run per part of such a list: `benchmarks/extraction.py
--shapes backfill`). The list is launched as the launchpad launches it (GraphQL `launchRun` of
`intake_part_list` with the list as pasted text). Printed: runs (the job's, the chunk runs, others
meanwhile), Boeing calls and fill (parts asked ÷ (calls × 10), from the sandbox), where the wall time
went, and wall time ÷ Boeing time, where Boeing time is what the rate needs for those calls
(calls × 60 ÷ rate, the ETA the hub shows). Target ≤ 1.10.
"""

import argparse
import sys
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import dagster as dg  # noqa: E402
from _hub import ROOT as HUB_ROOT  # noqa: E402
from _hub import benchmark_dir, snapshot_code, start_hub, start_sandbox, stop_on_sigterm, wait_until  # noqa: E402

BATCH, TARGET = 10, 1.10
LAUNCH_RUN = """mutation($params: ExecutionParams!) { launchRun(executionParams: $params) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } ... on Error { message } } }"""


def launch_paste(hub, parts: list[str]) -> str:
    config = {"part_numbers": "\n".join(parts) + "\n"}
    params = {
        "selector": {
            "repositoryLocationName": "boeinghub",
            "repositoryName": "__repository__",
            "jobName": "intake_part_list",
        },
        "runConfigData": {"ops": {"record_part_list_op": {"config": config}}},
    }
    result = hub.graphql(LAUNCH_RUN, {"params": params})["launchRun"]
    if result["__typename"] != "LaunchRunSuccess":
        raise RuntimeError(f"launchRun: {result['__typename']}: {result.get('message')}")
    return result["run"]["runId"]


def run(args, tmp: Path, stack: ExitStack) -> dict:
    code = HUB_ROOT if args.live_code else snapshot_code(tmp)
    sandbox = start_sandbox(stack, tmp, args.rate_per_min, code=code)
    hub = start_hub(stack, tmp, sandbox, args.rate_per_min, code=code)
    registered = [f"NAS1149D{i:05d}P" for i in range(args.registered)]
    hub.add_parts(registered)
    picked = registered[:: max(2, args.registered // args.parts)][: args.parts]
    sandbox.reset()
    since = time.time()
    paste_run = launch_paste(hub, picked)
    print(f"launched intake_part_list run {paste_run} with {len(picked)} parts", file=sys.stderr, flush=True)
    job = wait_until(lambda: (r := hub.instance.get_run_by_id(paste_run)) and r.is_finished and r, 300, "the paste run")
    if job.status != dg.DagsterRunStatus.SUCCESS:
        raise RuntimeError(f"intake_part_list run {paste_run} ended {job.status.value}")
    batch = next(b for b in hub.store.intake().report() if b["file_name"].endswith(f"(run {paste_run[:8]})"))
    shown = [0.0]

    def chunks_done():
        runs = hub.run_records(since, lambda r: r.dagster_run.tags.get("boeinghub/intake-batch") == str(batch["id"]))
        open_ = [c for c in hub.store.chunks().for_batch(batch["id"]) if c["status"] in ("planned", "requested")]
        if time.monotonic() - shown[0] > 30:
            shown[0], s = time.monotonic(), sandbox.stats()
            print(
                f"  [{time.time() - since:5.0f} s] chunk runs {len(runs)}, {s['price_calls']} calls, "
                f"{s['codes_requested']} parts asked",
                file=sys.stderr,
                flush=True,
            )
        return runs if runs and not open_ and all(r.dagster_run.is_finished for r in runs) else None

    slack = len(picked) / BATCH * 60 / args.rate_per_min * 2 + 600
    chunk_runs = wait_until(chunks_done, slack, "the pasted list's chunk runs", every=2.0)
    records = {r.dagster_run.run_id: r for r in hub.run_records(since)}
    stats = sandbox.stats()
    last_end = max(r.end_time for r in chunk_runs)
    calls, asked = stats["price_calls"], stats["codes_requested"]
    first, last = stats["first_price_call_at"], stats["last_price_call_at"]
    boeing = calls * 60 / args.rate_per_min
    wall = last_end - since
    starts = sorted(r.start_time for r in chunk_runs if r.start_time)
    return {
        "parts pasted (scattered among registered)": f"{len(picked)} among {len(registered)}",
        "runs: intake_part_list": 1,
        "runs: chunk runs (extraction_job)": len(chunk_runs),
        "runs: not successful": sum(r.dagster_run.status != dg.DagsterRunStatus.SUCCESS for r in chunk_runs),
        "runs: others meanwhile (batch view)": len(records) - len(chunk_runs) - 1,
        "Boeing calls": calls,
        "parts asked": asked,
        "call fill (parts asked ÷ (calls × 10))": f"{asked / (calls * BATCH):.3f}" if calls else "",
        "429s received / over-limit calls": f"{stats['responses_429']} / {stats['over_limit']}",
        "launch → paste run ends s": f"{job_end(hub, paste_run) - since:.1f}",
        "launch → first chunk run starts s": f"{starts[0] - since:.1f}" if starts else "",
        "launch → first call s": f"{first - since:.1f}" if first else "",
        "API phase s (first → last call)": f"{last - first:.1f}" if first else "",
        "last call → last run ends s": f"{last_end - last:.1f}" if last else "",
        "wall s (launch → last chunk run ends)": f"{wall:.1f}",
        "Boeing time s (calls × 60 ÷ rate)": f"{boeing:.1f}",
        f"wall ÷ Boeing time (target ≤ {TARGET:.2f})": f"{wall / boeing:.3f}" if boeing else "",
    }


def job_end(hub, run_id: str) -> float:
    return hub.instance.get_run_record_by_id(run_id).end_time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--parts", type=int, default=200)
    ap.add_argument("--registered", type=int, default=600)
    ap.add_argument("--rate-per-min", type=float, default=2.0, help="sandbox and limiter rate (Boeing's real rate: 2)")
    ap.add_argument("--live-code", action="store_true", help="run the working tree, not a snapshot of it")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (DAGSTER_HOME, logs, store)")
    args = ap.parse_args()
    if args.registered < 2 * args.parts:
        ap.error("--registered must be at least twice --parts (the parts must sit apart)")
    stop_on_sigterm()
    with benchmark_dir("boeinghub-bench-paste-", args.keep) as tmp:
        with ExitStack() as stack:  # every process started below is stopped when this block ends
            table = run(args, tmp, stack)
        print(
            f"\n== pasted list through dagster dev, sandbox and limiter at {args.rate_per_min:g} calls/min, "
            f"batch {BATCH} =="
        )
        width = max(map(len, table))
        for key, value in table.items():
            print(f"{key:<{width}}  {value}", flush=True)


if __name__ == "__main__":
    main()
