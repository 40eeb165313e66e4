"""Product images (docs/behaviour.md §6): which URL to take, whether a download is an image, where it is stored.

Pure: the resource downloads and stores, this module only decides. A download is
accepted when it answered < 300, has an image content type and a body over
1,000 bytes, and its first bytes really are a PNG, JPEG, GIF or WEBP (the formats
Shopify takes). When the content type and the bytes name different formats the
bytes decide: servers mislabel images (a `.jpg` URL serving a PNG) far more often
than bytes lie, and the stored object then gets the type its bytes have.

Objects are content-addressed, `products/<sku>/<sha256 first 16 hex>.<ext>`, so
the same bytes always land on the same key and storing them twice is a no-op.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

MIN_IMAGE_BYTES = 1_000  # a good image is *over* this
MAX_IMAGE_BYTES = 10 * 1024 * 1024  # downloads stop reading past this
SHA_PREFIX_HEX = 16
FALLBACK_FOLDER = "_fallback"  # lower case: never the escaped form of an (upper-case) SKU

# Content type (without parameters) -> extension, for the formats Shopify accepts.
EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/jpg": "jpg",
    "image/pjpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
}
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}
_KEEP = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._")
_ESCAPE = "!"


@dataclass(frozen=True)
class Verdict:
    """A judged download: `ext` when accepted, else `reason` (a phrase an operator reads)."""

    ext: str | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None

    @property
    def content_type(self) -> str | None:
        return CONTENT_TYPES.get(self.ext or "")


def pick_image_url(product_image: object, thumbnail: object) -> str | None:
    """`productImage`, else the thumbnail; blank or non-string values count as absent."""
    for value in (product_image, thumbnail):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def media_type(content_type: str | None) -> str:
    """`Image/PNG; charset=x` -> `image/png`; empty when absent."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def sniff(body: bytes) -> str | None:
    """The extension the leading bytes prove (png, jpg, gif, webp), or None."""
    if body.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if body.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if body[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return "webp"
    return None


def header_reason(status: int, content_type: str | None) -> str | None:
    """Why the answer is refused before its body is read, or None to read on."""
    if not 200 <= status < 300:
        return f"HTTP {status}"
    kind = media_type(content_type)
    if not kind:
        return "no content type"
    if not kind.startswith("image/"):
        return f"content type {kind} is not an image"
    if kind not in EXTENSIONS:
        return f"image type {kind} is not one Shopify takes (PNG, JPEG, GIF, WEBP)"
    return None


def judge_download(status: int, content_type: str | None, body: bytes) -> Verdict:
    """docs/behaviour.md §6 acceptance: status < 300, an image content type, over 1,000 bytes, real image bytes."""
    reason = header_reason(status, content_type)
    if reason:
        return Verdict(reason=reason)
    if len(body) <= MIN_IMAGE_BYTES:
        return Verdict(reason=f"only {len(body):,} bytes (an image needs over {MIN_IMAGE_BYTES:,})")
    ext = sniff(body)
    if ext is None:
        kind = media_type(content_type)
        return Verdict(reason=f"content type {kind} but the bytes are not a PNG, JPEG, GIF or WEBP image")
    return Verdict(ext=ext)


def content_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def key_segment(sku: str) -> str:
    """The SKU as one object-key segment, deterministic and reversible.

    Letters, digits, `-`, `.` and `_` stay; every other byte (of its UTF-8) becomes
    `!` and two upper-case hex digits: `/` -> `!2F`, `#` -> `!23`, `+` -> `!2B`,
    `=` -> `!3D`, space -> `!20`, `!` -> `!21`. `!` never occurs in a SKU (docs/behaviour.md §3),
    so two SKUs never share a segment; the result needs no URL encoding and is a
    key S3 and Supabase Storage accept. A segment of dots only (`.`, `..`) is
    escaped whole, so a URL can never read it as a path step.
    """
    if not sku:
        raise ValueError("an image key needs a non-empty SKU")
    if set(sku) == {"."}:
        return "!2E" * len(sku)
    return "".join(ch if ch in _KEEP else "".join(f"{_ESCAPE}{b:02X}" for b in ch.encode()) for ch in sku)


def image_key(sku: str, body: bytes, ext: str) -> str:
    """`products/<sku segment>/<sha256 first 16 hex>.<ext>`."""
    return f"products/{key_segment(sku)}/{content_sha256(body)[:SHA_PREFIX_HEX]}.{ext}"


def fallback_key(body: bytes) -> str:
    """Where the shipped placeholder lives: `products/_fallback/<sha256 first 16 hex>.png`."""
    return f"products/{FALLBACK_FOLDER}/{content_sha256(body)[:SHA_PREFIX_HEX]}.png"
