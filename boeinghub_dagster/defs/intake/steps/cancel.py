"""Cancel an intake batch: its chunks, its runs, its parts in the Boeing queue; nothing of other batches.

Order matters. The store first: the batch becomes `canceled` and its open chunks too, so the
inbox sensor, from its next tick (or the one under way, whose writes to a chunk that is no
longer open change nothing), neither requests them again nor counts their canceled runs as
failures to retry. Then the queue: the batch's waiting rows are dropped, except parts another
batch's requested chunk waits for. Last the runs, through the instance's run coordinator, which
cancels a queued run in the queue and asks the run launcher to terminate a started one. A run
the sensor created after all this finds its chunk canceled when it starts and asks nothing; a
started run the launcher could not reach fails at its next request to the queue (within 30 s).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import dagster as dg

from boeinghub_dagster.defs.intake.steps.runs import chunk_requester
from boeinghub_dagster.resources.store import StoreResource

BATCH_TAG = "boeinghub/intake-batch"
NOT_DONE = [
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]
CANCELABLE = {"requested", "launched"}


class CannotCancel(Exception):
    """No such batch, or not one that runs (rejected, a duplicate, finished, canceled already); str(exc) says which."""


@dataclass
class Canceled:
    batch: dict
    chunks: int = 0
    queue_rows: int = 0
    runs: list[str] = field(default_factory=list)
    not_canceled: dict[str, str] = field(default_factory=dict)  # run id -> why


def cancel_batch(store: StoreResource, instance: dg.DagsterInstance, batch_id: int, by_run: str) -> Canceled:
    intake = store.intake()
    batch = intake.find(batch_id)
    if batch is None:
        raise CannotCancel(f"no intake batch {batch_id} (intake_batch_report's `id` column names them)")
    reason = f"canceled by operator (run {by_run[:8]})"
    states = {c["status"] for c in store.chunks().for_batch(batch_id)}
    if batch["status"] == "launched" and not states & {"planned", "requested"}:
        raise CannotCancel(f"batch {batch_id} ({batch['file_name']}) has finished: nothing to cancel")
    cancelable = tuple(CANCELABLE)
    moved = batch["status"] in CANCELABLE and intake.set_status(batch_id, "canceled", reason, only_from=cancelable)
    if not moved:
        raise CannotCancel(f"batch {batch_id} ({batch['file_name']}) is {batch['status']}: nothing to cancel")
    result = Canceled(batch)
    chunk_rows = store.chunks().cancel(batch_id, reason)
    result.chunks = len(chunk_rows)
    runs = instance.get_runs(filters=dg.RunsFilter(tags={BATCH_TAG: str(batch_id)}, statuses=NOT_DONE))
    every_chunk = [c["chunk"] for c in store.chunks().for_batch(batch_id)]
    requesters = [chunk_requester(batch_id, c) for c in every_chunk] + [r.run_id for r in runs]
    result.queue_rows = store.requests().withdraw(requesters, batch_id, f"batch {batch_id} {reason}")
    for run in runs:
        why = _cancel_run(instance, run)
        if why:
            result.not_canceled[run.run_id] = why
        else:
            result.runs.append(run.run_id)
    return result


def _cancel_run(instance: dg.DagsterInstance, run: dg.DagsterRun) -> str | None:
    """None when the run is canceled (or its termination is under way); else why not."""
    if run.status == dg.DagsterRunStatus.NOT_STARTED:  # created, not submitted yet: nothing runs it
        instance.report_run_canceled(run, message="Canceled with its intake batch before it was submitted.")
        return None
    try:
        if instance.run_coordinator.cancel_run(run.run_id):
            return None
    except Exception as exc:  # the launcher could not reach the run's process: say so, cancel the rest
        return f"{type(exc).__name__}: {exc}"[:300]
    current = instance.get_run_by_id(run.run_id)
    if current is None or current.is_finished:
        return None
    return (
        f"{current.status.value}: its process could not be reached; it stops by itself within 30 s "
        "(its chunk is canceled), or cancel it from its page"
    )
