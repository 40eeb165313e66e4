"""Static file server for the local object store (`data/images`), so stored images have public URLs.

In production Supabase Storage serves public objects; locally this stands in for it,
so the Shopify sandbox (and a browser) can fetch what `LocalStorage` wrote. Starlette's
`StaticFiles` does the serving (content type from the extension, ETag, Last-Modified).
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles


def create_files_app(root: str | Path) -> Starlette:
    """Serve the folder `root` at `/` (created when missing, so the server can start before any image)."""
    folder = Path(root)
    folder.mkdir(parents=True, exist_ok=True)
    return Starlette(routes=[Mount("/", app=StaticFiles(directory=folder), name="files")])
