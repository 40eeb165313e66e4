"""The intake inbox as a bucket prefix: `BOEINGHUB_INBOX=s3://bucket/prefix` (Supabase Storage's S3
endpoint, or S3), for deployments where files are uploaded rather than copied onto the daemon's disk.

It keeps the folder inbox's promises (`resources/inbox.py`) with S3's means:

- listing: `<prefix>` and `<prefix>publish/`, one level each (`Delimiter="/"`), so `processed/` and
  `rejected/` are never walked; a deeper prefix is a folder, left in place and named every tick. The
  store's own folder markers (the key `<prefix>` itself, Supabase Studio's empty `.emptyFolderPlaceholder`)
  are not files. An object's version is its size, LastModified and ETag, unchanged over two ticks before
  it is taken;
- reading: one GET of at most `limit + 1` bytes (`Range`), `If-Match` the listed ETag, so an object
  replaced since it was listed is left for the next tick; the answer's ETag, length and range total are
  checked again for a server that ignores the condition. An oversized object is refused from its listed
  size by the sensor and never read;
- moving: S3 has no rename, so copy (`CopySourceIfMatch`), notes, then delete the source (`If-Match`:
  an object uploaded again meanwhile stays, to be taken on its own). The target is journaled
  (`<outcome>/.boeinghub-moving/<object version>`) before the copy, so a move killed halfway, tried again
  at the next tick (the sensor finds the batch recorded and only moves), ends on that same target: a copy
  that exists already is never made twice. An object over 5 GiB (one CopyObject's limit) is copied in
  parts by boto3's managed copy.

Names are judged by the sensor (`domain.intake_names`), and every name written here keeps the folder's
255-byte budget although S3 keys allow 1,024 bytes, so the notes read the same wherever files end up.
The endpoint and credentials come from the environment through `dg.EnvVar` (`defs/resources.py`), and
no error message carries more than the S3 error code and HTTP status.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import ClassVar

from pydantic import Field, PrivateAttr

from boeinghub_dagster.domain.intake_names import NOTE_SUFFIXES, free_names
from boeinghub_dagster.resources.inbox import DIRECTORY, OUTCOMES, PUBLISH, FileChanged, Inbox, InboxFile
from boeinghub_dagster.resources.s3_client import (
    NOT_FOUND,
    PRECONDITION_FAILED,
    S3Error,
    describe_failure,
    error_code,
    parse_s3_url,
    plain_etag,
    range_total,
    s3_client,
    timestamp_ns,
)

COPY_LIMIT = 5 * 2**30  # the most one CopyObject copies; a larger object goes in parts
COPY_PART_BYTES = 256 * 2**20
LISTED_AT_MOST = 10_000  # per folder and tick: a later key is seen once earlier ones have moved on
JOURNAL = ".boeinghub-moving"
PLACEHOLDER = ".emptyFolderPlaceholder"  # what Supabase Studio writes to show an empty folder
NOTE_TYPES = {".rejected-lines.csv": "text/csv; charset=utf-8"}


@dataclass(frozen=True)
class S3InboxFile(InboxFile):
    """An object as the listing saw it; `path` is its key as a PurePosixPath, `relative` is below the prefix."""

    key: str = ""
    etag: str = ""

    @property
    def name(self) -> str:
        return self.relative[len(PUBLISH) + 1 :] if self.target == PUBLISH else self.relative

    @property
    def version(self) -> tuple[int, int, str]:
        return self.size, self.mtime_ns, self.etag

    @property
    def journal_name(self) -> str:
        """This very object version (key, ETag, LastModified, size), as the name of its move's journal."""
        text = "\0".join((self.key, self.etag, str(self.mtime_ns), str(self.size)))
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class S3InboxResource(Inbox):
    """`BOEINGHUB_INBOX=s3://bucket/prefix`; objects under `<prefix>publish/` are meant for publishing."""

    url_fields: ClassVar[frozenset[str]] = frozenset({"endpoint_url"})
    path: str = Field(description="s3://<bucket>/<prefix> the sensor watches")
    endpoint_url: str = Field(description="e.g. https://<project>.supabase.co/storage/v1/s3")
    access_key_id: str = Field(repr=False)
    secret_access_key: str = Field(repr=False)
    region: str = "us-east-1"
    timeout_seconds: float = 10.0  # a tick has 60 s: a dead endpoint must not hold it
    _client: object | None = PrivateAttr(default=None)

    def location(self) -> tuple[str, str]:
        """(bucket, key prefix ending in `/` or empty)."""
        return parse_s3_url(self.path)

    def client(self):
        if self._client is None:
            self._client = s3_client(
                self.endpoint_url,
                self.region,
                self.access_key_id,
                self.secret_access_key,
                self.timeout_seconds,
                attempts=3,
            )
        return self._client

    def _failure(self, what: str, key: str, exc: Exception) -> S3Error:
        where = f"s3://{self.location()[0]}/{key} at {self.endpoint_url}"
        return S3Error(describe_failure(what, where, exc), error_code(exc))

    def _call(self, what: str, key: str, method: str, **kwargs) -> dict:
        """One S3 request on `key`; any failure as `S3Error`."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client(), method)(Bucket=self.location()[0], Key=key, **kwargs)
        except (ClientError, BotoCoreError) as exc:
            raise self._failure(what, key, exc) from None

    def _head(self, key: str) -> dict | None:
        try:
            return self._call("head", key, "head_object")
        except S3Error as exc:
            if exc.code in NOT_FOUND:
                return None
            raise

    def _list(self, folder: str) -> tuple[list[dict], list[str]]:
        from botocore.exceptions import BotoCoreError, ClientError

        bucket, objects, folders = self.location()[0], [], []
        pages = (
            self.client()
            .get_paginator("list_objects_v2")
            .paginate(Bucket=bucket, Prefix=folder, Delimiter="/", PaginationConfig={"MaxItems": LISTED_AT_MOST})
        )
        try:
            for page in pages:
                objects += page.get("Contents", [])
                folders += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        except (ClientError, BotoCoreError) as exc:
            raise self._failure("list", folder, exc) from None
        return objects, folders

    def candidates(self) -> list[InboxFile]:
        """Objects waiting under the prefix and `publish/`, oldest first; none is read."""
        root, out = self.location()[1], []
        for folder, target in ((root, "extraction"), (f"{root}{PUBLISH}/", PUBLISH)):
            above = "" if target == "extraction" else f"{PUBLISH}/"
            objects, folders = self._list(folder)
            for sub in folders:
                name = sub[len(folder) : -1]
                if not (target == "extraction" and name in (PUBLISH, *OUTCOMES)):
                    out.append(S3InboxFile(PurePosixPath(sub), above + name, target, 0, 0, DIRECTORY, key=sub))
            for obj in objects:
                name = obj["Key"][len(folder) :]
                if name == "" or (name == PLACEHOLDER and obj["Size"] == 0):
                    continue
                when = timestamp_ns(obj["LastModified"])
                out.append(
                    S3InboxFile(
                        PurePosixPath(obj["Key"]),
                        above + name,
                        target,
                        obj["Size"],
                        when,
                        ctime_ns=when,
                        key=obj["Key"],
                        etag=plain_etag(obj.get("ETag")),
                    )
                )
        return sorted(out, key=lambda f: (f.mtime_ns, f.relative))

    def read(self, file: S3InboxFile, limit: int) -> bytes:
        """The whole object, at most `limit` bytes, in one GET of the listed version; else `FileChanged`."""
        if file.size > limit:
            raise ValueError(f"{file.relative}: {file.size} bytes, more than the {limit} asked for")
        condition = {"IfMatch": f'"{file.etag}"'} if file.etag else {}
        ranged = {"Range": f"bytes=0-{limit}"} if file.size else {}  # a range of an empty object is refused
        try:
            answer = self._call("get", file.key, "get_object", **condition, **ranged)
        except S3Error as exc:
            if exc.code in PRECONDITION_FAILED + NOT_FOUND:
                raise FileChanged("it was replaced or removed since it was listed") from None
            raise
        try:
            data = answer["Body"].read(limit + 1)
        except Exception as exc:
            raise self._failure("read", file.key, exc) from None
        finally:
            answer["Body"].close()
        other_version = file.etag and plain_etag(answer.get("ETag")) != file.etag  # the condition was ignored
        if other_version or len(data) != file.size or range_total(answer.get("ContentRange")) not in (None, file.size):
            raise FileChanged(f"it changed while being read ({file.size} bytes listed, {len(data)} read)")
        return data

    def unchanged(self, file: S3InboxFile) -> bool:
        """Still the listed version: same size and ETag (LastModified differs in resolution between LIST and HEAD)."""
        head = self._head(file.key)
        return head is not None and (head["ContentLength"], plain_etag(head.get("ETag"))) == (file.size, file.etag)

    def move(
        self, file: S3InboxFile, outcome: str, notes: dict[str, bytes] | None = None, name: str | None = None
    ) -> PurePosixPath:
        """Copy `file` to `processed/` or `rejected/` under the first free name from `name` (default: its own),
        write `notes` beside it, delete the source; a move begun by a killed tick ends on its journaled target."""
        if outcome not in OUTCOMES or any(s not in NOTE_SUFFIXES for s in notes or {}):
            raise ValueError(f"unknown outcome {outcome!r} or note in {sorted(notes or {})}")
        folder = f"{self.location()[1]}{outcome}/"
        journal = f"{folder}{JOURNAL}/{file.journal_name}"
        target = self._journaled(journal, folder, file)
        if target is None:
            target = self._free_key(folder, name or file.name)
            self._call("journal", journal, "put_object", Body=target[len(folder) :].encode(), ContentType="text/plain")
        if self._head(target) is None:  # else the copy made before a crash: never made twice
            try:
                self._copy(file, target)
            except FileChanged:  # the object is another version now: this version's journal is done with
                self._call("journal", journal, "delete_object")
                raise
        for suffix, content in (notes or {}).items():
            kind = NOTE_TYPES.get(suffix, "text/plain; charset=utf-8")
            self._call("note", target + suffix, "put_object", Body=content, ContentType=kind)
        self._delete_source(file)
        self._call("journal", journal, "delete_object")
        return PurePosixPath(target)

    def _journaled(self, journal: str, folder: str, file: S3InboxFile) -> str | None:
        """The target an earlier, interrupted move of this very object chose, if it still fits it."""
        try:
            answer = self._call("journal", journal, "get_object")
        except S3Error as exc:
            if exc.code in NOT_FOUND:
                return None
            raise
        try:
            chosen = answer["Body"].read(4096).decode("utf-8", "replace")
        finally:
            answer["Body"].close()
        if not chosen or "/" in chosen:
            return None
        head = self._head(folder + chosen)
        return None if head is not None and head["ContentLength"] != file.size else folder + chosen

    def _free_key(self, folder: str, name: str) -> str:
        unique = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        for candidate in free_names(name, unique):
            key = folder + candidate
            if all(self._head(key + suffix) is None for suffix in ("", *NOTE_SUFFIXES)):
                return key
        raise AssertionError("free_names never ends")  # pragma: no cover

    def _copy(self, file: S3InboxFile, target: str) -> None:
        bucket = self.location()[0]
        source = {"Bucket": bucket, "Key": file.key}
        condition = {"CopySourceIfMatch": f'"{file.etag}"'} if file.etag else {}
        if file.size > COPY_LIMIT:
            self._copy_in_parts(source, target, condition)
            return
        try:
            answer = self._call("copy", target, "copy_object", CopySource=source, **condition)
        except S3Error as exc:
            if exc.code in PRECONDITION_FAILED + NOT_FOUND:
                raise FileChanged("it was replaced or removed since it was listed") from None
            raise
        copied = plain_etag(answer.get("CopyObjectResult", {}).get("ETag"))
        if file.etag and "-" not in file.etag and copied and copied != file.etag:  # the condition was ignored
            self._call("undo copy", target, "delete_object")
            raise FileChanged("it was replaced since it was listed")

    def _copy_in_parts(self, source: dict, target: str, condition: dict) -> None:
        from boto3.exceptions import Boto3Error
        from boto3.s3.transfer import TransferConfig
        from botocore.exceptions import BotoCoreError, ClientError
        from s3transfer.exceptions import S3CopyFailedError

        config = TransferConfig(multipart_threshold=COPY_LIMIT, multipart_chunksize=COPY_PART_BYTES, max_concurrency=4)
        try:
            self.client().copy(source, self.location()[0], target, ExtraArgs=condition, Config=config)
        except (ClientError, BotoCoreError, Boto3Error, S3CopyFailedError) as exc:
            raise self._failure("copy", target, exc) from None

    def _delete_source(self, file: S3InboxFile) -> None:
        """Delete the source if it is still the listed version; one uploaded again since stays for a later tick."""
        condition = {"IfMatch": f'"{file.etag}"'} if file.etag else {}
        try:
            self._call("delete", file.key, "delete_object", **condition)
        except S3Error as exc:
            if exc.code in NOT_FOUND + PRECONDITION_FAILED:
                return
            if not condition or exc.code not in ("NotImplemented", "InvalidArgument", "InvalidRequest"):
                raise
            self._call("delete", file.key, "delete_object")  # a store without conditional deletes
