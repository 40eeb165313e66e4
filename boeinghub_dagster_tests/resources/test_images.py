"""Product images over real HTTP: Boeing sandbox images in, the local store (and S3 on moto) out."""

from __future__ import annotations

import asyncio
import struct

import dagster as dg
import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from boeinghub_dagster.domain.images import fallback_key, image_key, judge_download, pick_image_url
from boeinghub_dagster.domain.part_numbers import sku_of
from boeinghub_dagster.resources.images import ProductImagesResource, fallback_image, shown_url
from boeinghub_dagster.resources.storage import LocalStorage, ObjectStore, S3Storage
from boeinghub_dagster.sandbox.catalogue import current_hour, image_kind, item_for
from boeinghub_dagster.sandbox.files import create_files_app
from boeinghub_dagster.sandbox.images import good_image
from boeinghub_dagster.sandbox.serve import serve
from boeinghub_dagster_tests.support.s3 import SECRET_ACCESS_KEY, object_keys


def _good_part(content_type: str) -> str:
    return next(
        pn
        for pn in (f"BACB30LH{i}-4" for i in range(500))
        if image_kind(pn) == "good" and good_image(pn)[0] == content_type
    )


def _image_url(sandbox, part: str) -> str | None:
    item = item_for(part, current_hour(), sandbox.url)
    return pick_image_url(item["productImage"], item["thumbnailImage"])


@pytest.fixture
def local(tmp_path):
    """A LocalStorage published by the files server, as `scripts/hub` runs it."""
    root = tmp_path / "images"
    with serve(create_files_app(root)) as files:
        yield LocalStorage(root=str(root), public_base_url=f"{files.url}/")


@pytest.fixture
def images(local):
    with ProductImagesResource(storage=local, timeout_seconds=5).images() as client:
        yield client


def _stored(storage: LocalStorage) -> list[str]:
    from pathlib import Path

    root = Path(storage.root)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _fallback_url(storage: ObjectStore) -> str:
    return storage.public_url(fallback_key(fallback_image()))


# --- good images --------------------------------------------------------------------------
@pytest.mark.parametrize(("content_type", "ext"), [("image/png", "png"), ("image/jpeg", "jpg")])
def test_a_good_image_is_stored_at_its_content_key(boeing_sandbox, local, images, content_type, ext):
    part = _good_part(content_type)
    url = _image_url(boeing_sandbox, part)
    assert url.startswith(f"{boeing_sandbox.url}/images/")
    result = images.store(sku_of(part), url)
    _, body = good_image(part)
    key = image_key(sku_of(part), body, ext)
    assert result.warning is None and result.url == local.public_url(key)
    assert _stored(local) == [key]
    served = httpx.get(result.url, timeout=5)
    assert served.status_code == 200 and served.content == body and served.headers["content-type"] == content_type


def test_the_same_image_twice_is_one_object(boeing_sandbox, local, images):
    part = _good_part("image/png")
    url = _image_url(boeing_sandbox, part)
    first = images.store(sku_of(part), url)
    assert images.store(sku_of(part), url) == first
    with ProductImagesResource(storage=local).images() as again:  # another run, same store
        assert again.store(sku_of(part), url) == first
    assert len(_stored(local)) == 1


def test_the_thumbnail_stands_in_for_a_missing_product_image(boeing_sandbox, local, images):
    items = (item_for(f"BACB30LH{i}-4", current_hour(), boeing_sandbox.url) for i in range(500))
    item = next(i for i in items if i and image_kind(i["aviallPartNumber"]) == "good" and i["thumbnailImage"])
    part, thumb = item["aviallPartNumber"], item["thumbnailImage"]
    result = images.store(sku_of(part), pick_image_url(None, thumb))
    _, body = good_image(part, thumb=True)
    assert result.warning is None and httpx.get(result.url, timeout=5).content == body


def test_a_sku_with_unsafe_characters_gets_an_escaped_folder(boeing_sandbox, local, images):
    part = next(p for p in (f"AB/{i}#X" for i in range(300)) if image_kind(p) == "good")
    result = images.store(sku_of(part), _image_url(boeing_sandbox, part))
    assert result.warning is None and "/products/AB!2F" in result.url and "!23X/" in result.url
    assert httpx.get(result.url, timeout=5).status_code == 200


# --- bad images: the placeholder and a warning -----------------------------------------
@pytest.mark.parametrize(
    ("part", "reason"),
    [
        ("MISSINGIMAGE-1", "refused: HTTP 404"),
        ("TINYIMAGE-1", "bytes (an image needs over 1,000)"),
        ("BADIMAGE-1", "refused: content type text/html is not an image"),
    ],
)
def test_a_bad_image_gives_the_placeholder_and_says_why(boeing_sandbox, local, images, part, reason):
    url = _image_url(boeing_sandbox, part)
    result = images.store(part, url)
    assert result.url == _fallback_url(local)
    assert reason in result.warning and url in result.warning and "placeholder" in result.warning
    assert _stored(local) == [fallback_key(fallback_image())]
    assert httpx.get(result.url, timeout=5).content == fallback_image()


def test_no_image_url_gives_the_placeholder(boeing_sandbox, local, images):
    assert _image_url(boeing_sandbox, "NOIMAGE-1") is None
    result = images.store("NOIMAGE-1", None)
    assert result.url == _fallback_url(local) and result.warning.startswith("no image from Boeing")


