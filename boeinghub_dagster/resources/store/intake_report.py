"""The batch view's numbers: per intake batch, where its parts stand and how long Boeing needs.

Counted from what happened to the batch's parts since the batch was recorded, whichever
run asked: answered (a Boeing answer landed), staged, failed (a failure with no later
answer), left (neither), and the batch's chunk runs by state.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Engine, and_, func, select

from boeinghub_dagster.domain.clock import aware
from boeinghub_dagster.resources.store.schema import (
    boeing_raw_parts,
    intake_batch_chunks,
    intake_batch_parts,
    intake_batches,
    part_failures,
    product_staging,
)


def batch_report(engine: Engine, limit: int = 50, batch_id: int | None = None) -> list[dict]:
    q = select(intake_batches).order_by(intake_batches.c.id.desc()).limit(limit)
    if batch_id is not None:
        q = q.where(intake_batches.c.id == batch_id)
    with engine.connect() as conn:
        batches = [dict(r._mapping) for r in conn.execute(q)]
        for b in batches:
            b.update(answered=0, staged=0, failed=0, left=0, failure_reasons="", chunks="", run_id=b.get("run_id"))
            if b["status"] in ("rejected", "duplicate"):
                continue
            since = aware(b["created_at"])
            in_batch = select(intake_batch_parts.c.part_number).where(intake_batch_parts.c.batch_id == b["id"])
            answered = set(
                conn.execute(
                    select(boeing_raw_parts.c.part_number).where(
                        boeing_raw_parts.c.part_number.in_(in_batch), boeing_raw_parts.c.fetched_at >= since
                    )
                ).scalars()
            )
            b["answered"] = len(answered)
            b["staged"] = conn.execute(
                select(func.count())
                .select_from(product_staging)
                .where(product_staging.c.part_number.in_(in_batch), product_staging.c.updated_at >= since)
            ).scalar_one()
            failed = conn.execute(
                select(part_failures.c.part_number, part_failures.c.reason)
                .where(
                    and_(
                        part_failures.c.part_number.in_(in_batch),
                        part_failures.c.at >= since,
                        ~part_failures.c.reason.startswith("blocked:"),
                    )
                )
                .order_by(part_failures.c.id)
            ).all()
            by_part = {pn: reason for pn, reason in failed}
            unanswered_failed = {
                pn for pn, reason in by_part.items() if pn not in answered or reason == "not returned by Boeing"
            }
            b["failed"] = len(unanswered_failed)
            b["failure_reasons"] = "; ".join(
                f"{r} ×{n}" for r, n in Counter(by_part[p] for p in unanswered_failed).most_common(3)
            )
            b["left"] = max(0, b["accepted"] - len(answered | unanswered_failed))
            chunks = Counter(
                conn.execute(
                    select(intake_batch_chunks.c.status).where(intake_batch_chunks.c.batch_id == b["id"])
                ).scalars()
            )
            b["chunk_states"] = dict(chunks)
            b["chunks"] = ", ".join(f"{n} {state}" for state, n in sorted(chunks.items()))
            last = conn.execute(
                select(intake_batch_chunks.c.run_id)
                .where(intake_batch_chunks.c.batch_id == b["id"], intake_batch_chunks.c.run_id.is_not(None))
                .order_by(intake_batch_chunks.c.updated_at.desc())
                .limit(1)
            ).scalar_one_or_none()
            b["run_id"] = last or b["run_id"]
            b["status"] = _status(b, chunks)
    return batches


def _status(batch: dict, chunks: Counter) -> str:
    if not chunks or batch["status"] == "canceled":
        return batch["status"]
    if chunks.get("failed") or chunks.get("canceled"):
        return "failed" if not (chunks.get("planned") or chunks.get("requested")) else "running, some failed"
    if chunks.get("planned") or chunks.get("requested"):
        return "running" if chunks.get("success") or chunks.get("requested") else "queued"
    return "done"
