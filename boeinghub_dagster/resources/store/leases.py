"""Short leases in the store: one holder at a time per name, renewed by a heartbeat thread.

The Boeing dispatcher holds one so that a single process packs and sends every call: no
other run reserves limiter slots it cannot fill. A holder that dies stops renewing, and
its lease lapses after `ttl` seconds (on PostgreSQL measured by the database clock); a holder
that died on this very host (its pid is gone) is taken over at once, so a killed run's
successor does not wait out the lease.
"""

from __future__ import annotations

import os
import socket
import threading
import time

from sqlalchemy import Engine, or_, select, text, update

from .schema import store_leases
from .upsert import insert_ignore


def _now(conn) -> float:
    if conn.dialect.name == "postgresql":
        return conn.execute(text("SELECT extract(epoch FROM clock_timestamp())::float8")).scalar_one()
    return time.time()


HOST = socket.gethostname()[:16]


def _tag(holder: str) -> str:
    """What the row stores: the holder plus where it runs, so a dead local holder is recognized."""
    return f"{holder[:40]}@{HOST}:{os.getpid()}"


def _dead_here(tag: str | None) -> bool:
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

    def __init__(self, engine: Engine, name: str, holder: str, ttl: float = 30.0):
        self.engine, self.name, self.holder, self.ttl = engine, name, _tag(holder), ttl
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.took_over = False  # the previous holder's lease had lapsed
        with engine.begin() as conn:
            insert_ignore(conn, store_leases, [{"name": name, "holder": None, "expires_at": 0.0, "wanted_at": 0.0}], ["name"])

    @property
    def held(self) -> bool:
        return self._thread is not None

    def _extend(self, only_if_free: bool) -> bool:
        with self.engine.begin() as conn:
            now = _now(conn)
            row = conn.execute(select(store_leases).where(store_leases.c.name == self.name)).one()
            q = update(store_leases).where(store_leases.c.name == self.name)
            if only_if_free and _dead_here(row.holder):
                q = q.where(store_leases.c.holder == row.holder)
            elif only_if_free:
                q = q.where(or_(store_leases.c.holder.is_(None), store_leases.c.holder == self.holder, store_leases.c.expires_at < now))
            else:
                q = q.where(store_leases.c.holder == self.holder)
            values = {"holder": self.holder, "expires_at": now + self.ttl}
            if only_if_free:
                values["wanted_at"] = 0.0
            got = conn.execute(q.values(**values)).rowcount == 1
            if got and only_if_free:
                self.took_over = row.holder not in (None, self.holder)
            elif only_if_free:  # someone else holds it: ask for it
                conn.execute(update(store_leases).where(store_leases.c.name == self.name).values(wanted_at=now))
        return got

    def wanted(self) -> bool:
        """Another caller asked for the lease since this holder took it."""
        with self.engine.connect() as conn:
            row = conn.execute(select(store_leases.c.holder, store_leases.c.wanted_at).where(store_leases.c.name == self.name)).one()
        return row.holder == self.holder and row.wanted_at > 0

    def try_take(self) -> bool:
        if self.held:
            return True
        if not self._extend(only_if_free=True):
            return False
        self._stop.clear()
        self._thread = threading.Thread(target=self._renew, name=f"lease-{self.name}", daemon=True)
        self._thread.start()
        return True

    def _renew(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            try:
                if not self._extend(only_if_free=False):
                    return  # lost it (lapsed while the process stalled); the next try_take decides
            except Exception:  # noqa: BLE001 - a failed renewal only shortens the lease
                continue

    def release(self) -> None:
        if not self.held:
            return
        self._stop.set()
        self._thread.join(timeout=5)
        self._thread = None
        with self.engine.begin() as conn:
            conn.execute(
                update(store_leases).where(store_leases.c.name == self.name, store_leases.c.holder == self.holder)
                .values(holder=None, expires_at=0.0)
            )
