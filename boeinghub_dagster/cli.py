"""`boeinghub intake FILE ... [--inbox DIR] [--publish]`: drop files into the inbox safely.

Each file is written to `<inbox>/.<name>.<random>.part` (a dotfile ending in
`.part`: the inbox sensor waits for both), fsynced, then given its final name in
one atomic step, so the sensor never sees a half-written file. An existing name
is never overwritten: `parts.txt` becomes `parts-1.txt`, … `parts-9.txt`, then
`parts-<timestamp>.txt`. A name the sensor would refuse or wait on is refused here.
An `s3://bucket/prefix` inbox gets each file in one PUT (atomic in S3: the sensor lists all of it
or nothing), through the hub's S3 connection (`SUPABASE_S3_*`), under the same free names.
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
from datetime import UTC, datetime
from pathlib import Path

from boeinghub_dagster.domain.intake_names import MAX_NAME_BYTES, cut_name, free_names, in_progress, judge_name
from boeinghub_dagster.instance import dagster_pg_url
from boeinghub_dagster.resources.s3_client import (
    NOT_FOUND,
    PRECONDITION_FAILED,
    describe_failure,
    error_code,
    is_s3_url,
    parse_s3_url,
    s3_client,
)

DEFAULT_INBOX = Path("data") / "inbox"  # where scripts/hub puts it, relative to the project root
PUBLISH = "publish"  # resources.inbox.PUBLISH; not imported, to keep Dagster out of this command
EXIT_ERROR = 2
S3_SETTINGS = ("SUPABASE_S3_ENDPOINT", "SUPABASE_S3_ACCESS_KEY_ID", "SUPABASE_S3_SECRET_ACCESS_KEY")


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
    verdict = judge_name(source.name, 0)
    if verdict.action == "refuse":
        return verdict.reason
    if in_progress(source.name):
        return "the inbox takes names starting with '.' or ending in '.part' for files still being written; rename it"
    try:
        with source.open("rb"):
            pass
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    return None


def _publish_name(tmp: Path, folder: Path, name: str) -> Path:
    """Give `tmp` the first free name among `name`, `<stem>-1<ext>`, ... without ever overwriting."""
    unique = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    for candidate in free_names(name, unique, MAX_NAME_BYTES):
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
    raise AssertionError("free_names never ends")  # pragma: no cover


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
    tmp = folder / f".{cut_name(source.name, MAX_NAME_BYTES - 20)}.{secrets.token_hex(6)}.part"  # within 255 bytes
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


def upload_into_inbox(source: Path, url: str, client=None) -> str:
    """Upload `source` under the prefix of `url` in one PUT, under the first free name; returns its URL."""
    problem = _problem(source)
    if problem:
        raise IntakeError(f"{source}: {problem}")
    from botocore.exceptions import BotoCoreError, ClientError

    bucket, prefix = parse_s3_url(url)
    client = client or _s3_from_env(url)
    unique = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    for candidate in free_names(source.name, unique, MAX_NAME_BYTES):
        key = prefix + candidate
        try:
            if _exists(client, bucket, key):
                continue  # never overwritten
            with source.open("rb") as body:  # If-None-Match: a name taken since the HEAD is not overwritten either
                client.put_object(Bucket=bucket, Key=key, Body=body, IfNoneMatch="*")
            return f"s3://{bucket}/{key}"
        except ClientError as exc:
            if error_code(exc) in PRECONDITION_FAILED:
                continue
            raise IntakeError(f"{source}: {describe_failure('upload', f's3://{bucket}/{key}', exc)}") from None
        except (BotoCoreError, OSError) as exc:
            raise IntakeError(f"{source}: {describe_failure('upload', f's3://{bucket}/{key}', exc)}") from None
    raise AssertionError("free_names never ends")  # pragma: no cover


def _exists(client, bucket: str, key: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        client.head_object(Bucket=bucket, Key=key)
        return True
    except ClientError as exc:
        if error_code(exc) in NOT_FOUND:
            return False
        raise


def _s3_from_env(url: str):
    missing = [name for name in S3_SETTINGS if not os.environ.get(name, "").strip()]
    if missing:
        raise IntakeError(f"{url}: set {', '.join(missing)} (the hub's S3 connection) to upload into it")
    env = os.environ
    return s3_client(
        env["SUPABASE_S3_ENDPOINT"],
        env.get("SUPABASE_S3_REGION") or "us-east-1",
        env["SUPABASE_S3_ACCESS_KEY_ID"],
        env["SUPABASE_S3_SECRET_ACCESS_KEY"],
        timeout_seconds=30,
    )


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
    problems = [f"{source}: {p}" for source in args.files if (p := _problem(source))]
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
