"""Store operations for batch chunks: the runs an intake batch is cut into, and their fate."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine, select, update

from boeinghub_dagster.domain.clock import aware, utcnow
from boeinghub_dagster.resources.store.schema import intake_batch_chunks, intake_batch_parts, intake_batches
from boeinghub_dagster.resources.store.upsert import chunks as slices

OPEN = ("planned", "requested")


class ChunkStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    def record_chunks(
        self, batch_id: int, planned: Sequence[Sequence[str]], budget: int, ranged: Sequence[bool] | None = None
    ) -> int:
        """Write the batch's chunks and tag each part with its chunk; idempotent per batch. `ranged[i]`: chunk i
        is exactly a partition range (default: all are)."""
        now, ranged = utcnow(), list(ranged) if ranged is not None else [True] * len(planned)
        rows = [
            {
                "batch_id": batch_id,
                "chunk": i,
                "parts": len(c),
                "range_start": c[0],
                "range_end": c[-1],
                "status": "planned",
                "attempts": 0,
                "budget": budget,
                "updated_at": now,
                "ranged": ranged[i - 1],
            }
            for i, c in enumerate(planned, start=1)
        ]
        with self.engine.begin() as conn:
            if conn.execute(
                select(intake_batch_chunks.c.chunk).where(intake_batch_chunks.c.batch_id == batch_id).limit(1)
            ).first():
                return 0
            for part in slices(rows):
                conn.execute(intake_batch_chunks.insert(), list(part))
            for i, c in enumerate(planned, start=1):
                for part in slices(list(c)):
                    conn.execute(
                        update(intake_batch_parts)
                        .where(intake_batch_parts.c.batch_id == batch_id, intake_batch_parts.c.part_number.in_(part))
                        .values(chunk=i)
                    )
        return len(rows)

    def open_chunks(self) -> list[dict]:
        """Chunks not finished yet, of batches still going, oldest batch first."""
        q = (
            select(intake_batch_chunks, intake_batches.c.sha256, intake_batches.c.file_name, intake_batches.c.target)
            .join(intake_batches, intake_batches.c.id == intake_batch_chunks.c.batch_id)
            .where(intake_batch_chunks.c.status.in_(OPEN), intake_batches.c.status != "canceled")
            .order_by(intake_batch_chunks.c.batch_id, intake_batch_chunks.c.chunk)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def chunk_count(self, batch_id: int) -> int:
        q = select(intake_batch_chunks.c.chunk).where(intake_batch_chunks.c.batch_id == batch_id)
        with self.engine.connect() as conn:
            return len(conn.execute(q).all())

    def update(self, batch_id: int, chunk: int, **values) -> int:
        """Move an open chunk on (1), or nothing when it is no longer open (0: canceled meanwhile)."""
        with self.engine.begin() as conn:
            return conn.execute(
                update(intake_batch_chunks)
                .where(
                    intake_batch_chunks.c.batch_id == batch_id,
                    intake_batch_chunks.c.chunk == chunk,
                    intake_batch_chunks.c.status.in_(OPEN),
                )
                .values(**values, updated_at=utcnow())
            ).rowcount

    def cancel(self, batch_id: int, reason: str) -> list[dict]:
        """Every open chunk of the batch becomes `canceled`; returns them as they were (requested ones have runs)."""
        where = (intake_batch_chunks.c.batch_id == batch_id, intake_batch_chunks.c.status.in_(OPEN))
        with self.engine.begin() as conn:
            rows = [dict(r._mapping) for r in conn.execute(select(intake_batch_chunks).where(*where))]
            conn.execute(
                update(intake_batch_chunks).where(*where).values(status="canceled", error=reason, updated_at=utcnow())
            )
        return rows

    def status(self, batch_id: int, chunk: int) -> str | None:
        q = select(intake_batch_chunks.c.status).where(
            intake_batch_chunks.c.batch_id == batch_id, intake_batch_chunks.c.chunk == chunk
        )
        with self.engine.connect() as conn:
            return conn.execute(q).scalar_one_or_none()

    def parts(self, batch_id: int, chunk: int) -> tuple[list[str], datetime | None]:
        """The chunk's parts in partition order (as registered), and when they were first asked for."""
        with self.engine.connect() as conn:
            q = (
                select(intake_batch_parts.c.part_number)
                .where(intake_batch_parts.c.batch_id == batch_id, intake_batch_parts.c.chunk == chunk)
                .order_by(intake_batch_parts.c.position)
            )
            parts = list(conn.execute(q).scalars())
            since = conn.execute(
                select(intake_batch_chunks.c.asked_since).where(
                    intake_batch_chunks.c.batch_id == batch_id, intake_batch_chunks.c.chunk == chunk
                )
            ).scalar_one_or_none()
        return parts, (aware(since) if since else None)

    def for_batch(self, batch_id: int) -> list[dict]:
        q = (
            select(intake_batch_chunks)
            .where(intake_batch_chunks.c.batch_id == batch_id)
            .order_by(intake_batch_chunks.c.chunk)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def resume(self, batch_id: int, budget: int) -> int:
        """Failed or canceled chunks go back to `planned` with `budget` more attempts."""
        q = (
            update(intake_batch_chunks)
            .where(intake_batch_chunks.c.batch_id == batch_id, intake_batch_chunks.c.status.in_(("failed", "canceled")))
            .values(status="planned", budget=intake_batch_chunks.c.attempts + budget, error=None, updated_at=utcnow())
        )
        with self.engine.begin() as conn:
            return conn.execute(q).rowcount
