"""The object store: a local folder behind the files server, and S3 against moto's server on loopback."""

from __future__ import annotations

import os

import httpx
import pytest

from boeinghub_dagster.resources.storage import LocalStorage, S3Storage, StorageError, check_key, storage_from_env
from boeinghub_dagster.sandbox.files import create_files_app
from boeinghub_dagster.sandbox.serve import serve
from boeinghub_dagster_tests.support.s3 import ACCESS_KEY_ID, SECRET_ACCESS_KEY, object_keys, s3_storage

PNG_KEY = "products/AB!2F12/0123456789abcdef.png"
BODY = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


@pytest.fixture
def files(tmp_path):
    """The files server over a fresh folder, and a LocalStorage writing into it."""
    root = tmp_path / "images"
    with serve(create_files_app(root)) as server:
        yield server, LocalStorage(root=str(root), public_base_url=f"{server.url}/")


# --- keys ---------------------------------------------------------------------------------
@pytest.mark.parametrize("key", ["", "/abs/x.png", "a//b.png", "a/../b.png", "./a.png", "a/.", "a\\b.png", "a\nb.png"])
def test_unusable_keys_are_refused(key):
    with pytest.raises(StorageError, match="not a usable object key"):
        check_key(key)


# --- local --------------------------------------------------------------------------------
def test_local_put_writes_the_file_and_its_public_url_serves_it(files, tmp_path):
    server, storage = files
    url = storage.put(PNG_KEY, BODY, "image/png")
    assert url == f"{server.url}/products/AB!2F12/0123456789abcdef.png"
    assert (tmp_path / "images" / PNG_KEY).read_bytes() == BODY
    assert storage.exists(PNG_KEY) and not storage.exists("products/other/x.png")
    r = httpx.get(url, timeout=5)
    assert r.status_code == 200 and r.content == BODY and r.headers["content-type"] == "image/png"
    assert not [p for p in (tmp_path / "images").rglob("*") if p.name.endswith(".part")]


def test_local_put_skips_a_key_that_exists(files, tmp_path):
    _, storage = files
    first = storage.put(PNG_KEY, BODY, "image/png")
    path = tmp_path / "images" / PNG_KEY
    stamp = path.stat().st_mtime_ns
    # Same key means same bytes (the key carries the sha): nothing is written again.
    assert storage.put(PNG_KEY, b"other bytes", "image/png") == first
    assert path.read_bytes() == BODY and path.stat().st_mtime_ns == stamp


def test_files_server_answers_404_for_missing_and_outside_paths(files):
    server, _ = files
    assert httpx.get(f"{server.url}/products/none.png", timeout=5).status_code == 404
    assert httpx.get(f"{server.url}/../pyproject.toml", timeout=5).status_code == 404


def test_local_write_failure_is_a_storage_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    storage = LocalStorage(root=str(blocker))
    with pytest.raises(StorageError, match="cannot write"):
        storage.put(PNG_KEY, BODY, "image/png")


def test_local_defaults():
    storage = LocalStorage()
    assert storage.root == "data/images"
    assert storage.public_url("products/A/x.png") == "http://127.0.0.1:8703/products/A/x.png"


def test_files_command_is_registered():
    from boeinghub_dagster.sandbox.__main__ import build_parser

    args = build_parser().parse_args(["files", "--port", "8703", "--root", "data/images"])
    assert (args.command, args.port, args.root, args.host) == ("files", 8703, "data/images", "127.0.0.1")


# --- S3 (moto server on loopback) --------------------------------------------------------
def test_s3_put_stores_the_object_with_its_content_type(s3_store):
    url = s3_store.put(PNG_KEY, BODY, "image/png")
    assert url == f"{s3_store.public_base_url}/{PNG_KEY}"
    assert object_keys(s3_store) == [PNG_KEY] and s3_store.exists(PNG_KEY)
    head = s3_store.client().head_object(Bucket=s3_store.bucket, Key=PNG_KEY)
    assert head["ContentType"] == "image/png" and head["ContentLength"] == len(BODY)
    assert "immutable" in head["CacheControl"]
    r = httpx.get(url, timeout=5)  # path-style public read, as Supabase's public URL is
    assert r.status_code == 200 and r.content == BODY


