"""`boeinghub intake FILE ... [--inbox DIR] [--publish]`: drop files into the inbox safely.

Each file is written to `<inbox>/.<name>.<random>.part` (a dotfile ending in
`.part`: the inbox sensor ignores both), fsynced, then given its final name in
one atomic step, so the sensor never sees a half-written file. An existing name
is never overwritten: `parts.txt` becomes `parts-1.txt`, `parts-2.txt`, ...
No Dagster import: this runs on an operator's shell in a fraction of a second.

`boeinghub dagster-pg-url` prints `$DAGSTER_PG_URL` in the form dagster-postgres
needs (see `boeinghub_dagster.instance`); `scripts/hub` exports what it prints.
`boeinghub migrate` brings the store at `$BOEINGHUB_DATABASE_URL` to the newest Alembic revision.
`boeinghub shopify-check` checks a shop before the first publish (`shopify_check.py`).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
from pathlib import Path

from boeinghub_dagster.domain.intake import numbered_names
from boeinghub_dagster.instance import dagster_pg_url

DEFAULT_INBOX = Path("data") / "inbox"  # where scripts/hub puts it, relative to the project root
PUBLISH = "publish"  # resources.inbox.PUBLISH; not imported, to keep Dagster out of this command
EXIT_ERROR = 2


class IntakeError(Exception):
    """An operator-facing problem with one file; str(exc) names the file and the problem."""


def _problem(source: Path) -> str | None:
    """Why `source` cannot be dropped into the inbox, or None."""
    if not source.exists():
        return "no such file"
    if source.is_dir():
        return "is a directory, not a file"
    if not source.is_file():
        return "is not a regular file"
    if source.name.startswith(".") or source.name.endswith(".part"):
        return "the inbox ignores names starting with '.' or ending in '.part' (files being written); rename it"
    try:
        with source.open("rb"):
            pass
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    return None


def _publish_name(tmp: Path, folder: Path, name: str) -> Path:
    """Give `tmp` the first free name among `name`, `<stem>-1<ext>`, ... without ever overwriting."""
    for candidate in numbered_names(name):
        dest = folder / candidate
        try:
            os.link(tmp, dest)  # atomic and fails if `dest` exists: no check-then-rename race
        except FileExistsError:
            continue
        except OSError:  # a filesystem without hard links: check, then rename atomically
            if dest.exists():
                continue
            os.replace(tmp, dest)
            return dest
        tmp.unlink()
        return dest
    raise IntakeError(f"{name}: no free name left in {folder}")


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # best effort: not every platform can fsync a directory
    finally:
        os.close(fd)


def copy_into_inbox(source: Path, folder: Path) -> Path:
    """Copy `source` into `folder` atomically; returns the destination path."""
    problem = _problem(source)
    if problem:
        raise IntakeError(f"{source}: {problem}")
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{source.name}.{secrets.token_hex(6)}.part"
    try:
        with source.open("rb") as src, tmp.open("xb") as out:
            shutil.copyfileobj(src, out, 1024 * 1024)
            out.flush()
            os.fsync(out.fileno())
        dest = _publish_name(tmp, folder, source.name)
    except OSError as exc:
        raise IntakeError(f"{source}: cannot copy it into {folder} ({exc.strerror or exc})") from exc
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(folder)
    return dest


def _intake(args: argparse.Namespace) -> int:
    inbox = Path(args.inbox or os.environ.get("BOEINGHUB_INBOX") or DEFAULT_INBOX)
    folder = inbox / PUBLISH if args.publish else inbox
    problems = [f"{source}: {p}" for source in args.files if (p := _problem(source))]
    if problems:  # refuse the whole command before copying anything
        for line in problems:
            print(f"boeinghub intake: {line}", file=sys.stderr)
        return EXIT_ERROR
    status = 0
    for source in args.files:
        try:
            dest = copy_into_inbox(source, folder)
        except IntakeError as exc:
            print(f"boeinghub intake: {exc}", file=sys.stderr)
            status = EXIT_ERROR
            continue
        print(os.path.abspath(dest), flush=True)
    return status


def _dagster_pg_url(_args: argparse.Namespace) -> int:
    url = os.environ.get("DAGSTER_PG_URL", "")
    if not url.strip():
        print("boeinghub dagster-pg-url: DAGSTER_PG_URL is not set", file=sys.stderr)
        return EXIT_ERROR
    try:
        print(dagster_pg_url(url))
    except ValueError as exc:
        print(f"boeinghub dagster-pg-url: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return 0


def _migrate(_args: argparse.Namespace) -> int:
    url = os.environ.get("BOEINGHUB_DATABASE_URL", "").strip()
    if not url:
        print("boeinghub migrate: BOEINGHUB_DATABASE_URL is not set", file=sys.stderr)
        return EXIT_ERROR
    from sqlalchemy import text  # here, not at the top: `intake` stays free of database imports

    from boeinghub_dagster.resources.store.engine import dispose_all, get_engine, redact

    try:
        where = redact(url)
    except Exception:  # noqa: BLE001 - SQLAlchemy's parse error quotes the URL, password included
        print("boeinghub migrate: BOEINGHUB_DATABASE_URL is not a database URL", file=sys.stderr)
        return EXIT_ERROR
    try:
        with get_engine(url).connect() as conn:  # get_engine runs Alembic to head, under a lock
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    except Exception as exc:  # noqa: BLE001 - one line for the operator, never the URL's password
        print(f"boeinghub migrate: {where}: {type(exc).__name__}: {exc}".splitlines()[0], file=sys.stderr)
        return EXIT_ERROR
    finally:
        dispose_all()
    print(f"store {where} at revision {revision}")
    return 0


def _shopify_check(_args: argparse.Namespace) -> int:
    from boeinghub_dagster.shopify_check import run  # here: Dagster and httpx only for this command

    return run()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="boeinghub", description="Boeing Data Hub command line.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    intake = commands.add_parser(
        "intake",
        help="copy part-number files into the intake inbox",
        description="Copy part-number files (.txt, .csv, .xlsx) into the inbox atomically; prints each destination.",
    )
    intake.add_argument("files", nargs="+", type=Path, metavar="FILE", help="a .txt, .csv or .xlsx file of part numbers")
    intake.add_argument("--inbox", metavar="DIR", help=f"inbox folder (default: $BOEINGHUB_INBOX, else ./{DEFAULT_INBOX.as_posix()})")
    intake.add_argument("--publish", action="store_true", help="drop into <inbox>/publish/: extract, then publish")
    intake.set_defaults(func=_intake)
    pg_url = commands.add_parser(
        "dagster-pg-url",
        help="print $DAGSTER_PG_URL as dagster-postgres needs it (psycopg2 driver)",
        description="Print $DAGSTER_PG_URL (postgresql://, postgres://, a Supabase pooler URL) with the psycopg2 "
        "driver dagster-postgres needs: export DAGSTER_PG_URL=\"$(boeinghub dagster-pg-url)\" before starting Dagster.",
    )
    pg_url.set_defaults(func=_dagster_pg_url)
    migrate = commands.add_parser(
        "migrate",
        help="bring the hub's store ($BOEINGHUB_DATABASE_URL) to the newest schema (Alembic)",
        description="Run the store's Alembic migrations to head on $BOEINGHUB_DATABASE_URL (SQLite or PostgreSQL). "
        "Safe to repeat; the hub also migrates on first use.",
    )
    migrate.set_defaults(func=_migrate)
    check = commands.add_parser(
        "shopify-check",
        help="read-only checks of the shop ($SHOPIFY_SHOP_URL) before the first publish",
        description="Check the shop at $SHOPIFY_SHOP_URL with $SHOPIFY_ACCESS_TOKEN (never printed): token scopes, "
        "the served API version, SHOPIFY_LOCATION_MAP locations, SHOPIFY_PUBLICATIONS sales channels, metafield "
        "definitions. One line each and a verdict; exit 1 when a check fails. Changes nothing on the shop.",
    )
    check.set_defaults(func=_shopify_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help or a usage error: argparse already printed it
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_ERROR)
    return args.func(args)
