"""Short leases in the store: one holder at a time per name, renewed by a heartbeat thread, fenced.

The Boeing dispatcher holds one so that a single process packs and sends every call: no
other run reserves limiter slots it cannot fill. A holder that dies stops renewing, and
its lease lapses after `ttl` seconds (on PostgreSQL measured by the database clock); a holder
that died on this very host (its pid is gone) is taken over at once, so a killed run's
successor does not wait out the lease.

A holder can also *stall* past its lease (SIGSTOP, a long GC pause, a paused VM) and wake up
believing it still holds it. So every acquisition takes the next **fencing token**, and a
holder proves it is still the holder where it matters (`requests.py`):

- its claim of queued parts checks the token in the same transaction: a holder that lost the
  lease claims nothing more;
- right before each call, `confirm_send` renews the lease only if the token is still its own and
  marks the parts `sending`, in one transaction; a holder that lost it sends nothing and puts
  its claimed parts back.

Parts an older token left `claimed` were never sent and never will be: a successor asks them at
once. Parts left `sending` may be in flight: after a confirm the lease holds for another `ttl`,
a successor takes over only once it lapsed, and asks them again `grace` seconds after its
takeover (at once when their holder is dead on this host). A part is asked twice only when its
holder stalls mid-call (or between its confirm and its write to the socket) for longer than
`ttl + grace`, 90 s by default: then its answer is as good as lost, and asking again is the
recovery.
"""

from __future__ import annotations

import os
import socket
import threading
import time

from sqlalchemy import Engine, or_, select, text, update

from boeinghub_dagster.resources.store.schema import store_leases
from boeinghub_dagster.resources.store.upsert import insert_ignore


class LeaseLost(Exception):
    """This holder's lease was taken over while it was not looking: it must not dispatch."""


def now_seconds(conn) -> float:
    """Epoch seconds by the database's clock on PostgreSQL (one clock for every host), else this host's."""
    if conn.dialect.name == "postgresql":
        return conn.execute(text("SELECT extract(epoch FROM clock_timestamp())::float8")).scalar_one()
    return time.time()


HOST = socket.gethostname()[:16]


def _tag(holder: str) -> str:
    """What the row stores: the holder plus where it runs, so a dead local holder is recognized (≤ 63 chars)."""
    return f"{holder[:38]}@{HOST}:{os.getpid()}"


def dead_here(tag: str | None) -> bool:
    """True when `tag` names a process on this host that no longer runs (or is a zombie)."""
    host_pid = (tag or "").rpartition("@")[2]
    host, _, pid = host_pid.rpartition(":")
    if host != HOST or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rpartition(")")[2].split()[0] == "Z"
    except OSError:
        return False


class Lease:
    """`try_take()` → True when this holder has it; a daemon thread renews it until `release()`."""

    def __init__(self, engine: Engine, name: str, holder: str, ttl: float = 30.0, grace: float | None = None):
        self.engine, self.name, self.holder, self.ttl = engine, name, _tag(holder), ttl
        self.grace = 2 * ttl if grace is None else grace
        self.token, self.taken_at = 0, 0.0  # this holder's fencing token and when it took it
        self._stop, self._lost = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None
        self.took_over = False  # the previous holder's lease had lapsed (or it died)
        with engine.begin() as conn:
            insert_ignore(
                conn,
                store_leases,
                [{"name": name, "holder": None, "expires_at": 0.0, "wanted_at": 0.0, "token": 0, "taken_at": 0.0}],
                ["name"],
            )

    @property
    def held(self) -> bool:
        return self._thread is not None and not self._lost.is_set()

    @property
    def lost(self) -> bool:
        """The heartbeat found the lease taken over (this process had stalled); cleared by `drop()`."""
        return self._lost.is_set()

    def _acquire(self) -> bool:
        with self.engine.begin() as conn:
            now = now_seconds(conn)
            row = conn.execute(select(store_leases).where(store_leases.c.name == self.name)).one()
            q = update(store_leases).where(store_leases.c.name == self.name)
            if dead_here(row.holder):
                q = q.where(store_leases.c.holder == row.holder)
            else:
                q = q.where(
                    or_(
                        store_leases.c.holder.is_(None),
                        store_leases.c.holder == self.holder,
                        store_leases.c.expires_at < now,
                    )
                )
            values = {
                "holder": self.holder,
                "expires_at": now + self.ttl,
                "wanted_at": 0.0,
                "token": store_leases.c.token + 1,
                "taken_at": now,
            }
            if conn.execute(q.values(**values)).rowcount != 1:  # someone else holds it: ask for it
                conn.execute(update(store_leases).where(store_leases.c.name == self.name).values(wanted_at=now))
                return False
            self.token = conn.execute(select(store_leases.c.token).where(store_leases.c.name == self.name)).scalar_one()
            self.taken_at, self.took_over = now, row.holder not in (None, self.holder)
        return True

    def renew_in(self, conn) -> bool:
        """Extend the lease in `conn`'s transaction if it is still this holder's acquisition (same token)."""
        if self._lost.is_set():
            return False
        q = (
            update(store_leases)
            .where(
                store_leases.c.name == self.name,
                store_leases.c.holder == self.holder,
                store_leases.c.token == self.token,
            )
            .values(expires_at=now_seconds(conn) + self.ttl)
        )
        return conn.execute(q).rowcount == 1

    def _renew(self) -> bool:
        with self.engine.begin() as conn:
            return self.renew_in(conn)

    def fence(self) -> tuple[str, int]:
        """(lease name, token) for a claim to check in its own transaction."""
        return self.name, self.token

    def wanted(self) -> bool:
        """Another caller asked for the lease since this holder took it."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(store_leases.c.holder, store_leases.c.wanted_at).where(store_leases.c.name == self.name)
            ).one()
        return row.holder == self.holder and row.wanted_at > 0

    def try_take(self) -> bool:
        if self.held:
            return True
        self.drop()
        if not self._acquire():
            return False
        self._stop.clear()
        self._lost.clear()
        self._thread = threading.Thread(target=self._heartbeat, name=f"lease-{self.name}", daemon=True)
        self._thread.start()
        return True

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            try:
                if not self._renew():
                    self._lost.set()  # taken over while the process stalled: stop holding
                    return
            except Exception:
                continue

    def drop(self) -> None:
        """Stop holding without touching the row (it is someone else's now)."""
        if self._thread is not None:
            self._stop.set()
            if self._thread is not threading.current_thread():
                self._thread.join(timeout=5)
            self._thread = None
        self._lost.clear()

    def release(self) -> None:
        if not self.held:
            self.drop()
            return
        self.drop()  # then give the row back, if it is still this acquisition's
        with self.engine.begin() as conn:
            conn.execute(
                update(store_leases)
                .where(
                    store_leases.c.name == self.name,
                    store_leases.c.holder == self.holder,
                    store_leases.c.token == self.token,
                )
                .values(holder=None, expires_at=0.0)
            )
