"""Media processing of the Shopify sandbox: fetch each `originalSource` after the mutation returns.

Shopify answers `productSet` with the media UPLOADED and fetches the URL itself, later; the
media becomes READY, or FAILED with a media error. Here a background task does the same
with httpx: FAILED when the fetch fails, answers >= 300, is not an image content type, or
is a tiny body (docs/behaviour.md §6: a good image is over 1,000 bytes).
"""

from __future__ import annotations

import httpx

from boeinghub_dagster.sandbox.shopify_store import ShopifyStore, now_iso

MIN_IMAGE_BYTES = 1000
PENDING = ("UPLOADED", "PROCESSING")


async def judge(client: httpx.AsyncClient, url: str | None) -> tuple[str, str | None, str | None]:
    """(status, error code, error message) for the image at `url`."""
    if not url or not url.startswith(("http://", "https://")):
        return "FAILED", "IMAGE_DOWNLOAD_FAILURE", f"Image download failed: invalid URL {url!r}"
    try:
        response = await client.get(url)
    except httpx.HTTPError as exc:
        return "FAILED", "IMAGE_DOWNLOAD_FAILURE", f"Image download failed: {type(exc).__name__}"
    if response.status_code >= 300:
        return "FAILED", "IMAGE_DOWNLOAD_FAILURE", f"Image download failed: HTTP {response.status_code}"
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not content_type.startswith("image/"):
        return "FAILED", "IMAGE_PROCESSING_FAILURE", f"File is not an image ({content_type or 'no content type'})"
    if len(response.content) <= MIN_IMAGE_BYTES:
        return "FAILED", "IMAGE_PROCESSING_FAILURE", f"Image is too small ({len(response.content)} bytes)"
    return "READY", None, None


async def process_media(store: ShopifyStore, media_ids: list[int], timeout: float) -> dict[str, int]:
    """Fetch and judge each pending media; returns counts per final status."""
    outcome: dict[str, int] = {}
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=True) as client:
        for pk in media_ids:
            row = store.get("media", pk)
            if row is None or row["status"] not in PENDING:
                continue
            store.update("media", pk, status="PROCESSING", updated_at=now_iso())
            status, code, message = await judge(client, row["original_source"])
            if store.get("media", pk) is not None:  # the product may have been deleted meanwhile
                store.update("media", pk, status=status, error_code=code, error_message=message, updated_at=now_iso())
                outcome[status] = outcome.get(status, 0) + 1
    return outcome


def pending_media(store: ShopifyStore) -> list[int]:
    """Media left unprocessed by a previous run (a restart resumes them)."""
    return [r["id"] for r in store.rows("SELECT id FROM media WHERE status IN ('UPLOADED', 'PROCESSING') ORDER BY id")]
