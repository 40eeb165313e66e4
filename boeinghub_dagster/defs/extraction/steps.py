"""The extraction step as a plain function: ask Boeing in batches, keep every answer.

Parts whose latest answer is younger than `reuse_since` are not asked again, so a
run killed half-way and re-run spends no Boeing budget twice and writes no
duplicate raw rows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

from boeinghub_dagster.domain.normalization import match_items
from boeinghub_dagster.domain.part_numbers import batches
from boeinghub_dagster.resources.boeing import BoeingClient, BoeingRequestError
from boeinghub_dagster.resources.store.extraction import ExtractionStore, StagingStore

STAGE = "extraction"
NOT_RETURNED = "not returned by Boeing"


@dataclass
class ExtractionOutcome:
    asked: list[str]
    reused: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    raw_ids: list[int] = field(default_factory=list)
    calls: int = 0
    waited_seconds: float = 0.0
    api_seconds: float = 0.0


def line_items(payload: dict) -> list[dict]:
    items = payload.get("lineItems") or []
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def fetch_parts(
    parts: list[str],
    client: BoeingClient,
    raw_store: ExtractionStore,
    failure_log: StagingStore,
    run_id: str,
    batch_size: int,
    reuse_since: datetime | None,
    log=None,
) -> ExtractionOutcome:
    """Ask Boeing for `parts`; a Boeing outage or refused credentials propagate after retries."""
    fresh = raw_store.parts_fetched_since(parts, reuse_since) if reuse_since else set()
    outcome = ExtractionOutcome(asked=parts, reused=[p for p in parts if p in fresh])
    todo = [p for p in parts if p not in fresh]
    started = time.monotonic()
    try:
        for number, batch in enumerate(batches(todo, batch_size), start=1):
            try:
                answer = client.price(batch)
            except BoeingRequestError as exc:
                outcome.failures += [(p, str(exc)) for p in batch]
                continue
            matched = match_items(batch, line_items(answer.payload))
            outcome.raw_ids.append(raw_store.record_raw_answer(batch, answer.payload, matched, run_id))
            outcome.failures += [(p, NOT_RETURNED) for p in batch if p not in matched]
            if log and number % 50 == 0:
                log.info(f"Boeing batch {number}: {len(outcome.raw_ids)} answers kept so far")
    finally:
        outcome.calls = client.calls
        outcome.waited_seconds = client.limiter.waited_seconds
        outcome.api_seconds = time.monotonic() - started
        failure_log.record_failures(run_id, STAGE, outcome.failures)
    return outcome
