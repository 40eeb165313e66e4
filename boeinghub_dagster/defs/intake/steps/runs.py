"""From intake batches to runs: cut each batch into exact chunks, request a few at a time.

Each chunk is a contiguous slice of partition order, so its run's range (and the one
`ASSET_MATERIALIZATION_PLANNED` event per asset it writes, with
DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS) covers exactly its parts. At most
CHUNKS_IN_FLIGHT chunks of a batch are requested at once, so a 50,000-part file costs a
tick two small run creations, not fifty, and a small file dropped beside it starts at once.
A chunk whose run failed or was canceled is requested again (new run key) up to
MAX_ATTEMPTS times; then it stays failed in the batch view until `resume_intake_batch`.
A failed run that Dagster's run retries will run again (its worker died) is left to them:
the retry carries the same run key, and the chunk follows it. A chunk of parts that sit apart
in partition order (a pasted list of known parts) runs with no partition range: its run reads
its parts from the store. A chunk `cancel_intake_batch` canceled is no longer open: never asked again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import dagster as dg

from boeinghub_dagster.defs.intake.steps.inbox import BatchRun
from boeinghub_dagster.domain.alerts import subject_key
from boeinghub_dagster.domain.clock import aware, utcnow
from boeinghub_dagster.domain.intake_chunks import duration_text, eta_minutes, is_range, plan_chunks
from boeinghub_dagster.domain.run_queue import BOEING_RUN_TAGS
from boeinghub_dagster.resources.alerts import Alerts, run_link
from boeinghub_dagster.resources.boeing_queue import ask_boeing
from boeinghub_dagster.resources.settings import Limits
from boeinghub_dagster.resources.store import StoreResource

CHUNKS_IN_FLIGHT = 2
MAX_ATTEMPTS = 3
DONE = {
    dg.DagsterRunStatus.SUCCESS: "success",
    dg.DagsterRunStatus.FAILURE: "failed",
    dg.DagsterRunStatus.CANCELED: "canceled",
}


@dataclass(frozen=True)
class RunSeen:
    run_id: str
    status: dg.DagsterRunStatus
    retrying: bool = False  # failed, and Dagster's run retries will launch its retry (same run key)


def chunk_requester(batch_id: int, chunk: int) -> str:
    return f"batch:{batch_id}:chunk:{chunk}"


def plan_batches(
    new: list[BatchRun], order: dict[str, int], store: StoreResource, limits: Limits, chunk_size: int
) -> list[str]:
    """Record the chunks of newly accepted batches; one message each, with Boeing's time for it."""
    messages = []
    for run in new:
        if not run.parts:
            continue
        planned = plan_chunks(run.parts, order, chunk_size)
        store.chunks().record_chunks(run.batch["id"], planned, MAX_ATTEMPTS, [is_range(c, order) for c in planned])
        store.intake().mark_launched(run.batch["id"], None)
        minutes = eta_minutes(len(run.parts), limits.boeing_rate_per_min, limits.boeing_batch_size)
        runs = f"{len(planned)} run{'s' if len(planned) != 1 else ''}"
        messages.append(
            f"batch {run.batch['id']} ({run.batch['file_name']}): {len(run.parts)} parts in {runs}; Boeing needs "
            f"{'' if minutes < 1 else 'about '}{duration_text(minutes)} at {limits.boeing_rate_per_min:g} calls × "
            f"{limits.boeing_batch_size} parts a minute"
        )
    return messages


def _request(chunk: dict, total: int) -> dg.RunRequest:
    tags = {
        **BOEING_RUN_TAGS,
        "boeinghub/intake-batch": str(chunk["batch_id"]),
        "boeinghub/intake-chunk": f"{chunk['chunk']}/{total}",
        "boeinghub/intake-file": chunk["file_name"][:200],
        "boeinghub/intake-target": chunk["target"],
    }
    if chunk.get("ranged", True):
        tags["dagster/asset_partition_range_start"] = chunk["range_start"]
        tags["dagster/asset_partition_range_end"] = chunk["range_end"]
    return dg.RunRequest(
        run_key=chunk["run_key"],
        run_config={
            "ops": {"extraction": {"config": {"intake_batch_id": chunk["batch_id"], "intake_chunk": chunk["chunk"]}}}
        },
        tags=tags,
    )


