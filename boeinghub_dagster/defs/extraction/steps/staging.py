"""Staging: Boeing's raw answers become `product_staging` rows, upserted in bulk.

Asking Boeing goes through the shared request queue (`resources/boeing_queue.py`); what comes back
is normalized here, so `staged_products` is made by the same op as `boeing_raw_responses`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from boeinghub_dagster.domain.normalization import normalize_response
from boeinghub_dagster.resources.store.extraction import ExtractionStore, StagingStore

STAGE = "extraction"
NORMALIZATION_STAGE = "normalization"  # the stage `part_failures` names for a part Boeing answered but staging refused
NO_ANSWER = "no Boeing answer yet: materialize boeing_raw_responses for this part first"


@dataclass
class Staged:
    rows: list[dict] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)


def stage_answer(
    parts: list[str], payload: dict, raw_id: int, staging: StagingStore, run_id: str, location_map: dict[str, str]
) -> Staged:
    """Normalize `parts` from one raw answer; store rows, and log failed and blocked parts."""
    try:
        result = normalize_response(parts, payload, location_map)
        out = Staged(result.rows, [(f.part_number, f.reason) for f in result.failures])
    except ValueError as exc:
        out = Staged([], [(p, str(exc)) for p in parts])
    staging.upsert_rows(out.rows, run_id, dict.fromkeys((r["part_number"] for r in out.rows), raw_id))
    blocked = [(r["part_number"], f"blocked: {r['status_reason']}") for r in out.rows if r["status"] == "blocked"]
    staging.record_failures(run_id, NORMALIZATION_STAGE, out.failures + blocked)
    return out


def stage_stored(
    parts: list[str], raw_store: ExtractionStore, staging: StagingStore, run_id: str, location_map: dict[str, str]
) -> Staged:
    """Stage `parts` from their latest stored answers, without asking Boeing."""
    answers, never_asked = raw_store.latest_answers(parts)
    out = Staged(failures=[(p, NO_ANSWER) for p in never_asked])
    staging.record_failures(run_id, NORMALIZATION_STAGE, out.failures)
    for answer in answers:
        one = stage_answer(answer.part_numbers, answer.payload, answer.raw_response_id, staging, run_id, location_map)
        out.rows += one.rows
        out.failures += one.failures
    return out
