"""Files dropped into the intake inbox atomically, so the inbox sensor never reads a half-written one.

Each file is written to `<inbox>/.<name>.<random>.part` (a dotfile ending in
`.part`: the inbox sensor waits for both), fsynced, then given its final name in
one atomic step. An existing name is never overwritten: `parts.txt` becomes `parts-1.txt`, … `parts-9.txt`,
then `parts-<timestamp>.txt`. A name the sensor would refuse or wait on is refused here.
An `s3://bucket/prefix` inbox gets each file in one PUT (atomic in S3: the sensor lists all of it
or nothing), through the hub's S3 connection (`SUPABASE_S3_*`), under the same free names.
No Dagster import: `boeinghub intake` runs on an operator's shell in a fraction of a second.
"""

from __future__ import annotations

import os
import secrets
import shutil
from datetime import UTC, datetime
from pathlib import Path

from boeinghub_dagster.domain.intake_names import MAX_NAME_BYTES, cut_name, free_names, in_progress, judge_name
from boeinghub_dagster.resources.s3_client import (
    NOT_FOUND,
    PRECONDITION_FAILED,
    describe_failure,
    error_code,
    parse_s3_url,
    s3_client,
)

S3_SETTINGS = ("SUPABASE_S3_ENDPOINT", "SUPABASE_S3_ACCESS_KEY_ID", "SUPABASE_S3_SECRET_ACCESS_KEY")


class IntakeError(Exception):
    """An operator-facing problem with one file; str(exc) names the file and the problem."""


def file_problem(source: Path) -> str | None:
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
    problem = file_problem(source)
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
    problem = file_problem(source)
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
