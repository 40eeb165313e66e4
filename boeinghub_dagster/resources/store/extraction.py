"""Store operations for extraction and normalization: raw answers, staging, failures."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, insert, select

from boeinghub_dagster.domain.clock import aware, utcnow
from boeinghub_dagster.resources.store.schema import (
    boeing_raw_parts,
    boeing_raw_responses,
    part_failures,
    product_staging,
)
from boeinghub_dagster.resources.store.upsert import chunks, upsert


@dataclass(frozen=True)
class RawAnswer:
    raw_response_id: int
    payload: dict
    part_numbers: list[str]  # the asked parts this answer is the latest for


class ExtractionStore:
    """Raw Boeing answers and the latest-answer index per part."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def record_raw_answer(
        self, part_numbers: Sequence[str], payload: dict, returned: Iterable[str], run_id: str
    ) -> int:
        """Keep one PNA answer and point each asked part at it, in one transaction."""
        now = utcnow()
        returned = set(returned)
        with self.engine.begin() as conn:
            raw_id = conn.execute(
                insert(boeing_raw_responses)
                .values(part_numbers=list(part_numbers), payload=payload, fetched_at=now, run_id=run_id)
                .returning(boeing_raw_responses.c.id)
            ).scalar_one()
            index = [
                {
                    "part_number": p,
                    "raw_response_id": raw_id,
                    "returned": p in returned,
                    "fetched_at": now,
                    "run_id": run_id,
                }
                for p in dict.fromkeys(part_numbers)
            ]
            upsert(conn, boeing_raw_parts, index, ["part_number"])
        return raw_id

    def parts_fetched_since(self, part_numbers: Sequence[str], since: datetime) -> set[str]:
        """Parts whose latest answer is recent enough to reuse instead of asking Boeing again."""
        found: set[str] = set()
        with self.engine.connect() as conn:
            for part in chunks(list(part_numbers)):
                q = select(boeing_raw_parts.c.part_number).where(
                    boeing_raw_parts.c.part_number.in_(part), boeing_raw_parts.c.fetched_at >= since
                )
                found.update(conn.execute(q).scalars())
        return found

    def latest_index(self, part_numbers: Sequence[str], since: datetime) -> dict[str, tuple[int, bool, datetime]]:
        """Parts whose latest answer landed at or after `since`: part -> (raw id, returned, fetched at)."""
        out: dict[str, tuple[int, bool, datetime]] = {}
        c = boeing_raw_parts.c
        with self.engine.connect() as conn:
            for part in chunks(list(part_numbers)):
                q = select(c.part_number, c.raw_response_id, c.returned, c.fetched_at).where(
                    c.part_number.in_(part), c.fetched_at >= since
                )
                out.update({pn: (raw_id, returned, aware(at)) for pn, raw_id, returned, at in conn.execute(q)})
        return out

    def index_since(self, cursor: datetime) -> dict[str, tuple[int, bool, datetime]]:
        """Every part answered at or after `cursor` (a few calls' worth): the waiting runs' poll."""
        c = boeing_raw_parts.c
        q = select(c.part_number, c.raw_response_id, c.returned, c.fetched_at).where(c.fetched_at >= cursor)
        with self.engine.connect() as conn:
            return {pn: (raw_id, returned, aware(at)) for pn, raw_id, returned, at in conn.execute(q)}

    def payloads(self, raw_ids: Sequence[int]) -> dict[int, dict]:
        out: dict[int, dict] = {}
        with self.engine.connect() as conn:
            for ids in chunks(list(raw_ids)):
                q = select(boeing_raw_responses.c.id, boeing_raw_responses.c.payload).where(
                    boeing_raw_responses.c.id.in_(ids)
                )
                out.update({i: p for i, p in conn.execute(q)})
        return out

    def latest_answers(self, part_numbers: Sequence[str]) -> tuple[list[RawAnswer], list[str]]:
        """The latest raw answer for each part, grouped by answer; and the parts never asked."""
        by_raw: dict[int, list[str]] = {}
        with self.engine.connect() as conn:
            for part in chunks(list(part_numbers)):
                q = select(boeing_raw_parts.c.part_number, boeing_raw_parts.c.raw_response_id).where(
                    boeing_raw_parts.c.part_number.in_(part)
                )
                for pn, raw_id in conn.execute(q):
                    by_raw.setdefault(raw_id, []).append(pn)
            payloads: dict[int, dict] = {}
            for ids in chunks(list(by_raw)):
                q = select(boeing_raw_responses.c.id, boeing_raw_responses.c.payload).where(
                    boeing_raw_responses.c.id.in_(ids)
                )
                payloads.update({i: p for i, p in conn.execute(q)})
        seen = {pn for pns in by_raw.values() for pn in pns}
        order = {pn: i for i, pn in enumerate(part_numbers)}
        answers = [
            RawAnswer(raw_id, payloads[raw_id], sorted(pns, key=order.__getitem__)) for raw_id, pns in by_raw.items()
        ]
        return answers, [p for p in part_numbers if p not in seen]

    def count_raw_responses(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(boeing_raw_responses)).scalar_one()


class StagingStore:
    """Normalized staging rows and the per-part failure log."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def upsert_rows(self, rows: Sequence[dict], run_id: str, raw_ids: dict[str, int]) -> int:
        now = utcnow()
        full = [
            {**r, "raw_response_id": raw_ids.get(r["part_number"]), "run_id": run_id, "updated_at": now} for r in rows
        ]
        with self.engine.begin() as conn:
            return upsert(conn, product_staging, full, ["part_number"])

    def rows(self, part_numbers: Sequence[str]) -> list[dict]:
        out: list[dict] = []
        with self.engine.connect() as conn:
            for part in chunks(list(part_numbers)):
                q = select(product_staging).where(product_staging.c.part_number.in_(part))
                out.extend(dict(r._mapping) for r in conn.execute(q))
        order = {pn: i for i, pn in enumerate(part_numbers)}
        return sorted(out, key=lambda r: order.get(r["part_number"], len(order)))

    def record_failures(self, run_id: str, stage: str, failures: Sequence[tuple[str, str]]) -> int:
        """Log why parts failed; history is kept, one row per part per run and stage."""
        if not failures:
            return 0
        now = utcnow()
        rows = [
            {"run_id": run_id, "stage": stage, "part_number": pn, "reason": reason[:2000], "at": now}
            for pn, reason in failures
        ]
        with self.engine.begin() as conn:
            for part in chunks(rows):
                conn.execute(insert(part_failures), list(part))
        return len(rows)

    def failures(self, run_id: str | None = None, part_number: str | None = None) -> list[dict]:
        q = select(part_failures).order_by(part_failures.c.id)
        if run_id is not None:
            q = q.where(part_failures.c.run_id == run_id)
        if part_number is not None:
            q = q.where(part_failures.c.part_number == part_number)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]
