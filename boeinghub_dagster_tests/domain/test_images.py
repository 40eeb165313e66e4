"""docs/behaviour.md §6 images: which URL, whether a download is an image, and the content-addressed key."""

from __future__ import annotations

import ast
import hashlib
import re
import struct
import sys
import zlib

import pytest

from boeinghub_dagster.domain import images
from boeinghub_dagster.domain.images import (
    fallback_key,
    header_reason,
    image_key,
    judge_download,
    key_segment,
    media_type,
    pick_image_url,
    sniff,
)


def _png(pad: int = 1_200) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"tEXt", b"Comment\x00" + b"x" * pad)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


PNG = _png()
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 1_200
GIF = b"GIF89a" + b"\x00" * 1_200
WEBP = b"RIFF" + struct.pack("<I", 1_204) + b"WEBP" + b"\x00" * 1_200


# --- which URL --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("product", "thumb", "expected"),
    [
        ("https://a/x.jpg", "https://a/t.jpg", "https://a/x.jpg"),
        (None, "https://a/t.jpg", "https://a/t.jpg"),
        ("  ", "https://a/t.jpg", "https://a/t.jpg"),
        (" https://a/x.jpg ", None, "https://a/x.jpg"),
        (None, None, None),
        ("", "", None),
        (42, ["x"], None),
    ],
)
def test_product_image_else_thumbnail(product, thumb, expected):
    assert pick_image_url(product, thumb) == expected


# --- acceptance -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "content_type", "ext"),
    [
        (PNG, "image/png", "png"),
        (JPEG, "image/jpeg", "jpg"),
        (JPEG, "image/jpg", "jpg"),
        (GIF, "image/gif", "gif"),
        (WEBP, "image/webp", "webp"),
        (PNG, "Image/PNG; charset=binary", "png"),
    ],
)
def test_good_images_are_accepted_with_their_extension(body, content_type, ext):
    verdict = judge_download(200, content_type, body)
    assert verdict.ok and verdict.reason is None
    assert verdict.ext == ext and verdict.content_type == images.CONTENT_TYPES[ext]


@pytest.mark.parametrize(
    ("status", "reason"),
    [(404, "HTTP 404"), (500, "HTTP 500"), (300, "HTTP 300"), (304, "HTTP 304"), (199, "HTTP 199")],
)
def test_status_300_and_above_is_refused(status, reason):
    verdict = judge_download(status, "image/png", PNG)
    assert not verdict.ok and verdict.ext is None and verdict.reason == reason


def test_status_299_with_an_image_is_accepted():
    assert judge_download(299, "image/png", PNG).ok


@pytest.mark.parametrize(
    ("content_type", "words"),
    [
        (None, "no content type"),
        ("", "no content type"),
        ("text/html; charset=utf-8", "content type text/html is not an image"),
        ("application/octet-stream", "content type application/octet-stream is not an image"),
        ("image/svg+xml", "image type image/svg+xml is not one Shopify takes"),
        ("image/tiff", "image type image/tiff is not one Shopify takes"),
    ],
)
def test_content_type_must_be_an_image_shopify_takes(content_type, words):
    verdict = judge_download(200, content_type, PNG)
    assert not verdict.ok and words in verdict.reason


def test_a_body_must_be_over_1000_bytes():
    exactly = b"\x89PNG\r\n\x1a\n" + b"\x00" * (1_000 - 8)
    assert len(exactly) == 1_000
    verdict = judge_download(200, "image/png", exactly)
    assert not verdict.ok and verdict.reason == "only 1,000 bytes (an image needs over 1,000)"
    assert judge_download(200, "image/png", exactly + b"\x00").ok
    assert "only 0 bytes" in judge_download(200, "image/png", b"").reason


def test_bytes_that_are_no_image_are_refused_even_with_an_image_type():
    verdict = judge_download(200, "image/jpeg", b"<html>" + b" " * 2_000)
    assert not verdict.ok
    assert verdict.reason == "content type image/jpeg but the bytes are not a PNG, JPEG, GIF or WEBP image"


def test_the_bytes_decide_when_the_content_type_names_another_format():
    verdict = judge_download(200, "image/jpeg", PNG)  # a .jpg URL serving a PNG
    assert verdict.ok and verdict.ext == "png" and verdict.content_type == "image/png"


def test_header_reason_lets_a_good_answer_read_on():
    assert header_reason(200, "image/webp") is None
    assert header_reason(404, "image/png") == "HTTP 404"


@pytest.mark.parametrize(
    ("body", "ext"),
    [
        (PNG, "png"),
        (JPEG, "jpg"),
        (GIF, "gif"),
        (b"GIF87a....", "gif"),
        (WEBP, "webp"),
        (b"RIFF\x00\x00\x00\x00WAVE", None),
        (b"\x89PN", None),
        (b"", None),
        (b"BM" + b"\x00" * 50, None),
    ],
)
def test_sniff_reads_magic_bytes(body, ext):
    assert sniff(body) == ext


def test_media_type_drops_parameters_and_case():
    assert media_type("IMAGE/JPEG ; q=1") == "image/jpeg"
    assert media_type(None) == ""


# --- keys ------------------------------------------------------------------------------
def test_image_key_is_sku_folder_and_sha256_prefix():
    sha = hashlib.sha256(PNG).hexdigest()
    assert image_key("BACB30LH3-4", PNG, "png") == f"products/BACB30LH3-4/{sha[:16]}.png"
    assert image_key("BACB30LH3-4", PNG, "png") == image_key("BACB30LH3-4", PNG, "png")
    assert image_key("BACB30LH3-4", PNG, "png") != image_key("BACB30LH3-4", PNG + b"\x00", "png")


def test_fallback_key_has_its_own_folder():
    sha = hashlib.sha256(PNG).hexdigest()
    assert fallback_key(PNG) == f"products/_fallback/{sha[:16]}.png"


@pytest.mark.parametrize(
    ("sku", "segment"),
    [
        ("BACB30LH3-4", "BACB30LH3-4"),
        ("MS20470AD4.6_X", "MS20470AD4.6_X"),
        ("AB/12", "AB!2F12"),
        ("A#1", "A!231"),
        ("A+B", "A!2BB"),
        ("WF338109=K3", "WF338109!3DK3"),
        ("NAS 1611", "NAS!201611"),
        ("A!B", "A!21B"),
        (".", "!2E"),
        ("..", "!2E!2E"),
        ("A..B", "A..B"),
        ("É", "!C3!89"),
    ],
)
def test_key_segment_keeps_safe_characters_and_escapes_the_rest(sku, segment):
    assert key_segment(sku) == segment


def test_key_segment_is_one_url_safe_segment_and_never_collides():
    chars = "AB09-._/#=+ "
    skus = {a + b + c for a in chars for b in chars for c in chars} | {"A!2F", "A/", "A!"}
    segments = {key_segment(s) for s in skus}
    assert len(segments) == len(skus)
    for segment in segments:
        assert re.fullmatch(r"[A-Za-z0-9._!-]+", segment) and segment not in (".", "..")


def test_key_segment_refuses_an_empty_sku():
    with pytest.raises(ValueError):
        key_segment("")


def test_domain_images_uses_stdlib_only():
    tree = ast.parse(open(images.__file__, encoding="utf-8").read())
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for name in names:
                assert name.split(".")[0] in sys.stdlib_module_names, name
