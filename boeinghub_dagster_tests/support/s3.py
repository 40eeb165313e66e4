"""A real S3 protocol server on loopback (moto's server mode) and buckets on it, for storage and inbox tests.

moto answers the S3 wire protocol over HTTP, so `S3Storage` runs its real boto3
code path (signing, path-style URLs, HEAD/PUT, error codes) with no AWS account.
moto does not check credentials; tests of secrets check what *we* say, not moto.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from moto.server import ThreadedMotoServer

from boeinghub_dagster.resources.inbox_s3 import S3InboxResource
from boeinghub_dagster.resources.storage import S3Storage

ACCESS_KEY_ID = "AKIDTESTONLY0000KEY"
SECRET_ACCESS_KEY = "test-secret-never-to-be-shown"
REGION = "us-east-1"


@contextmanager
def s3_server() -> Iterator[str]:
    """moto on 127.0.0.1 on a free port; yields its endpoint URL and stops it afterwards."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def s3_storage(endpoint: str, bucket: str, **overrides) -> S3Storage:
    """`S3Storage` on the moto endpoint; public reads go straight to moto (path-style, unsigned)."""
    fields = dict(
        endpoint_url=endpoint,
        bucket=bucket,
        access_key_id=ACCESS_KEY_ID,
        secret_access_key=SECRET_ACCESS_KEY,
        region=REGION,
        public_base_url=f"{endpoint}/{bucket}",
        timeout_seconds=5,
    )
    fields.update(overrides)
    return S3Storage(**fields)


def new_bucket(endpoint: str) -> S3Storage:
    """A fresh, empty bucket (unique name) whose objects anyone may read, as a public Supabase bucket's."""
    storage = s3_storage(endpoint, f"images-{uuid.uuid4().hex[:12]}")
    client = storage.client()
    client.create_bucket(Bucket=storage.bucket)
    client.put_bucket_policy(
        Bucket=storage.bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{storage.bucket}/*",
                    }
                ],
            }
        ),
    )
    return storage


def object_keys(storage: S3Storage, prefix: str = "") -> list[str]:
    answer = storage.client().list_objects_v2(Bucket=storage.bucket, Prefix=prefix)
    return sorted(o["Key"] for o in answer.get("Contents", []))


def new_s3_inbox(endpoint: str, cls: type[S3InboxResource] = S3InboxResource, prefix: str = "inbox"):
    """An S3 inbox (`cls`: the real one or a test's subclass) at `s3://<fresh bucket>/<prefix>` on moto."""
    bucket = f"inbox-{uuid.uuid4().hex[:12]}"
    inbox = cls(
        path=f"s3://{bucket}/{prefix}",
        endpoint_url=endpoint,
        access_key_id=ACCESS_KEY_ID,
        secret_access_key=SECRET_ACCESS_KEY,
        region=REGION,
        timeout_seconds=5,
    )
    inbox.client().create_bucket(Bucket=bucket)
    return inbox


def upload(inbox: S3InboxResource, relative: str, content: bytes) -> str:
    """PUT `content` at `<prefix><relative>` as an operator's upload would; returns the key."""
    bucket, prefix = inbox.location()
    inbox.client().put_object(Bucket=bucket, Key=prefix + relative, Body=content)
    return prefix + relative


def inbox_objects(inbox: S3InboxResource) -> dict[str, bytes]:
    """Every object under the inbox's prefix, by key relative to it (`processed/a.txt`, …), with its bytes."""
    bucket, prefix = inbox.location()
    client, out = inbox.client(), {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            out[obj["Key"][len(prefix) :]] = client.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
    return out
