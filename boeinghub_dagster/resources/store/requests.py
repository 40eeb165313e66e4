"""The shared Boeing request queue (`boeing_requests`): every run puts the parts it needs here,
and whoever holds the dispatch lease packs full calls from all of them.

Order of service: lowest `priority` first (the hourly sync before extraction), then `round`
(the n-th batch-sized group of each enqueue), then arrival. Round-robin by round means a
2-part file dropped while a 50,000-part file is being fetched rides in the next call
instead of waiting 42 hours behind it.

Claims are fenced by the dispatch lease's token (`leases.py`): a claim checks it in its own
transaction and the claimed rows carry it; right before the call, `confirm_send` checks it again
and marks the rows `sending` in the same transaction. So rows an older token left `claimed` were
never sent and never will be (that holder's confirm fails): a new holder puts them back at once.
Rows an older token left `sending` may be in flight: they go back only once their holder can no
longer send them or write their answer (`release_stale`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Engine, and_, delete, exists, func, insert, select, update

from boeinghub_dagster.domain.clock import utcnow
from boeinghub_dagster.resources.store.leases import Lease, LeaseLost, dead_here, now_seconds
from boeinghub_dagster.resources.store.schema import (
    boeing_raw_parts,
    boeing_requests,
    intake_batch_chunks,
    intake_batch_parts,
    store_leases,
)
from boeinghub_dagster.resources.store.upsert import chunks

OPEN = ("waiting", "claimed", "sending")
HELD = ("claimed", "sending")  # taken by a dispatcher
PRIORITY_SYNC, PRIORITY_EXTRACTION = 0, 10


class RequestStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    def open_parts(self, parts: Sequence[str]) -> set[str]:
        """Parts that already wait for (or are in) a call."""
        found: set[str] = set()
        with self.engine.connect() as conn:
            for part in chunks(list(parts)):
                q = select(boeing_requests.c.part_number).where(
                    boeing_requests.c.part_number.in_(part), boeing_requests.c.state.in_(OPEN)
                )
                found.update(conn.execute(q).scalars())
        return found

    def enqueue(self, parts: Sequence[str], requested_by: str, priority: int, batch_size: int) -> int:
        """Add the parts that are not waiting already; return how many were added."""
        parts = list(dict.fromkeys(parts))
        waiting = self.open_parts(parts)
        fresh = [p for p in parts if p not in waiting]
        now = utcnow()
        rows = [
            {
                "part_number": p,
                "priority": priority,
                "round": i // batch_size,
                "state": "waiting",
                "requested_by": requested_by[:120],
                "requested_at": now,
            }
            for i, p in enumerate(fresh)
        ]
        with self.engine.begin() as conn:
            for part in chunks(rows):
                conn.execute(insert(boeing_requests), list(part))
        return len(rows)

    def has_requester(self, requested_by: str) -> bool:
        with self.engine.connect() as conn:
            q = select(boeing_requests.c.id).where(boeing_requests.c.requested_by == requested_by[:120]).limit(1)
            return conn.execute(q).first() is not None

    def has_waiting(self) -> bool:
        with self.engine.connect() as conn:
            return (
                conn.execute(select(boeing_requests.c.id).where(boeing_requests.c.state == "waiting").limit(1)).first()
                is not None
            )

    def claim(self, holder: str, size: int, fence: tuple[str, int] | None = None) -> list[str]:
        """Take the next `size` distinct waiting parts for one call (the lease holder only).

        `fence` (lease name, token): the claim takes nothing and raises `LeaseLost` unless the
        token is still the lease's current one, read in this same transaction (a share lock on
        PostgreSQL, so a takeover waits for the claim to commit, or the claim sees the takeover).
        """
        order = (boeing_requests.c.priority, boeing_requests.c.round, boeing_requests.c.id)
        with self.engine.begin() as conn:
            token = None
            if fence is not None:
                current = select(store_leases.c.token).where(store_leases.c.name == fence[0])
                if conn.dialect.name == "postgresql":
                    current = current.with_for_update(read=True)
                token = conn.execute(current).scalar_one_or_none()
                if token != fence[1]:
                    raise LeaseLost(f"lease {fence[0]!r}: token {fence[1]} is no longer current ({token})")
            q = select(boeing_requests.c.part_number).where(boeing_requests.c.state == "waiting").order_by(*order)
            if conn.dialect.name == "postgresql":
                q = q.with_for_update(skip_locked=True)
            picked: list[str] = []
            for pn in conn.execute(q.limit(size * 4)).scalars():
                if pn not in picked:
                    picked.append(pn)
                if len(picked) == size:
                    break
            if picked:
                conn.execute(
                    update(boeing_requests)
                    .where(boeing_requests.c.part_number.in_(picked), boeing_requests.c.state == "waiting")
                    .values(state="claimed", claimed_by=holder, claim_token=token, claimed_at=now_seconds(conn))
                )
        return picked

    def finish(self, holder: str, answered: Iterable[str], raw_id: int | None, failures: dict[str, str]) -> None:
        """Close the holder's claimed rows: answered (with the raw answer) or failed (with why)."""
        now = utcnow()
        claimed = and_(boeing_requests.c.claimed_by == holder, boeing_requests.c.state.in_(HELD))
        with self.engine.begin() as conn:
            ok = [p for p in answered if p not in failures]
            if ok:
                conn.execute(
                    update(boeing_requests)
                    .where(claimed, boeing_requests.c.part_number.in_(ok))
                    .values(state="answered", raw_response_id=raw_id, done_at=now)
                )
            for reason, parts in _by_reason(failures).items():
                conn.execute(
                    update(boeing_requests)
                    .where(claimed, boeing_requests.c.part_number.in_(parts))
                    .values(state="failed", raw_response_id=raw_id, reason=reason[:2000], done_at=now)
                )

    def release(self, holder: str | None = None) -> int:
        """Put claimed rows back in the queue: the holder's (after an error), or everyone's (lease taken over).

        A dead holder may have stored its answer and died before closing its rows: rows whose
        part has an answer newer than the request are closed as answered, never asked again.
        """
        claimed = boeing_requests.c.state.in_(HELD)
        if holder is not None:
            claimed = and_(claimed, boeing_requests.c.claimed_by == holder)
        with self.engine.begin() as conn:
            return _requeue(conn, claimed)

    def confirm_send(self, lease: Lease, parts: Sequence[str]) -> None:
        """Right before the call: renew the lease if its token is still current and mark `parts` `sending`,
        in one transaction; else raise `LeaseLost` (and the holder stops holding): nothing may be sent."""
        with self.engine.begin() as conn:
            held = lease.renew_in(conn)
            for part in chunks(list(parts)) if held else ():
                conn.execute(
                    update(boeing_requests)
                    .where(
                        boeing_requests.c.claimed_by == lease.holder,
                        boeing_requests.c.state == "claimed",
                        boeing_requests.c.part_number.in_(part),
                    )
                    .values(state="sending")
                )
        if not held:
            lease.drop()
            raise LeaseLost(f"lease {lease.name!r} (token {lease.token}) was taken over while its holder stalled")

    def release_stale(self, lease: Lease) -> int:
        """Put back parts held under an older token than `lease`'s. `claimed` ones at once: their holder
        never confirmed them for sending and no longer can. `sending` ones once their holder can no longer
        send them or write their answer: at once when it is dead on this host, else `lease.grace` seconds
        after this lease was taken (the old holder's last confirm is at least its `ttl` older than that).
        Returns how many are still held back."""
        old = func.coalesce(boeing_requests.c.claim_token, 0) < lease.token
        stale = and_(boeing_requests.c.state == "sending", old)
        with self.engine.begin() as conn:
            _requeue(conn, and_(boeing_requests.c.state == "claimed", old))
            holders = set(conn.execute(select(boeing_requests.c.claimed_by).where(stale).distinct()).scalars())
            if holders and now_seconds(conn) < lease.taken_at + lease.grace:
                dead = {h for h in holders if dead_here(h)}
                if dead:
                    _requeue(conn, and_(stale, boeing_requests.c.claimed_by.in_(dead)))
                return conn.execute(select(func.count()).select_from(boeing_requests).where(stale)).scalar_one()
            if holders:
                _requeue(conn, stale)
        return 0

    def failed_since(self, parts: Sequence[str], since: datetime) -> dict[str, str]:
        """Why parts failed without an answer (a refused request), latest first wins."""
        out: dict[str, str] = {}
        with self.engine.connect() as conn:
            for part in chunks(list(parts)):
                q = (
                    select(boeing_requests.c.part_number, boeing_requests.c.reason)
                    .where(
                        boeing_requests.c.part_number.in_(part),
                        boeing_requests.c.state == "failed",
                        boeing_requests.c.raw_response_id.is_(None),
                        boeing_requests.c.done_at >= since,
                    )
                    .order_by(boeing_requests.c.id)
                )
                out.update({pn: reason for pn, reason in conn.execute(q)})
        return out

    def drop(self, requested_by: str) -> int:
        """Withdraw what one requester still waits for (its batch gave up)."""
        q = update(boeing_requests).where(
            boeing_requests.c.requested_by == requested_by, boeing_requests.c.state == "waiting"
        )
        with self.engine.begin() as conn:
            return conn.execute(q.values(state="dropped", done_at=utcnow())).rowcount

    def withdraw(self, requesters: Sequence[str], batch_id: int, reason: str) -> int:
        """Take a canceled batch's open rows (`requesters`: its chunks' and runs' names) out of the queue,
        except parts another batch's requested chunk still waits for: the queue holds one row per
        waiting part, so that row is the other batch's too. A claimed row's call is under way; its
        answer is stored all the same."""
        wanted_elsewhere = (
            select(intake_batch_parts.c.part_number)
            .join(
                intake_batch_chunks,
                and_(
                    intake_batch_chunks.c.batch_id == intake_batch_parts.c.batch_id,
                    intake_batch_chunks.c.chunk == intake_batch_parts.c.chunk,
                ),
            )
            .where(intake_batch_parts.c.batch_id != batch_id, intake_batch_chunks.c.status == "requested")
        )
        names = list(dict.fromkeys(r[:120] for r in requesters))
        dropped = 0
        with self.engine.begin() as conn:
            for part in chunks(names):
                q = update(boeing_requests).where(
                    boeing_requests.c.requested_by.in_(part),
                    boeing_requests.c.state.in_(OPEN),
                    boeing_requests.c.part_number.not_in(wanted_elsewhere),
                )
                dropped += conn.execute(q.values(state="dropped", reason=reason[:2000], done_at=utcnow())).rowcount
        return dropped

    def waiting_count(self) -> int:
        with self.engine.connect() as conn:
            q = select(func.count(func.distinct(boeing_requests.c.part_number))).where(
                boeing_requests.c.state.in_(OPEN)
            )
            return conn.execute(q).scalar_one()

    def prune(self, before: datetime) -> int:
        """Delete closed rows older than `before` (they are history, not state)."""
        q = delete(boeing_requests).where(boeing_requests.c.state.not_in(OPEN), boeing_requests.c.done_at < before)
        with self.engine.begin() as conn:
            return conn.execute(q).rowcount


def _requeue(conn, claimed) -> int:
    """Claimed rows back to waiting; rows whose part has an answer newer than the request close as answered."""
    answered = exists().where(
        boeing_raw_parts.c.part_number == boeing_requests.c.part_number,
        boeing_raw_parts.c.fetched_at >= boeing_requests.c.requested_at,
    )
    conn.execute(update(boeing_requests).where(claimed, answered).values(state="answered", done_at=utcnow()))
    return conn.execute(
        update(boeing_requests)
        .where(claimed)
        .values(state="waiting", claimed_by=None, claim_token=None, claimed_at=None)
    ).rowcount


def _by_reason(failures: dict[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part, reason in failures.items():
        out.setdefault(reason, []).append(part)
    return out
