"""Everything the store holds about a few hundred parts, read for `lookup_parts` (issue 15 item 1).

Read only, one query per table per 500 parts: the latest raw answer (with its payload), the
staging row, the failures (grouped by stage and reason), the products row, the sync slot,
the intake batches, the price hold, the deferral, the newest override row and the last price
changes. Cross-stage reading lives here so no stage folder imports another.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, func, select

from boeinghub_dagster.domain.clock import aware
from boeinghub_dagster.resources.store.overrides import OverrideStore
from boeinghub_dagster.resources.store.price_history import PriceHistoryStore
from boeinghub_dagster.resources.store.retire import RetireStore
from boeinghub_dagster.resources.store.schema import (
    boeing_raw_parts,
    boeing_raw_responses,
    intake_batch_parts,
    intake_batches,
    part_failures,
    product_staging,
)
from boeinghub_dagster.resources.store.schema_publishing import (
    price_holds,
    product_sync_schedule,
    products,
    publish_deferrals,
)
from boeinghub_dagster.resources.store.upsert import chunks

TIMES = (
    "fetched_at",
    "last_at",
    "created_at",
    "updated_at",
    "published_at",
    "retired_at",
    "last_sync_at",
    "held_at",
    "approved_at",
    "retry_after",
)


def _aware(row: dict) -> dict:
    return {k: (aware(v) if k in TIMES and v is not None else v) for k, v in row.items()}


class LookupStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    def resolve(self, values: Sequence[str]) -> dict[str, list[str]]:
        """Each value -> the parts it names: itself when the store knows it as a part, and every part whose
        SKU it is; an unknown value names itself (its row says nothing is known)."""
        known = RetireStore(self.engine).known(values)
        by_sku: dict[str, set[str]] = {}
        with self.engine.connect() as conn:
            for part in chunks(list(values)):
                for table in (product_staging, products):
                    q = select(table.c.sku, table.c.part_number).where(table.c.sku.in_(part))
                    for sku, pn in conn.execute(q):
                        by_sku.setdefault(sku, set()).add(pn)
        out = {}
        for value in values:
            parts = ([value] if value in known else []) + sorted(by_sku.get(value, set()) - {value})
            out[value] = parts or [value]
        return out

    def _rows(self, conn, table, parts: list[str], *order) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        for part in chunks(parts):
            q = select(table).where(table.c.part_number.in_(part))
            for r in conn.execute(q.order_by(*order) if order else q):
                out.setdefault(r.part_number, []).append(_aware(dict(r._mapping)))
        return out

    def facts(self, part_numbers: Sequence[str]) -> dict[str, dict]:
        parts = list(dict.fromkeys(part_numbers))
        with self.engine.connect() as conn:
            staging = self._rows(conn, product_staging, parts)
            product = self._rows(conn, products, parts)
            sched = self._rows(conn, product_sync_schedule, parts)
            holds = self._rows(conn, price_holds, parts)
            deferrals = self._rows(conn, publish_deferrals, parts)
            raw = self._raw(conn, parts)
            failures = self._failures(conn, parts)
            batches = self._batches(conn, parts)
        overrides = OverrideStore(self.engine).latest(parts)
        history = PriceHistoryStore(self.engine).last(parts)
        one = lambda rows, p: (rows.get(p) or [None])[0]  # noqa: E731
        return {
            p: {
                "raw": raw.get(p),
                "staging": one(staging, p),
                "product": one(product, p),
                "schedule": one(sched, p),
                "hold": one(holds, p),
                "deferral": one(deferrals, p),
                "failures": failures.get(p, []),
                "batches": batches.get(p, []),
                "override": overrides.get(p),
                "history": history.get(p, []),
            }
            for p in parts
        }

    def _raw(self, conn, parts: list[str]) -> dict[str, dict]:
        """The latest answer of each part, with the payload it came in (read once per answer)."""
        index = {p: rows[0] for p, rows in self._rows(conn, boeing_raw_parts, parts).items()}
        payloads: dict[int, dict] = {}
        ids = sorted({r["raw_response_id"] for r in index.values() if r["returned"]})
        for part in chunks(ids):
            q = select(boeing_raw_responses.c.id, boeing_raw_responses.c.payload)
            q = q.where(boeing_raw_responses.c.id.in_(part))
            payloads.update({i: payload for i, payload in conn.execute(q)})
        return {p: {**r, "payload": payloads.get(r["raw_response_id"])} for p, r in index.items()}

    def _failures(self, conn, parts: list[str]) -> dict[str, list[dict]]:
        """Every recorded failure, grouped by (stage, reason) with its count and last time, newest first."""
        f = part_failures.c
        out: dict[str, list[dict]] = {}
        for part in chunks(parts):
            q = (
                select(f.part_number, f.stage, f.reason, func.count().label("count"), func.max(f.at).label("last_at"))
                .where(f.part_number.in_(part))
                .group_by(f.part_number, f.stage, f.reason)
                .order_by(f.part_number, func.max(f.at).desc())
            )
            for r in conn.execute(q):
                out.setdefault(r.part_number, []).append(_aware(dict(r._mapping)))
        return out

    def _batches(self, conn, parts: list[str]) -> dict[str, list[dict]]:
        b, bp = intake_batches.c, intake_batch_parts.c
        out: dict[str, list[dict]] = {}
        for part in chunks(parts):
            q = (
                select(bp.part_number, b.id, b.file_name, b.created_at, b.target, b.status)
                .join(intake_batches, b.id == bp.batch_id)
                .where(bp.part_number.in_(part))
                .distinct()
                .order_by(bp.part_number, b.id.desc())
            )
            for r in conn.execute(q):
                out.setdefault(r.part_number, []).append(_aware(dict(r._mapping)))
        return out

    def skus(self, part_numbers: Sequence[str]) -> dict[str, str]:
        """part -> the SKU its product or staging row holds."""
        out: dict[str, str] = {}
        with self.engine.connect() as conn:
            for part in chunks(list(part_numbers)):
                for table in (product_staging, products):
                    q = select(table.c.part_number, table.c.sku).where(table.c.part_number.in_(part))
                    out.update(dict(conn.execute(q).all()))
        return out