def test_s3_put_skips_a_key_that_exists(s3_store):
    first = s3_store.put(PNG_KEY, BODY, "image/png")
    assert s3_store.put(PNG_KEY, b"other bytes", "image/png") == first
    body = s3_store.client().get_object(Bucket=s3_store.bucket, Key=PNG_KEY)["Body"].read()
    assert body == BODY and object_keys(s3_store) == [PNG_KEY]


def test_s3_uses_path_style_and_no_default_checksums(s3_store):
    config = s3_store.client().meta.config
    assert config.s3["addressing_style"] == "path"
    assert config.request_checksum_calculation == "when_required"
    assert s3_store.client().meta.endpoint_url == s3_store.endpoint_url
    assert not s3_store.exists("products/missing/none.png")


def test_s3_errors_name_the_problem_but_no_credential(s3_endpoint):
    storage = s3_storage(s3_endpoint, "no-such-bucket-here")
    with pytest.raises(StorageError) as caught:
        storage.put(PNG_KEY, BODY, "image/png")
    message = str(caught.value)
    assert "no-such-bucket-here" in message and ("NoSuchBucket" in message or "404" in message)
    assert SECRET_ACCESS_KEY not in message and ACCESS_KEY_ID not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert SECRET_ACCESS_KEY not in repr(storage) and ACCESS_KEY_ID not in repr(storage)


def test_s3_unreachable_endpoint_is_a_storage_error():
    storage = s3_storage("http://127.0.0.1:9", "images", timeout_seconds=1)
    with pytest.raises(StorageError, match="S3 head") as caught:
        storage.exists(PNG_KEY)
    assert SECRET_ACCESS_KEY not in str(caught.value)


def test_supabase_public_url_is_derived_from_the_endpoint():
    storage = S3Storage(
        endpoint_url="https://abc123.supabase.co/storage/v1/s3",
        bucket="product-images",
        access_key_id="k",
        secret_access_key="s",
        region="eu-central-1",
    )
    assert storage.public_url("products/AB!2F12/0123456789abcdef.png") == (
        "https://abc123.supabase.co/storage/v1/object/public/product-images/products/AB!2F12/0123456789abcdef.png"
    )
    other = S3Storage(endpoint_url="https://s3.example.test", bucket="b", access_key_id="k", secret_access_key="s")
    with pytest.raises(StorageError, match="no public base URL"):
        other.public_url("a.png")


# --- from the environment ----------------------------------------------------------------
def test_storage_from_env_defaults_to_the_local_folder(monkeypatch):
    for name in ("BOEINGHUB_STORAGE", "BOEINGHUB_IMAGES_DIR", "BOEINGHUB_IMAGES_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    storage = storage_from_env()
    assert isinstance(storage, LocalStorage)
    assert (storage.root, storage.public_base_url) == ("data/images", "http://127.0.0.1:8703/")
    monkeypatch.setenv("BOEINGHUB_IMAGES_DIR", "/srv/images")
    monkeypatch.setenv("BOEINGHUB_IMAGES_BASE_URL", "http://files.local:9000/")
    assert storage_from_env().root == "/srv/images"
    assert storage_from_env().public_url("a/b.png") == "http://files.local:9000/a/b.png"


def test_storage_from_env_s3_reads_secrets_through_envvar(monkeypatch, s3_store):
    env = {
        "BOEINGHUB_STORAGE": "s3",
        "SUPABASE_S3_ENDPOINT": s3_store.endpoint_url,
        "SUPABASE_S3_BUCKET": s3_store.bucket,
        "SUPABASE_S3_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "SUPABASE_S3_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
        "SUPABASE_S3_REGION": "us-east-1",
        "SUPABASE_PUBLIC_BASE_URL": f"{s3_store.endpoint_url}/{s3_store.bucket}",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    configured = storage_from_env()
    assert isinstance(configured, S3Storage)
    assert configured.secret_access_key != SECRET_ACCESS_KEY  # an EnvVar (the name), resolved at run time
    with configured.process_config_and_initialize_cm() as storage:
        assert storage.put(PNG_KEY, BODY, "image/png") == f"{s3_store.public_base_url}/{PNG_KEY}"
    assert object_keys(s3_store) == [PNG_KEY]
    monkeypatch.setenv("BOEINGHUB_STORAGE", "gcs")
    with pytest.raises(ValueError, match="BOEINGHUB_STORAGE"):
        storage_from_env()
    assert os.environ["SUPABASE_S3_BUCKET"] == s3_store.bucket
