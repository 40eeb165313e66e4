"""How the hub talks to an S3-compatible store (Supabase Storage's S3 endpoint, S3, moto in tests).

One client setup for the image store, the S3 inbox and `boeinghub intake`: path-style addressing
(Supabase's endpoint has no per-bucket host names), and checksums only when the server requires
them (boto3 >= 1.36 sends `x-amz-checksum-*` headers by default, which S3-compatible stores,
Supabase's among them, do not all implement). Failures are described from the error's code and
HTTP status only: botocore's own texts can echo request details. No Dagster import: the command
line uses this from an operator's shell.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

SCHEME = "s3://"
NOT_FOUND = ("404", "NoSuchKey", "NotFound")
PRECONDITION_FAILED = ("412", "PreconditionFailed", "ConditionalRequestConflict")
MAX_PREFIX_BYTES = 512  # room left in S3's 1,024-byte keys for `processed/<name>.<note>`
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class S3Error(Exception):
    """The store refused or could not be reached; str(exc) is safe to show, `code` is S3's error code."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def s3_client(
    endpoint_url: str,
    region: str,
    access_key_id: str,
    secret_access_key: str,
    timeout_seconds: float,
    attempts: int = 4,
):
    """A boto3 S3 client (thread-safe; create one per resource instance)."""
    import boto3  # only S3 deployments pay for importing boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        config=Config(
            s3={"addressing_style": "path"},
            connect_timeout=timeout_seconds,
            read_timeout=timeout_seconds,
            retries={"max_attempts": attempts, "mode": "standard"},
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        ),
    )


def error_code(exc: Exception) -> str:
    """The S3 error code of a botocore error (`NoSuchKey`, `PreconditionFailed`, …), else its class name."""
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code") or type(exc).__name__)


def describe_failure(what: str, where: str, exc: Exception) -> str:
    """`S3 <what> <where>: <code> (HTTP <status>)`, safe to show an operator: never a credential."""
    response = getattr(exc, "response", None) or {}
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return f"S3 {what} {where}: {error_code(exc)}" + (f" (HTTP {status})" if status else "")


def is_s3_url(text: str) -> bool:
    return text.strip()[: len(SCHEME)].lower() == SCHEME


def parse_s3_url(url: str) -> tuple[str, str]:
    """(bucket, key prefix ending in `/` or empty) of `s3://bucket[/prefix]`; ValueError says what is wrong."""
    url = url.strip()
    if not is_s3_url(url):
        raise ValueError(f"not an s3:// URL: {url!r}")
    parts = urlsplit(url)
    bucket, prefix = parts.netloc, parts.path.strip("/")
    if not bucket or parts.query or parts.fragment or "@" in bucket:
        raise ValueError(f"an S3 inbox is s3://<bucket>/<prefix>, got {url!r}")
    if any(seg in ("", ".", "..") for seg in prefix.split("/")) and prefix:
        raise ValueError(f"the prefix of {url!r} has an empty, '.' or '..' segment")
    if len(prefix.encode()) > MAX_PREFIX_BYTES:
        raise ValueError(f"the prefix of an S3 inbox is at most {MAX_PREFIX_BYTES} bytes")
    return bucket, f"{prefix}/" if prefix else ""


def plain_etag(value: str | None) -> str:
    """An ETag without quotes or weak marker: LIST, HEAD and GET answers compare equal whatever their form."""
    return (value or "").strip().removeprefix("W/").strip('"')


def range_total(content_range: str | None) -> int | None:
    """The object's full size from a `Content-Range: bytes 0-9/1234` answer, None without one."""
    try:
        return int(content_range.rsplit("/", 1)[1]) if content_range else None
    except (IndexError, ValueError):
        return None


def timestamp_ns(when: datetime) -> int:
    """An answer's LastModified as integer nanoseconds since the epoch (exact: no float on the way)."""
    return (when - _EPOCH) // timedelta(microseconds=1) * 1000