def chunk_runs(
    store: StoreResource,
    run_for_key: Callable[[str], RunSeen | None],
    ensure_partitions: Callable[[list[str]], object],
    batch_size: int,
) -> tuple[list[dg.RunRequest], list[str]]:
    """Follow requested chunks to their runs' end; request the next planned ones.

    `ensure_partitions` re-adds a chunk's keys when a request is made again (the tick that
    first made it may have been lost with its partition requests)."""
    chunks, requests_store, out, messages, alerts = store.chunks(), store.requests(), [], [], Alerts.of(store)
    by_batch: dict[int, list[dict]] = {}
    for chunk in chunks.open_chunks():
        by_batch.setdefault(chunk["batch_id"], []).append(chunk)
    for batch_id, open_ in by_batch.items():
        total, in_flight, still_open = chunks.chunk_count(batch_id), 0, 0
        for chunk in open_:
            if chunk["status"] == "requested":
                seen = run_for_key(chunk["run_key"])
                outcome = DONE.get(seen.status) if seen and not seen.retrying else None
                if outcome is None:
                    in_flight, still_open = in_flight + 1, still_open + 1
                    if seen is None:  # asked for, not launched yet (or the tick was lost): ask again, same key
                        ensure_partitions(chunks.parts(batch_id, chunk["chunk"])[0])
                        out.append(_request(chunk, total))
                    elif chunk["run_id"] != seen.run_id:
                        chunks.update(batch_id, chunk["chunk"], run_id=seen.run_id)
                    continue
                if outcome == "success":
                    chunks.update(batch_id, chunk["chunk"], status="success", run_id=seen.run_id, error=None)
                    continue
                error = f"run {seen.run_id} {outcome}"
                if chunk["attempts"] >= chunk["budget"]:
                    if chunks.update(batch_id, chunk["chunk"], status=outcome, run_id=seen.run_id, error=error):
                        requests_store.drop(chunk_requester(batch_id, chunk["chunk"]))
                        text = (
                            f"batch {batch_id} chunk {chunk['chunk']}/{total}: {error} {chunk['attempts']} times; "
                            "resume it with resume_intake_batch"
                        )
                        messages.append(text)
                        alerts.send(
                            "chunk_given_up",
                            subject_key("chunk_given_up", batch_id, chunk["chunk"]),
                            f"{text} (batch_id {batch_id})",
                            {"file": chunk["file_name"], "parts": chunk["parts"], "run": run_link(seen.run_id)},
                        )
                    continue
                if not chunks.update(batch_id, chunk["chunk"], status="planned", run_id=seen.run_id, error=error):
                    continue  # canceled meanwhile: not a failure to ask again
                chunk = {**chunk, "status": "planned"}
                messages.append(f"batch {batch_id} chunk {chunk['chunk']}/{total}: {error}; asking again")
            if chunk["status"] == "planned":
                still_open += 1
                launched = _launch(store, chunk, batch_size) if in_flight < CHUNKS_IN_FLIGHT else None
                if launched:
                    in_flight += 1
                    out.append(_request(launched, total))
        if not still_open:
            _finished(store, alerts, batch_id, total)
    return out, messages


def _finished(store: StoreResource, alerts: Alerts, batch_id: int, total: int) -> None:
    """The batch's last chunk just ended: tell whoever listens, with its counts."""
    if not alerts.enabled():
        return
    (b,) = store.intake().report(batch_id=batch_id) or [None]
    if b is None or b["status"] == "canceled":
        return
    counts = {k: b[k] for k in ("accepted", "answered", "staged", "failed", "left")}
    text = (
        f"batch {batch_id} ({b['file_name']}) {b['status']}: "
        + ", ".join(f"{v} {k}" for k, v in counts.items())
        + (f"; failures: {b['failure_reasons']}" if b["failure_reasons"] else "")
    )
    alerts.send(
        "batch_finished",
        subject_key("batch_finished", batch_id),
        text,
        {"file": b["file_name"], **counts, "runs": total, "target": b["target"], "chunks": b["chunks"]},
    )


def _launch(store: StoreResource, chunk: dict, batch_size: int) -> dict | None:
    """Queue the chunk's parts for Boeing (not those already answered for it) and name its run."""
    attempt = chunk["attempts"] + 1
    since = aware(chunk["asked_since"]) if chunk["asked_since"] else utcnow()
    parts, _ = store.chunks().parts(chunk["batch_id"], chunk["chunk"])
    answered = store.extraction().latest_index(parts, since)
    ask_boeing(
        store.requests(), parts, chunk_requester(chunk["batch_id"], chunk["chunk"]), batch_size, answered=answered
    )
    run_key = f"intake-{chunk['sha256'][:24]}-c{chunk['chunk']}-a{attempt}"
    moved = store.chunks().update(
        chunk["batch_id"], chunk["chunk"], status="requested", attempts=attempt, run_key=run_key, asked_since=since
    )
    if not moved:
        store.requests().drop(chunk_requester(chunk["batch_id"], chunk["chunk"]))  # canceled meanwhile: no run
        return None
    return {**chunk, "run_key": run_key, "attempts": attempt}
