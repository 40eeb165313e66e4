"""The Boeing sandbox serves the image URLs its catalogue answers: good, missing, tiny, not images."""

from __future__ import annotations

import struct
from collections import Counter

import pytest

from boeinghub_dagster.domain.images import judge_download, sniff
from boeinghub_dagster.sandbox.catalogue import image_kind, is_known, item_for
from boeinghub_dagster.sandbox.images import good_image, grey_jpeg, image_asset, png
from boeinghub_dagster_tests.sandbox.conftest import PINNED_HOUR

PARTS = [f"BAC{i:05d}-{i % 7}" for i in range(2_000)]


def _items(boeing, parts):
    r = boeing.price(parts)
    assert r.status_code == 200, r.text
    return {i["aviallPartNumber"]: i for i in r.json()["lineItems"]}


def test_image_urls_point_at_the_sandbox_itself(boeing):
    parts = [p for p in PARTS[:40] if image_kind(p) is not None][:10]
    for part, item in _items(boeing, parts).items():
        assert item["productImage"] == f"{boeing.handle.url}/images/{part}.jpg"
        assert item["thumbnailImage"] in (None, f"{boeing.handle.url}/images/{part}_thumb.jpg")
        assert item == item_for(part, PINNED_HOUR, boeing.handle.url)


def test_good_images_are_real_deterministic_and_differ_per_part(boeing):
    goods = [p for p in PARTS[:60] if image_kind(p) == "good"][:8]
    items = _items(boeing, goods)
    bodies = set()
    for part in goods:
        r = boeing.http.get(items[part]["productImage"])
        assert r.status_code == 200 and r.headers["content-type"] in ("image/png", "image/jpeg")
        assert judge_download(r.status_code, r.headers["content-type"], r.content).ok
        assert sniff(r.content) == {"image/png": "png", "image/jpeg": "jpg"}[r.headers["content-type"]]
        assert boeing.http.get(items[part]["productImage"]).content == r.content == good_image(part)[1]
        bodies.add(r.content)
    assert len(bodies) == len(goods)
    assert {good_image(p)[0] for p in PARTS[:60] if image_kind(p) == "good"} == {"image/png", "image/jpeg"}


def test_thumbnails_are_served_too(boeing):
    part = next(p for p in PARTS if image_kind(p) == "good" and item_for(p, PINNED_HOUR)["thumbnailImage"])
    r = boeing.http.get(_items(boeing, [part])[part]["thumbnailImage"])
    assert r.status_code == 200 and r.content == good_image(part, thumb=True)[1] != good_image(part)[1]


@pytest.mark.parametrize(
    ("part", "status", "content_type", "small"),
    [
        ("MISSINGIMAGE-1", 404, "text/plain", True),
        ("TINYIMAGE-1", 200, "image/png", True),
        ("BADIMAGE-1", 200, "text/html", False),
    ],
)
def test_prefixes_force_a_bad_image(boeing, part, status, content_type, small):
    url = _items(boeing, [part])[part]["productImage"]
    r = boeing.http.get(url)
    assert r.status_code == status and r.headers["content-type"].startswith(content_type)
    assert (len(r.content) < 1_000) == small
    assert not judge_download(r.status_code, r.headers["content-type"], r.content).ok
    if part.startswith("TINY"):
        assert sniff(r.content) == "png"  # a real image, only too small


def test_noimage_prefix_has_no_image_url(boeing):
    item = _items(boeing, ["NOIMAGE-1"])["NOIMAGE-1"]
    assert item["productImage"] is None and item["thumbnailImage"] is None
    assert boeing.http.get("/images/NOIMAGE-1.jpg").status_code == 404


def test_part_numbers_with_url_characters_round_trip(boeing):
    odd = [p for p in (f"AB/{i}#X+Y {i}" for i in range(200)) if image_kind(p) == "good"][:3]
    odd += ["WF338109=K3"] if image_kind("WF338109=K3") == "good" else []
    assert len(odd) >= 3
    for part, item in _items(boeing, odd).items():
        assert "/" not in item["productImage"].rsplit("/images/", 1)[1]
        r = boeing.http.get(item["productImage"])
        assert r.status_code == 200 and r.content == good_image(part)[1]


@pytest.mark.parametrize("path", ["/images/UNKNOWN-1.jpg", "/images/.jpg", "/images/ABC-123.png", "/images/"])
def test_unknown_parts_and_odd_names_are_404(boeing, path):
    assert boeing.http.get(path).status_code == 404


def test_the_mix_of_image_kinds():
    known = [p for p in PARTS if is_known(p)]
    kinds = Counter(image_kind(p) for p in known)
    assert 0.15 <= kinds[None] / len(known) <= 0.25  # the share with no image, as before
    assert kinds["good"] / len(known) >= 0.6
    for bad in ("missing", "tiny", "not_image"):
        assert 0.02 <= kinds[bad] / len(known) <= 0.10
    assert image_kind("UNKNOWN-9") is None and image_asset("UNKNOWN-9.jpg")[0] == 404


def test_hand_built_encoders_write_valid_headers():
    body = png(3, 2, lambda x, y: (x * 80, y * 100, 7))
    assert sniff(body) == "png" and struct.unpack(">II", body[16:24]) == (3, 2)
    jpeg = grey_jpeg(200, blocks=2, comment="x")
    assert jpeg.startswith(b"\xff\xd8\xff\xe0") and jpeg.endswith(b"\xff\xd9")
    sof = jpeg.index(b"\xff\xc0")
    assert struct.unpack(">HH", jpeg[sof + 5 : sof + 9]) == (16, 16)
