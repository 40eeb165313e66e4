"""Alert grouping in the store: which messages go out, shared by every process that sends one.

Per subject (the group key): the first message goes out at once; more within the window are
counted (`pending`) instead of sent; once the window has passed, the next message, or the
digest the alerts sensor sends, carries that count. Each decision is one conditional UPDATE
(or an INSERT that only one writer wins), so two processes never both send for one subject.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite

from boeinghub_dagster.domain.clock import utcnow
from boeinghub_dagster.resources.store.schema import alert_groups

LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


class AlertStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    def claim(self, key: str, kind: str, text: str, window: timedelta) -> int | None:
        """None: grouped into the message already sent within `window`. Else send now: the number of
        messages grouped since the previous one (0 for a first message)."""
        now, key = utcnow(), key[:200]
        table = alert_groups
        with self.engine.begin() as conn:
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            first = (
                dialect.insert(table)
                .values(key=key, kind=kind, sent_at=now, pending=0, carried=0)
                .on_conflict_do_nothing()
                .returning(table.c.key)
            )
            if conn.execute(first).first() is not None:
                return 0
            taken = conn.execute(
                update(table)
                .where(table.c.key == key, table.c.sent_at < now - window)
                .values(sent_at=now, carried=table.c.pending, pending=0, pending_text=None)
                .returning(table.c.carried)
            ).first()
            if taken is not None:
                return taken.carried
            conn.execute(
                update(table).where(table.c.key == key).values(pending=table.c.pending + 1, pending_text=text[:4000])
            )
        return None

    def release(self, key: str) -> None:
        """A message that could not be sent: the next one for this subject goes out, carrying it."""
        with self.engine.begin() as conn:
            conn.execute(
                update(alert_groups)
                .where(alert_groups.c.key == key[:200])
                .values(sent_at=LONG_AGO, pending=alert_groups.c.pending + alert_groups.c.carried + 1, carried=0)
            )

    def due_digests(self, window: timedelta) -> list[dict]:
        """Subjects whose window has passed with messages grouped and not sent: claimed here, each once."""
        now = utcnow()
        out = []
        with self.engine.connect() as conn:
            keys = list(
                conn.execute(
                    select(alert_groups.c.key).where(alert_groups.c.pending > 0, alert_groups.c.sent_at < now - window)
                ).scalars()
            )
        for key in keys:
            with self.engine.begin() as conn:
                row = conn.execute(
                    update(alert_groups)
                    .where(alert_groups.c.key == key, alert_groups.c.pending > 0, alert_groups.c.sent_at < now - window)
                    .values(sent_at=now, carried=alert_groups.c.pending, pending=0)
                    .returning(
                        alert_groups.c.key, alert_groups.c.kind, alert_groups.c.carried, alert_groups.c.pending_text
                    )
                ).first()
            if row is not None:
                out.append(dict(row._mapping))
        return out
