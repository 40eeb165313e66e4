"""The object store product images live in: one interface, a local folder and S3.

Locally the store is a folder (`data/images`) that `python -m boeinghub_dagster.sandbox
files` serves over HTTP, so the Shopify sandbox can fetch what the hub stored. In
production it is Supabase Storage through its S3-compatible endpoint
(`https://<project>.supabase.co/storage/v1/s3`, path-style addressing), whose public
objects are read at `https://<project>.supabase.co/storage/v1/object/public/<bucket>/<key>`.

Keys are content-addressed (`domain/images.py`), so a key that exists already holds
the same bytes: `put` skips the upload. Errors name the operation, key and the
server's error code, never a credential.
"""

from __future__ import annotations

import os
import tempfile
from abc import abstractmethod
from pathlib import Path
from urllib.parse import quote

import dagster as dg
from pydantic import Field, PrivateAttr

from boeinghub_dagster.resources.launch_guard import PinnedResource
from boeinghub_dagster.resources.s3_client import describe_failure, s3_client

SUPABASE_S3_SUFFIX = "/storage/v1/s3"
SUPABASE_PUBLIC_PATH = "/storage/v1/object/public"
DEFAULT_IMAGES_DIR = "data/images"
DEFAULT_LOCAL_BASE_URL = "http://127.0.0.1:8703/"


class StorageError(Exception):
    """The store refused or could not be reached; the message is safe to show an operator."""


def check_key(key: str) -> str:
    """A relative `a/b/c.ext` key: no empty, `.` or `..` segment, no backslash or control character."""
    parts = key.split("/")
    bad = (
        not key
        or key.startswith("/")
        or "\\" in key
        or any(ord(c) < 32 or ord(c) == 127 for c in key)
        or any(p in ("", ".", "..") for p in parts)
    )
    if bad:
        raise StorageError(f"not a usable object key: {key!r}")
    return key


class ObjectStore(PinnedResource):
    """Where images are put and the public URL they are read from."""

    url_fields = frozenset({"public_base_url", "endpoint_url"})

    public_base_url: str = Field(default="", description="URL prefix a key is appended to for public reads")

    @abstractmethod
    def exists(self, key: str) -> bool:
        """True when an object is stored at `key`."""

    @abstractmethod
    def _write(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` at `key` (only called when it is not there yet)."""

    def _base_url(self) -> str:
        return self.public_base_url

    def public_url(self, key: str) -> str:
        base = self._base_url()
        if not base:
            raise StorageError(f"{type(self).__name__} has no public base URL configured")
        return base.rstrip("/") + "/" + quote(check_key(key), safe="/!-._~")

    def put(self, key: str, data: bytes, content_type: str) -> str:
        """Store `data` at `key` unless it is there already (same key, same bytes); return its public URL."""
        check_key(key)
        if not self.exists(key):
            self._write(key, data, content_type)
        return self.public_url(key)


class LocalStorage(ObjectStore):
    """A folder; the files server publishes it, and takes the content type from the key's extension."""

    root: str = Field(default=DEFAULT_IMAGES_DIR, description="Folder holding the objects")
    public_base_url: str = Field(default=DEFAULT_LOCAL_BASE_URL, description="Where the files server serves `root`")

    def _path(self, key: str) -> Path:
        return Path(self.root) / check_key(key)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def _write(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write aside, then rename: a reader (or a crash) never sees half an image.
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise StorageError(f"cannot write {key} under {self.root}: {exc.strerror or type(exc).__name__}") from None


class S3Storage(ObjectStore):
    """An S3-compatible bucket (Supabase Storage in production), through `resources.s3_client`."""

    endpoint_url: str = Field(description="e.g. https://<project>.supabase.co/storage/v1/s3")
    bucket: str
    access_key_id: str = Field(repr=False)
    secret_access_key: str = Field(repr=False)
    region: str = "us-east-1"
    public_base_url: str = Field(
        default="",
        description="Prefix of public object URLs; derived for Supabase endpoints when empty "
        "(https://<project>.supabase.co/storage/v1/object/public/<bucket>)",
    )
    timeout_seconds: float = 30.0
    cache_control: str = "public, max-age=31536000, immutable"  # content-addressed: never changes
    _client: object | None = PrivateAttr(default=None)

    def _base_url(self) -> str:
        if self.public_base_url:
            return self.public_base_url
        endpoint = self.endpoint_url.rstrip("/")
        if endpoint.endswith(SUPABASE_S3_SUFFIX):
            return f"{endpoint[: -len(SUPABASE_S3_SUFFIX)]}{SUPABASE_PUBLIC_PATH}/{self.bucket}"
        return ""

    def client(self):
        """The boto3 S3 client (created once per resource instance; boto3 clients are thread-safe)."""
        if self._client is None:
            self._client = s3_client(
                self.endpoint_url, self.region, self.access_key_id, self.secret_access_key, self.timeout_seconds
            )
        return self._client

    def _failure(self, what: str, key: str, exc: Exception) -> StorageError:
        """A message from the error's code and status only: botocore texts can echo request details."""
        return StorageError(describe_failure(what, f"s3://{self.bucket}/{key} at {self.endpoint_url}", exc))

    def exists(self, key: str) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client().head_object(Bucket=self.bucket, Key=check_key(key))
            return True
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise self._failure("head", key, exc) from None
        except BotoCoreError as exc:
            raise self._failure("head", key, exc) from None

    def _write(self, key: str, data: bytes, content_type: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client().put_object(
                Bucket=self.bucket, Key=key, Body=data, ContentType=content_type, CacheControl=self.cache_control
            )
        except (ClientError, BotoCoreError) as exc:
            raise self._failure("put", key, exc) from None


def storage_from_env() -> ObjectStore:
    """The store `BOEINGHUB_STORAGE` names (`local`, the default, or `s3`), read when called.

    local: `BOEINGHUB_IMAGES_DIR` (data/images), `BOEINGHUB_IMAGES_BASE_URL` (http://127.0.0.1:8703/).
    s3: `SUPABASE_S3_ENDPOINT`, `SUPABASE_S3_BUCKET`, `SUPABASE_S3_ACCESS_KEY_ID`,
    `SUPABASE_S3_SECRET_ACCESS_KEY` (through `EnvVar`, resolved at run time),
    `SUPABASE_S3_REGION` (us-east-1), `SUPABASE_PUBLIC_BASE_URL` (derived from the endpoint when unset).
    """
    kind = os.environ.get("BOEINGHUB_STORAGE", "local").strip().lower() or "local"
    if kind == "local":
        return LocalStorage(
            root=os.environ.get("BOEINGHUB_IMAGES_DIR") or DEFAULT_IMAGES_DIR,
            public_base_url=os.environ.get("BOEINGHUB_IMAGES_BASE_URL") or DEFAULT_LOCAL_BASE_URL,
        )
    if kind == "s3":
        return S3Storage(
            endpoint_url=dg.EnvVar("SUPABASE_S3_ENDPOINT"),
            bucket=dg.EnvVar("SUPABASE_S3_BUCKET"),
            access_key_id=dg.EnvVar("SUPABASE_S3_ACCESS_KEY_ID"),
            secret_access_key=dg.EnvVar("SUPABASE_S3_SECRET_ACCESS_KEY"),
            region=os.environ.get("SUPABASE_S3_REGION") or "us-east-1",
            public_base_url=os.environ.get("SUPABASE_PUBLIC_BASE_URL", ""),
        )
    raise ValueError(f"BOEINGHUB_STORAGE must be 'local' or 's3', got {kind!r}")
