"""Product images (docs/behaviour.md §6): download Boeing's image, check it, store it, hand back its public URL.

A bad image never fails a publish: no URL, a refused answer (status, content type,
size, bytes) or a transport failure all give the shipped placeholder
(`boeinghub_dagster/assets/fallback.png`) and a warning saying why. Only the object
store failing raises (`StorageError`): then the placeholder cannot be stored either,
and the run should retry rather than publish without an image.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources import files
from typing import NamedTuple
from urllib.parse import urlsplit, urlunsplit

import httpx
from pydantic import Field

from boeinghub_dagster.domain.images import (
    CONTENT_TYPES,
    MAX_IMAGE_BYTES,
    fallback_key,
    header_reason,
    image_key,
    judge_download,
)
from boeinghub_dagster.resources.launch_guard import PinnedResource
from boeinghub_dagster.resources.storage import ObjectStore

FALLBACK_CONTENT_TYPE = "image/png"
USER_AGENT = "boeinghub-dagster/0.1 (+product images)"


class StoredImage(NamedTuple):
    """The public URL to give Shopify, and why it is the placeholder (None when it is the real image)."""

    url: str
    warning: str | None


class _Refused(Exception):
    """A download that is not a usable image; the message is the reason."""


def fallback_image() -> bytes:
    """The placeholder shipped with the package (a 400x400 grey PNG reading 'NO IMAGE')."""
    return (files("boeinghub_dagster") / "assets" / "fallback.png").read_bytes()


def shown_url(url: str) -> str:
    """The URL without userinfo, query or fragment (signed CDN links carry tokens that must not
    reach logs), control characters or more than 200 characters."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    shown = urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))
    shown = "".join(c if c.isprintable() else "?" for c in shown)
    return shown if len(shown) <= 200 else shown[:199] + "…"


@dataclass
class ProductImages:
    """Stores product images through one HTTP client (connections reused across products)."""

    storage: ObjectStore
    http: httpx.Client
    max_bytes: int = MAX_IMAGE_BYTES
    _fallback_url: str | None = field(default=None, init=False)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> ProductImages:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def download(self, url: str) -> tuple[bytes, str]:
        """(body, extension) of an accepted image, or raise `_Refused` with the reason."""
        try:
            with self.http.stream("GET", url) as response:
                content_type = response.headers.get("content-type")
                reason = header_reason(response.status_code, content_type)
                if reason:
                    raise _Refused(reason)
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise _Refused(f"{int(declared):,} bytes, over the {self.max_bytes:,}-byte cap")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise _Refused(f"over the {self.max_bytes:,}-byte cap")
        except httpx.TooManyRedirects:
            raise _Refused(f"more than {self.http.max_redirects} redirects") from None
        except httpx.TimeoutException:
            raise _Refused("timed out") from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol):
            raise _Refused("not a usable http(s) URL") from None
        except httpx.HTTPError as exc:  # connection refused, reset, DNS, bad chunking, ...
            raise _Refused(f"download failed ({type(exc).__name__})") from None
        verdict = judge_download(response.status_code, content_type, bytes(body))
        if not verdict.ok:
            raise _Refused(verdict.reason)
        return bytes(body), verdict.ext

    def fallback(self, warning: str) -> StoredImage:
        """The placeholder's public URL (stored once per store) with `warning`."""
        if self._fallback_url is None:
            body = fallback_image()
            self._fallback_url = self.storage.put(fallback_key(body), body, FALLBACK_CONTENT_TYPE)
        return StoredImage(self._fallback_url, warning)

    def store(self, sku: str, url: str | None) -> StoredImage:
        """Store the image at `url` (see `domain.images.pick_image_url`) for `sku`; never raises for a bad image."""
        if not url:
            return self.fallback("no image from Boeing; using the placeholder image")
        try:
            body, ext = self.download(url)
        except _Refused as refused:
            return self.fallback(f"image {shown_url(url)} refused: {refused}; using the placeholder image")
        return StoredImage(self.storage.put(image_key(sku, body, ext), body, CONTENT_TYPES[ext]), None)


class ProductImagesResource(PinnedResource):
    """Downloads product images into `storage`; `images()` gives a client to use for a whole run."""

    storage: ObjectStore
    timeout_seconds: float = Field(default=20.0, description="Connect/read timeout of one download")
    max_bytes: int = Field(default=MAX_IMAGE_BYTES, description="Largest image accepted (10 MiB)")
    max_redirects: int = Field(default=3, description="Redirects followed per download")

    def images(self) -> ProductImages:
        http = httpx.Client(
            timeout=self.timeout_seconds,
            follow_redirects=True,
            max_redirects=self.max_redirects,
            headers={"User-Agent": USER_AGENT, "Accept": "image/*"},
        )
        return ProductImages(storage=self.storage, http=http, max_bytes=self.max_bytes)
