"""`boeinghub intake FILE ... [--inbox DIR] [--publish]`: drop files into the inbox safely.

Each file is given its final name in one atomic step, so the sensor never sees a half-written file, and an
existing name is never overwritten (`intake_drop.py`). No Dagster import: this runs on an operator's shell
in a fraction of a second.

`boeinghub dagster-pg-url` prints `$DAGSTER_PG_URL` in the form dagster-postgres
needs (see `boeinghub_dagster.instance`); `scripts/hub` exports what it prints.
`boeinghub migrate` brings the store at `$BOEINGHUB_DATABASE_URL` to the newest Alembic revision.
`boeinghub shopify-check` checks a shop before the first publish (`shopify_check.py`).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from boeinghub_dagster.instance import dagster_pg_url
from boeinghub_dagster.intake_drop import IntakeError, copy_into_inbox, file_problem, upload_into_inbox
from boeinghub_dagster.resources.s3_client import is_s3_url, parse_s3_url

DEFAULT_INBOX = Path("data") / "inbox"  # where scripts/hub puts it, relative to the project root
PUBLISH = "publish"  # resources.inbox.PUBLISH; not imported, to keep Dagster out of this command
EXIT_ERROR = 2


def _drop(source: Path, inbox: str, publish: bool) -> str:
    """Into the folder (printed as an absolute path) or the bucket prefix (printed as its s3:// URL)."""
    if is_s3_url(inbox):
        return upload_into_inbox(source, inbox.rstrip("/") + (f"/{PUBLISH}" if publish else ""))
    folder = Path(inbox) / PUBLISH if publish else Path(inbox)
    return os.path.abspath(copy_into_inbox(source, folder))


def _intake(args: argparse.Namespace) -> int:
    inbox = str(args.inbox or os.environ.get("BOEINGHUB_INBOX") or DEFAULT_INBOX)
    if is_s3_url(inbox):
        try:
            parse_s3_url(inbox)
        except ValueError as exc:
            print(f"boeinghub intake: {exc}", file=sys.stderr)
            return EXIT_ERROR
    problems = [f"{source}: {p}" for source in args.files if (p := file_problem(source))]
    if problems:  # refuse the whole command before copying anything
        for line in problems:
            print(f"boeinghub intake: {line}", file=sys.stderr)
        return EXIT_ERROR
    status = 0
    for source in args.files:
        try:
            dest = _drop(source, inbox, args.publish)
        except IntakeError as exc:
            print(f"boeinghub intake: {exc}", file=sys.stderr)
            status = EXIT_ERROR
            continue
        print(dest, flush=True)
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
    except Exception:
        print("boeinghub migrate: BOEINGHUB_DATABASE_URL is not a database URL", file=sys.stderr)
        return EXIT_ERROR
    try:
        with get_engine(url).connect() as conn:  # get_engine runs Alembic to head, under a lock
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    except Exception as exc:
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
    intake.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="a .txt, .csv or .xlsx file of part numbers"
    )
    intake.add_argument(
        "--inbox",
        metavar="DIR",
        help=f"inbox folder or s3://bucket/prefix (default: $BOEINGHUB_INBOX, else ./{DEFAULT_INBOX.as_posix()})",
    )
    intake.add_argument("--publish", action="store_true", help="drop into <inbox>/publish/: extract, then publish")
    intake.set_defaults(func=_intake)
    pg_url = commands.add_parser(
        "dagster-pg-url",
        help="print $DAGSTER_PG_URL as dagster-postgres needs it (psycopg2 driver)",
        description="Print $DAGSTER_PG_URL (postgresql://, postgres://, a Supabase pooler URL) with the psycopg2 "
        'driver dagster-postgres needs: export DAGSTER_PG_URL="$(boeinghub dagster-pg-url)" before starting Dagster.',
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
