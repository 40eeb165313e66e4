"""A throwaway PostgreSQL server for the test suite.

Hand-written instead of pytest-postgresql because its executor runs `pg_ctl` as
the current user, and tests here run as root, which PostgreSQL refuses: the
server below runs as the unprivileged `postgres` user in a temporary data dir.
`BOEINGHUB_TEST_PG_URL` points the suite at an existing server instead.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg

from boeinghub_dagster_tests.support.waiting import free_port


def _bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise RuntimeError(
            f"{name} not found: install a PostgreSQL server (apt-get install postgresql) or set BOEINGHUB_TEST_PG_URL"
        )
    return found


def _unprivileged_user() -> str:
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and no 'postgres' or 'nobody' user to run PostgreSQL as")


def _as_user(cmd: list[str], user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--", *cmd] if user else cmd


class LocalPostgres:
    """A PostgreSQL server of our own in a temporary data dir (as `postgres` when root)."""

    def __init__(self):
        self.user = None
        self.root = Path(tempfile.mkdtemp(prefix="boeinghub-pg-"))
        if os.geteuid() == 0:
            self.user = _unprivileged_user()
            pw = pwd.getpwnam(self.user)
            os.chmod(self.root, 0o755)
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self.data, port = self.root / "data", free_port()
        subprocess.run(
            _as_user(
                [_bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"],
                self.user,
            ),
            check=True,
            capture_output=True,
        )
        self.opts = f"-p {port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._ctl("-o", self.opts, "-l", str(self.root / "log"), "-w", "start")
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            _as_user([_bin("pg_ctl"), "-D", str(self.data), *args], self.user), check=True, capture_output=True
        )

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every open connection is cut, the server is back when this returns."""
        self._ctl("-o", self.opts, "-l", str(self.root / "log"), "-m", "fast", "-w", "restart")

    def stop(self) -> None:
        subprocess.run(
            _as_user([_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"], self.user), capture_output=True
        )
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def postgres_server():
    """Yield an admin URL (`postgresql://postgres@127.0.0.1:PORT/postgres`)."""
    if os.environ.get("BOEINGHUB_TEST_PG_URL"):
        yield os.environ["BOEINGHUB_TEST_PG_URL"]
        return
    server = LocalPostgres()
    try:
        yield server.url
    finally:
        server.stop()


def create_database(admin_url: str) -> str:
    """A fresh empty database on the server; returns its URL."""
    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name
