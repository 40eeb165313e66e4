"""The images the Boeing sandbox serves at `/images/<part>.jpg` (pure: bytes in memory).

What a part's URL answers is the catalogue's `image_kind`: a good PNG or JPEG over
1,000 bytes, a 404, a tiny image under 1,000 bytes, or an HTML page with status 200.
Every body is derived from the part number alone, so two fetches give the same
bytes and two parts give different ones.

The encoders are hand-written on purpose: Pillow would be a heavy dependency for
a stand-in whose images only need to be real, small and deterministic. The PNG is
plain zlib + chunks; the JPEG is a baseline greyscale image of uniform 8x8 blocks,
where each block is one DC value and an end-of-block, so the Huffman tables hold a
single code each. Both pad with a standard comment (PNG `tEXt`, JPEG `COM`).
"""

from __future__ import annotations

import hashlib
import struct
import zlib

from boeinghub_dagster.sandbox.catalogue import image_kind

MISSING, TINY, NOT_IMAGE, GOOD = "missing", "tiny", "not_image", "good"
_SUFFIXES = (("_thumb.jpg", True), (".jpg", False))


def _seed(part: str, thumb: bool) -> bytes:
    return hashlib.sha256(f"{part}|{'thumb' if thumb else 'image'}".encode()).digest()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, rgb, text: str = "") -> bytes:
    """An 8-bit RGB PNG; `rgb(x, y) -> (r, g, b)`; `text` goes in a tEXt `Comment` chunk."""
    rows = b"".join(b"\x00" + bytes(v for x in range(width) for v in rgb(x, y)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    comment = _chunk(b"tEXt", b"Comment\x00" + text.encode("latin-1", "replace")) if text else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + comment
        + _chunk(b"IDAT", zlib.compress(rows, 9))
        + _chunk(b"IEND", b"")
    )


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def grey_jpeg(level: int, blocks: int = 4, comment: str = "") -> bytes:
    """A baseline JPEG, `8*blocks` pixels square, every pixel grey `level` (0..255)."""
    dc = 8 * (max(0, min(255, level)) - 128)  # the DC of a uniform block, quantizer 1
    size = abs(dc).bit_length()
    bits = "0"  # the DC code of category `size`
    if size:
        bits += format(dc if dc > 0 else dc + (1 << size) - 1, f"0{size}b")
    bits += "0"  # EOB, the only AC code
    # Later blocks repeat the value: DC difference 0, category 0, coded "10" after category `size`.
    bits += "100" * (blocks * blocks - 1) if size else "00" * (blocks * blocks - 1)
    bits += "1" * (-len(bits) % 8)
    scan = bytes(int(bits[i : i + 8], 2) for i in range(0, len(bits), 8)).replace(b"\xff", b"\xff\x00")
    dc_symbols = [size, 0] if size else [0]
    counts = bytes([1, 1 if size else 0] + [0] * 14)
    side = 8 * blocks
    out = b"\xff\xd8" + _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    if comment:
        out += _segment(0xFE, comment.encode("latin-1", "replace")[:65_000])
    out += _segment(0xDB, b"\x00" + b"\x01" * 64)
    out += _segment(0xC0, struct.pack(">BHHB", 8, side, side, 1) + b"\x01\x11\x00")
    out += _segment(0xC4, b"\x00" + counts + bytes(dc_symbols))
    out += _segment(0xC4, b"\x10" + bytes([1] + [0] * 15) + b"\x00")
    out += _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + scan + b"\xff\xd9"
    return out


def _padding(part: str, seed: bytes) -> str:
    line = f"Boeing sandbox image for {part} ({seed.hex()[:16]}). "
    return line * (1 + 1_100 // len(line))


def good_image(part: str, thumb: bool = False) -> tuple[str, bytes]:
    """(content type, bytes) of a part's good image: PNG or JPEG by its hash, over 1,000 bytes."""
    seed = _seed(part, thumb)
    if seed[0] % 2:
        return "image/jpeg", grey_jpeg(seed[1], blocks=2 if thumb else 8, comment=_padding(part, seed))
    side = 16 if thumb else 48
    a, b = tuple(seed[2:5]), tuple(seed[5:8])
    body = png(side, side, lambda x, y: a if (x // 8 + y // 8) % 2 else b, _padding(part, seed))
    return "image/png", body


def tiny_image(part: str, thumb: bool = False) -> bytes:
    """A real PNG far under 1,000 bytes."""
    colour = tuple(_seed(part, thumb)[:3])
    return png(4, 4, lambda x, y: colour)


def html_page(part: str) -> str:
    """A 200 answer that is not an image (a CDN's error page), over 1,000 bytes."""
    filler = "<p>The requested image could not be served by this edge node.</p>\n" * 20
    head = f"<!doctype html><html><head><title>{part}</title></head>"
    return f"{head}<body><h1>Not available</h1>\n{filler}</body></html>"


def image_asset(name: str) -> tuple[int, str, bytes]:
    """(status, content type, body) for `GET /images/<name>`; `name` is the decoded path."""
    for suffix, thumb in _SUFFIXES:  # noqa: B007  (`thumb` is read after the loop breaks)
        if name.endswith(suffix) and len(name) > len(suffix):
            part = name[: -len(suffix)]
            break
    else:
        return 404, "text/plain", b"no such image"
    kind = image_kind(part)
    if kind is None or kind == MISSING:
        return 404, "text/plain", b"no such image"
    if kind == TINY:
        return 200, "image/png", tiny_image(part, thumb)
    if kind == NOT_IMAGE:
        return 200, "text/html; charset=utf-8", html_page(part).encode()
    content_type, body = good_image(part, thumb)
    return 200, content_type, body
