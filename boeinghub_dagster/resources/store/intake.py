"""Store operations for intake: batches, their parts, and the per-batch report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

from sqlalchemy import Engine, delete, insert, select, update

from boeinghub_dagster.domain.clock import utcnow
from boeinghub_dagster.resources.store.intake_report import batch_report
from boeinghub_dagster.resources.store.schema import intake_batch_parts, intake_batches, intake_parse_marks
from boeinghub_dagster.resources.store.upsert import chunks

ACTIVE = ("requested", "launched")
ACCEPTED = (*ACTIVE, "canceled")  # content seen before: a canceled batch is resumed, not recorded again


class IntakeStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    def find_accepted(self, sha256: str) -> dict | None:
        """The accepted batch holding this exact content, if any (canceled ones included)."""
        q = select(intake_batches).where(intake_batches.c.sha256 == sha256, intake_batches.c.status.in_(ACCEPTED))
        with self.engine.connect() as conn:
            row = conn.execute(q.order_by(intake_batches.c.id).limit(1)).first()
        return dict(row._mapping) if row else None

    def find_rejected(self, sha256: str, file_name: str, since_ns: int) -> dict | None:
        """A rejection of this very file (same name and content, recorded after it was last written)."""
        q = select(intake_batches).where(
            intake_batches.c.sha256 == sha256,
            intake_batches.c.file_name == file_name,
            intake_batches.c.status == "rejected",
        )
        with self.engine.connect() as conn:
            row = conn.execute(q.order_by(intake_batches.c.id.desc()).limit(1)).first()
        if row is None:
            return None
        created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
        if created.timestamp() * 1e9 < since_ns:
            return None
        return dict(row._mapping)

    def _insert(self, conn, **values) -> int:
        now = utcnow()
        base = {"lines": 0, "accepted": 0, "rejected": 0, "duplicates": 0, "created_at": now, "updated_at": now}
        return conn.execute(
            insert(intake_batches).values(**{**base, **values}).returning(intake_batches.c.id)
        ).scalar_one()

    def record_batch(
        self,
        file_name: str,
        sha256: str,
        target: str,
        counts: dict,
        parts: Sequence[str],
        *,
        encoding: str | None = None,
        reason: str | None = None,
    ) -> dict:
        """Record an accepted file and its parts in one transaction; status `requested`.
        `encoding` is the text encoding the file was read in (None for .xlsx); `reason` a note for the batch view."""
        with self.engine.begin() as conn:
            batch_id = self._insert(
                conn,
                file_name=file_name,
                sha256=sha256,
                target=target,
                status="requested",
                run_key=f"intake-{sha256[:24]}",
                encoding=encoding,
                reason=reason,
                **counts,
            )
            rows = [{"batch_id": batch_id, "position": i, "part_number": p} for i, p in enumerate(parts)]
            for part in chunks(rows, 1000):
                conn.execute(insert(intake_batch_parts), list(part))
        return self.get(batch_id)

    def record_rejected(self, file_name: str, sha256: str, target: str, reason: str) -> int:
        with self.engine.begin() as conn:
            return self._insert(
                conn, file_name=file_name, sha256=sha256, target=target, status="rejected", reason=reason
            )

    def record_duplicate(self, file_name: str, sha256: str, target: str, of: dict) -> int:
        reason = f"same content as batch {of['id']} ({of['file_name']})"
        with self.engine.begin() as conn:
            return self._insert(
                conn,
                file_name=file_name,
                sha256=sha256,
                target=target,
                status="duplicate",
                reason=reason,
                duplicate_of=of["id"],
            )

    def begin_parse(self, file_name: str, sha256: str) -> None:
        """Mark, durably, that parsing this file version begins (see `parse_began`)."""
        with self.engine.begin() as conn:
            conn.execute(insert(intake_parse_marks).values(file_name=file_name, sha256=sha256, started_at=utcnow()))

    def parse_began(self, file_name: str, sha256: str):
        """When parsing this file version began without ending (the process died mid-parse), else None."""
        m = intake_parse_marks.c
        with self.engine.connect() as conn:
            return conn.execute(
                select(m.started_at).where(m.sha256 == sha256, m.file_name == file_name).order_by(m.id).limit(1)
            ).scalar_one_or_none()

    def end_parse(self, file_name: str, sha256: str) -> None:
        m = intake_parse_marks.c
        with self.engine.begin() as conn:
            conn.execute(delete(intake_parse_marks).where(m.sha256 == sha256, m.file_name == file_name))

    def get(self, batch_id: int) -> dict:
        with self.engine.connect() as conn:
            return dict(conn.execute(select(intake_batches).where(intake_batches.c.id == batch_id)).one()._mapping)

    def find(self, batch_id: int) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(intake_batches).where(intake_batches.c.id == batch_id)).first()
        return dict(row._mapping) if row else None

    def pending(self) -> list[dict]:
        """Accepted batches whose run has not been seen yet."""
        q = select(intake_batches).where(intake_batches.c.status == "requested").order_by(intake_batches.c.id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def mark_launched(self, batch_id: int, run_id: str) -> None:
        """A requested batch is cut into chunks (one canceled meanwhile stays canceled)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(intake_batches)
                .where(intake_batches.c.id == batch_id, intake_batches.c.status == "requested")
                .values(status="launched", run_id=run_id, updated_at=utcnow())
            )

    def set_status(self, batch_id: int, status: str, reason: str | None, *, only_from: tuple[str, ...]) -> bool:
        """Move a batch from one of `only_from` to `status` (cancel, resume); False when it was in none of them."""
        q = (
            update(intake_batches)
            .where(intake_batches.c.id == batch_id, intake_batches.c.status.in_(only_from))
            .values(status=status, reason=reason, updated_at=utcnow())
        )
        with self.engine.begin() as conn:
            return conn.execute(q).rowcount == 1

    def parts(self, batch_id: int) -> list[str]:
        q = (
            select(intake_batch_parts.c.part_number)
            .where(intake_batch_parts.c.batch_id == batch_id)
            .order_by(intake_batch_parts.c.position)
        )
        with self.engine.connect() as conn:
            return list(conn.execute(q).scalars())

    def report(self, limit: int = 50, batch_id: int | None = None) -> list[dict]:
        """Newest batches first (or just `batch_id`), with their parts' progress (see `intake_report.batch_report`)."""
        return batch_report(self.engine, limit, batch_id)
