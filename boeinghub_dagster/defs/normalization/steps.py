"""The normalization step as a plain function: latest raw answers -> staging rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from boeinghub_dagster.domain.normalization import normalize_response
from boeinghub_dagster.resources.store.extraction import ExtractionStore, StagingStore

STAGE = "normalization"
NO_ANSWER = "no Boeing answer yet: materialize boeing_raw_responses for this part first"


@dataclass
class StagingOutcome:
    asked: list[str]
    rows: list[dict] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def blocked(self) -> list[dict]:
        return [r for r in self.rows if r["status"] == "blocked"]


def stage_parts(
    parts: list[str], raw_store: ExtractionStore, staging: StagingStore, run_id: str, location_map: dict[str, str]
) -> StagingOutcome:
    """Normalize each part from its latest raw answer and upsert the rows in bulk."""
    answers, never_asked = raw_store.latest_answers(parts)
    outcome = StagingOutcome(asked=parts, failures=[(p, NO_ANSWER) for p in never_asked])
    raw_ids: dict[str, int] = {}
    for answer in answers:
        try:
            result = normalize_response(answer.part_numbers, answer.payload, location_map)
        except ValueError as exc:
            outcome.failures += [(p, str(exc)) for p in answer.part_numbers]
            continue
        outcome.rows += result.rows
        outcome.failures += [(f.part_number, f.reason) for f in result.failures]
        raw_ids.update(dict.fromkeys(answer.part_numbers, answer.raw_response_id))
    staging.upsert_rows(outcome.rows, run_id, raw_ids)
    blocked = [(r["part_number"], f"blocked: {r['status_reason']}") for r in outcome.blocked]
    staging.record_failures(run_id, STAGE, outcome.failures + blocked)
    return outcome