def test_the_placeholder_is_stored_once(boeing_sandbox, local, images):
    for part in ("MISSINGIMAGE-1", "TINYIMAGE-1", "BADIMAGE-1", "NOIMAGE-1"):
        images.store(part, _image_url(boeing_sandbox, part))
    with ProductImagesResource(storage=local).images() as again:
        again.store("X", None)
    assert _stored(local) == [fallback_key(fallback_image())]


def test_the_shipped_placeholder_is_itself_an_acceptable_image():
    body = fallback_image()
    verdict = judge_download(200, "image/png", body)
    assert verdict.ok and verdict.ext == "png" and len(body) > 1_000
    assert struct.unpack(">II", body[16:24]) == (400, 400)


# --- transport failures against a misbehaving server ----------------------------------
def _faulty_app() -> Starlette:
    async def slow(request):
        await asyncio.sleep(1)
        return Response(b"late", media_type="image/png")

    async def good(request):
        content_type, body = good_image(_good_part("image/png"))
        return Response(body, media_type=content_type)

    async def hop(request):
        n = int(request.path_params["n"])
        return RedirectResponse("/good" if n <= 1 else f"/hop/{n - 1}", status_code=302)

    async def big(request):
        return Response(b"\x89PNG\r\n\x1a\n" + b"\x00" * 3_000, media_type="image/png")

    async def big_streamed(request):
        async def chunks():
            for _ in range(3):
                yield b"\x89PNG\r\n\x1a\n" + b"\x00" * 1_000

        return StreamingResponse(chunks(), media_type="image/png")

    return Starlette(
        routes=[
            Route("/slow", slow),
            Route("/good", good),
            Route("/hop/{n}", hop),
            Route("/big", big),
            Route("/big-streamed", big_streamed),
        ]
    )


@pytest.fixture(scope="module")
def faulty():
    """Slow answers, redirect chains and oversized images, on one server for the module."""
    with serve(_faulty_app()) as server:
        yield server


def test_three_redirects_are_followed_four_are_not(faulty, local):
    with ProductImagesResource(storage=local, max_redirects=3).images() as images:
        assert images.store("HOP", f"{faulty.url}/hop/3").warning is None
        result = images.store("HOP", f"{faulty.url}/hop/4")
    assert result.url == _fallback_url(local) and "more than 3 redirects" in result.warning


@pytest.mark.parametrize(
    ("path", "reason"), [("/big", "3,008 bytes, over the 2,000-byte cap"), ("/big-streamed", "over the 2,000-byte cap")]
)
def test_an_image_over_the_size_cap_is_refused(faulty, local, path, reason):
    with ProductImagesResource(storage=local, max_bytes=2_000).images() as images:
        result = images.store("BIG", f"{faulty.url}{path}")
    assert result.url == _fallback_url(local) and reason in result.warning


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("{faulty}/slow", "timed out"),
        ("http://127.0.0.1:9/x.jpg", "download failed (ConnectError)"),
        ("ftp://example.invalid/x.jpg", "not a usable http(s) URL"),
        ("/images/relative.jpg", "not a usable http(s) URL"),
    ],
)
def test_transport_failures_give_the_placeholder(faulty, local, url, reason):
    with ProductImagesResource(storage=local, timeout_seconds=0.3).images() as images:
        result = images.store("SLOW", url.format(faulty=faulty.url))
    assert result.url == _fallback_url(local) and reason in result.warning


def test_warnings_never_show_query_strings_or_userinfo(boeing_sandbox, images):
    url = _image_url(boeing_sandbox, "MISSINGIMAGE-1")
    result = images.store("MISSINGIMAGE-1", url.replace("http://", "http://user:pw@") + "?token=SECRET42#frag")
    assert "SECRET42" not in result.warning and "user:pw" not in result.warning and url in result.warning
    assert shown_url("https://cdn.test/a.jpg?sig=1") == "https://cdn.test/a.jpg"
    assert shown_url("http://a/\x00b") == "http://a/?b" and len(shown_url("http://a/" + "x" * 500)) == 200


# --- inside Dagster, on S3 --------------------------------------------------------------
def test_images_resource_stores_on_s3_inside_a_run(boeing_sandbox, s3_store, monkeypatch):
    monkeypatch.setenv("TEST_S3_SECRET", SECRET_ACCESS_KEY)
    storage = S3Storage(**{**s3_store.model_dump(), "secret_access_key": dg.EnvVar("TEST_S3_SECRET")})
    part = _good_part("image/jpeg")
    good_url, bad_url = _image_url(boeing_sandbox, part), _image_url(boeing_sandbox, "BADIMAGE-1")

    @dg.asset
    def product_images(images_resource: ProductImagesResource) -> dg.MaterializeResult:
        with images_resource.images() as images:
            good, bad = images.store(sku_of(part), good_url), images.store("BADIMAGE-1", bad_url)
        return dg.MaterializeResult(metadata={"good": good.url, "bad": bad.url, "warning": bad.warning})

    result = dg.materialize([product_images], resources={"images_resource": ProductImagesResource(storage=storage)})
    assert result.success
    metadata = result.asset_materializations_for_node("product_images")[0].metadata
    _, body = good_image(part)
    key = image_key(sku_of(part), body, "jpg")
    assert metadata["good"].value == f"{s3_store.public_base_url}/{key}"
    assert metadata["bad"].value == _fallback_url(s3_store) and "text/html" in metadata["warning"].value
    assert object_keys(s3_store) == sorted([key, fallback_key(fallback_image())])
    stored = s3_store.client().get_object(Bucket=s3_store.bucket, Key=key)
    assert stored["Body"].read() == body and stored["ContentType"] == "image/jpeg"
    assert httpx.get(metadata["good"].value, timeout=5).content == body
