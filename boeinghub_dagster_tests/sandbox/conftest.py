"""Fresh sandboxes per test (Boeing, Shopify), over real HTTP on free ports."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from boeinghub_dagster.sandbox.boeing import create_boeing_app
from boeinghub_dagster.sandbox.serve import ServerHandle, serve
from boeinghub_dagster_tests.support.sandboxes import running_shopify

PINNED_HOUR = 480_000  # fixed so answers are predictable from the catalogue


@dataclass
class Sandbox:
    handle: ServerHandle
    http: httpx.Client

    def tokens(self) -> tuple[str, str]:
        r = self.http.post(
            "/oauth/token",
            data={
                "client_id": "sandbox-client",
                "client_secret": "sandbox-secret",
                "scope": "anything",
                "grant_type": "client_credentials",
            },
        )
        assert r.status_code == 200, r.text
        access = r.json()["access_token"]
        r = self.http.get(
            "/pna/oauth",
            headers={"Authorization": f"Bearer {access}", "x-username": "sandbox-user", "x-password": "sandbox-pass"},
        )
        assert r.status_code == 200, r.text
        return access, r.headers["x-part-access-token"]

    def price(self, codes, tokens: tuple[str, str] | None = None, **kw) -> httpx.Response:
        access, part = tokens or self.tokens()
        headers = {"Authorization": f"Bearer {access}", "x-boeing-parts-authorization": part}
        if "content" in kw:
            return self.http.post("/pna/price", headers=headers, content=kw["content"])
        return self.http.post(
            "/pna/price", headers=headers, json={"showNoStock": True, "showLocation": True, "productCodes": codes}
        )

    def admin(self, **knobs) -> dict:
        r = self.http.post("/_admin", json=knobs)
        assert r.status_code == 200, r.text
        return r.json()

    def stats(self) -> dict:
        return self.http.get("/_stats").json()


@pytest.fixture
def boeing():
    """Sandbox with a generous limit (tests about the limit set their own) and a pinned hour."""
    with serve(create_boeing_app(rate_per_min=60_000, burst=1_000, hour=PINNED_HOUR)) as handle:
        with httpx.Client(base_url=handle.url, timeout=5.0) as http:
            yield Sandbox(handle, http)


@pytest.fixture
def shopify(tmp_path):
    """A Shopify sandbox over a fresh SQLite shop in tmp_path, on a free port."""
    with running_shopify(str(tmp_path / "shop.db")) as handle:
        yield handle
