"""Handles on the sandbox servers for tests: start on a free port, read stats, turn knobs."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from boeinghub_dagster.sandbox.boeing import create_boeing_app
from boeinghub_dagster.sandbox.serve import serve


@dataclass
class BoeingSandbox:
    url: str
    rate_per_min: float

    def stats(self) -> dict:
        return httpx.get(f"{self.url}/_stats", timeout=10).json()

    def admin(self, **knobs) -> dict:
        r = httpx.post(f"{self.url}/_admin", json=knobs, timeout=10)
        r.raise_for_status()
        return r.json()

    def reset(self) -> None:
        httpx.post(f"{self.url}/_admin/reset", timeout=10).raise_for_status()

    def endpoints(self) -> dict[str, str]:
        return {
            "oauth_token_url": f"{self.url}/oauth/token",
            "pna_oauth_url": f"{self.url}/pna/oauth",
            "pna_price_url": f"{self.url}/pna/price",
        }


def start_boeing(rate_per_min: float = 6000, **knobs):
    """A running Boeing sandbox and its handle; call `.stop()` on the server when done."""
    server = serve(create_boeing_app(rate_per_min=rate_per_min, **knobs))
    return server, BoeingSandbox(server.url, rate_per_min)
