"""The extraction step as plain functions: ask Boeing batch by batch, keep every answer.

Parts whose latest answer is younger than `reuse_since` are not asked again, so a
run killed half-way and re-run spends no Boeing budget twice and writes no
duplicate raw rows. Results are yielded per batch so the caller can stage and
report each batch while the limiter holds the next call back.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from boeinghub_dagster.domain.normalization import match_items
from boeinghub_dagster.domain.part_numbers import batches
from boeinghub_dagster.resources.boeing import BoeingClient, BoeingRequestError
from boeinghub_dagster.resources.store.extraction import ExtractionStore, StagingStore

STAGE = "extraction"
NOT_RETURNED = "not returned by Boeing"


@dataclass
class BatchAnswer:
    parts: list[str]
    raw_response_id: int | None
    payload: dict | None
    returned: list[str]
    failures: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ExtractionStats:
    calls: int = 0
    waited_seconds: float = 0.0
    api_seconds: float = 0.0


def line_items(payload: dict) -> list[dict]:
    items = payload.get("lineItems") or []
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def parts_to_ask(parts: list[str], raw_store: ExtractionStore, reuse_since: datetime | None) -> tuple[list[str], list[str]]:
    """Split `parts` into (to ask Boeing, fresh enough to reuse)."""
    fresh = raw_store.parts_fetched_since(parts, reuse_since) if reuse_since else set()
    return [p for p in parts if p not in fresh], [p for p in parts if p in fresh]


def fetch_batches(
    parts: list[str],
    client: BoeingClient,
    raw_store: ExtractionStore,
    failure_log: StagingStore,
    run_id: str,
    batch_size: int,
    stats: ExtractionStats,
) -> Iterator[BatchAnswer]:
    """Ask Boeing for `parts`, keeping each answer as it arrives.

    A request Boeing refuses (400) fails that batch's parts and goes on; an
    outage or refused credentials propagate after the client's retries, keeping
    everything fetched so far.
    """
    started = time.monotonic()
    try:
        for batch in batches(parts, batch_size):
            try:
                payload = client.price(batch).payload
            except BoeingRequestError as exc:
                failures = [(p, str(exc)) for p in batch]
                failure_log.record_failures(run_id, STAGE, failures)
                yield BatchAnswer(batch, None, None, [], failures)
                continue
            matched = match_items(batch, line_items(payload))
            raw_id = raw_store.record_raw_answer(batch, payload, matched, run_id)
            failures = [(p, NOT_RETURNED) for p in batch if p not in matched]
            failure_log.record_failures(run_id, STAGE, failures)
            stats.api_seconds = time.monotonic() - started
            yield BatchAnswer(batch, raw_id, payload, [p for p in batch if p in matched], failures)
    finally:
        stats.calls = client.calls
        stats.waited_seconds = client.limiter.waited_seconds
