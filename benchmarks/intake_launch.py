"""Intake launch benchmark: the real daemon takes 1,000-, 10,000- and 50,000-part files.

    .venv/bin/python benchmarks/intake_launch.py [--sizes 1000,10000,50000] [--storages sqlite,postgres]

For each instance storage (SQLite; PostgreSQL through dagster-postgres, on a server this
script starts as the `postgres` user), it runs `dagster dev` over the Boeing sandbox at
the real 2 calls/min, drops each file into the inbox atomically, and prints seconds from
the drop to the file's first run STARTED, events written at launch per part, and runs
failed by run monitoring. Targets: < 30 s at 50,000 parts on both; 50,000 within 3× of 1,000.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
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
from dagster._core.events import DagsterEventType  # noqa: E402

from boeinghub_dagster.instance import dagster_pg_url  # noqa: E402
from boeinghub_dagster_tests.support.postgres import create_database, postgres_server  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code < 500:
                return
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {seconds}s")


@contextlib.contextmanager
def hub(storage: str, tmp: Path):
    """The Boeing sandbox and `dagster dev` (webserver + daemon) on a temporary instance."""
    home, inbox = tmp / "home", tmp / "inbox"
    home.mkdir()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "BOEINGHUB_INBOX": str(inbox),
        "BOEING_RATE_PER_MIN": "2",
        "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS": "1",
        "BOEING_CLIENT_ID": "sandbox-client",
        "BOEING_CLIENT_SECRET": "sandbox-secret",
        "BOEING_USERNAME": "sandbox-user",
        "BOEING_PASSWORD": "sandbox-pass",
        "BOEING_SCOPE": "bench",
    }
    with contextlib.ExitStack() as stack:
        if storage == "postgres":
            admin = stack.enter_context(postgres_server())
            env["DAGSTER_PG_URL"] = dagster_pg_url(create_database(admin))
            env["BOEINGHUB_DATABASE_URL"] = create_database(admin)
            shutil.copy(ROOT / "deploy/dagster.postgres.yaml", home / "dagster.yaml")
        else:
            env["BOEINGHUB_DATABASE_URL"] = f"sqlite:///{tmp / 'store.db'}"
            shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
        boeing_port, ui_port = _free_port(), _free_port()
        base = f"http://127.0.0.1:{boeing_port}"
        env.update(
            BOEING_OAUTH_TOKEN_URL=f"{base}/oauth/token",
            BOEING_PNA_OAUTH_URL=f"{base}/pna/oauth",
            BOEING_PNA_PRICE_URL=f"{base}/pna/price",
        )
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "boeinghub_dagster.sandbox",
                    "boeing",
                    "--port",
                    str(boeing_port),
                    "--rate-per-min",
                    "2",
                ],
                env=env,
                start_new_session=True,
            ),
            subprocess.Popen(
                [
                    str(ROOT / ".venv/bin/dagster"),
                    "dev",
                    "-w",
                    str(ROOT / "workspace.yaml"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(ui_port),
                ],
                env=env,
                cwd=ROOT,
                start_new_session=True,
                stdout=open(tmp / "dagster.log", "wb"),
                stderr=subprocess.STDOUT,
            ),
        ]
        try:
            _wait_http(f"{base}/_stats")
            _wait_http(f"http://127.0.0.1:{ui_port}/server_info")
            os.environ["DAGSTER_PG_URL"] = env.get("DAGSTER_PG_URL", "")
            instance = dg.DagsterInstance.from_config(str(home))
            stack.callback(instance.dispose)
            yield instance, inbox
        finally:
            for proc in procs:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGINT)
            for proc in procs:
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)


def _drop(inbox: Path, name: str, size: int) -> float:
    inbox.mkdir(parents=True, exist_ok=True)
    tmp = inbox / f".{name}"
    tmp.write_text("\n".join(f"L{size}X{i:06d}" for i in range(size)) + "\n")
    dropped = time.time()
    os.replace(tmp, inbox / name)
    return dropped


def _first_start(instance: dg.DagsterInstance, name: str, timeout: float = 300) -> tuple[list, float | None]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        records = instance.get_run_records(filters=dg.RunsFilter(tags={"boeinghub/intake-file": name}))
        started = [r.start_time for r in records if r.start_time]
        if started:
            return records, min(started)
        time.sleep(0.25)
    return instance.get_run_records(filters=dg.RunsFilter(tags={"boeinghub/intake-file": name})), None


def _launch_events_per_part(instance: dg.DagsterInstance, run_id: str) -> tuple[int, int]:
    """(events written before the run started, parts it planned)."""
    events, parts = 0, 0
    for record in instance.get_records_for_run(run_id, limit=10_000).records:
        event = record.event_log_entry.dagster_event
        if event is None:
            continue
        if event.event_type == DagsterEventType.RUN_START:
            break
        events += 1
        if (
            event.event_type == DagsterEventType.ASSET_MATERIALIZATION_PLANNED
            and event.asset_key.to_user_string() == "boeing_raw_responses"
        ):
            data = event.asset_materialization_planned_data
            parts += len(data.partitions_subset) if data.partitions_subset is not None else 1
    return events, parts


def measure(storage: str, sizes: list[int]) -> list[tuple]:
    rows = []
    with (
        tempfile.TemporaryDirectory(prefix=f"boeinghub-launch-{storage}-") as tmp,
        hub(storage, Path(tmp)) as (instance, inbox),
    ):
        time.sleep(5)  # let the daemon's first sensor ticks pass
        for size in sizes:
            name = f"parts-{size}.txt"
            dropped = _drop(inbox, name, size)
            records, started = _first_start(instance, name)
            seconds = (started - dropped) if started else float("nan")
            events, parts = _launch_events_per_part(instance, records[-1].dagster_run.run_id) if records else (0, 0)
            rows.append([storage, size, seconds, events / parts if parts else float("nan"), len(records)])
            print(f"  {storage} {size:>6} parts: first run STARTED after {seconds:.1f} s", flush=True)
        time.sleep(10)
        failed = instance.get_run_records(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE]))
        for row in rows:
            row.append(
                sum(1 for r in failed if r.dagster_run.tags.get("boeinghub/intake-file") == f"parts-{row[1]}.txt")
            )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,50000")
    ap.add_argument("--storages", default="sqlite,postgres")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for storage in args.storages.split(","):
        rows += measure(storage, sizes)
    print(
        f"\n{'storage':<9}{'parts':>7}  {'drop → first run STARTED s':>27}  {'events at launch / part':>24}"
        f"  {'runs so far':>11}  {'runs failed':>11}"
    )
    for storage, size, seconds, per_part, runs, failed in rows:
        print(f"{storage:<9}{size:>7}  {seconds:>27.1f}  {per_part:>24.4f}  {runs:>11}  {failed:>11}")
    for storage in args.storages.split(","):
        mine = {r[1]: r[2] for r in rows if r[0] == storage}
        if min(sizes) in mine and max(sizes) in mine:
            print(
                f"{storage}: {max(sizes)} parts ÷ {min(sizes)} parts = "
                f"{mine[max(sizes)] / mine[min(sizes)]:.2f} (target ≤ 3)"
            )


if __name__ == "__main__":
    main()
