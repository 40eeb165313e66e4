"""Retiring parts (issue 15 item 4): the store's side, in one transaction per call.

A retired part leaves everything that would spend a budget on it and keeps every row that
says what happened to it. Its products row stays, marked `retired` (no payload hash and no
sales channels, so a later publish sends it whole and publishes it again); its sync-schedule
row is deleted (the row is the part's place in the sync, not its history: `sync_history` and
`price_history` keep that), which frees its hour slot; its waiting Boeing requests are
dropped; a deferral or a `pending` reconciliation row is closed as `retired` so neither the
publish stream nor reconciliation brings it back. Raw answers, staging, failures, holds,
overrides and history are untouched.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine, delete, select, update

from boeinghub_dagster.resources.store.schema import (
    boeing_raw_parts,
    boeing_requests,
    intake_batch_parts,
    part_failures,
    product_staging,
)
from boeinghub_dagster.resources.store.schema_publishing import (
    product_sync_schedule,
    products,
    publish_deferrals,
    publish_reconciliation,
)
from boeinghub_dagster.resources.store.upsert import chunks

RETIRED = "retired"


class RetireStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    def known(self, part_numbers: Sequence[str]) -> set[str]:
        """Those of the parts the store has any row of (answer, staging, failure, batch, product)."""
        found: set[str] = set()
        with self.engine.connect() as conn:
            for part in chunks(list(part_numbers)):
                for table in (products, product_staging, boeing_raw_parts, part_failures, intake_batch_parts):
                    q = select(table.c.part_number).where(table.c.part_number.in_(part)).distinct()
                    found.update(conn.execute(q).scalars())
        return found

    def syncing(self, part_numbers: Sequence[str]) -> set[str]:
        """Parts a sync run holds right now (`syncing`): its answer would write their rows again."""
        s = product_sync_schedule.c
        found: set[str] = set()
        with self.engine.connect() as conn:
            for part in chunks(list(part_numbers)):
                q = select(s.part_number).where(s.part_number.in_(part), s.sync_status == "syncing")
                found.update(conn.execute(q).scalars())
        return found

    def retire(self, part_numbers: Sequence[str], at: datetime) -> None:
        parts = list(dict.fromkeys(part_numbers))
        with self.engine.begin() as conn:
            for part in chunks(parts):
                conn.execute(
                    update(products)
                    .where(products.c.part_number.in_(part))
                    .values(status=RETIRED, retired_at=at, payload_hash=None, publications=[], updated_at=at)
                )
                conn.execute(delete(product_sync_schedule).where(product_sync_schedule.c.part_number.in_(part)))
                r = boeing_requests.c
                conn.execute(
                    update(boeing_requests)
                    .where(r.part_number.in_(part), r.state == "waiting")
                    .values(state="dropped", reason="part retired", done_at=at)
                )
                d = publish_deferrals.c
                conn.execute(
                    update(publish_deferrals)
                    .where(d.part_number.in_(part), d.state == "deferred")
                    .values(state=RETIRED, updated_at=at)
                )
                c = publish_reconciliation.c
                conn.execute(
                    update(publish_reconciliation)
                    .where(c.part_number.in_(part), c.state == "pending")
                    .values(state=RETIRED, last_error="part retired", updated_at=at)
                )
