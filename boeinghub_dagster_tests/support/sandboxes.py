"""Handles on the sandbox servers for tests: start on a free port, read stats, turn knobs.

`running_boeing` / `running_shopify` are what the fixtures yield from: the server stopped (and the shop's
store closed) when the test is done, pass or fail."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from boeinghub_dagster.domain.shopify_api import SHOPIFY_API_VERSION
from boeinghub_dagster.sandbox.boeing import create_boeing_app
from boeinghub_dagster.sandbox.serve import serve
from boeinghub_dagster.sandbox.shopify import DEFAULT_ACCESS_TOKEN, create_shopify_app


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


@contextmanager
def running_boeing(rate_per_min: float = 6000, **knobs):
    """A Boeing sandbox's handle while the block runs; stopped after."""
    server, handle = start_boeing(rate_per_min, **knobs)
    try:
        yield handle
    finally:
        server.stop()


@dataclass
class ShopifySandbox:
    """Handle on a running Shopify sandbox: GraphQL URL, token, stats and knobs."""

    url: str
    token: str

    def graphql_url(self) -> str:
        return f"{self.url}/admin/api/{SHOPIFY_API_VERSION}/graphql.json"

    def graphql(self, query: str, variables: dict | None = None, token: str | None = None) -> httpx.Response:
        """POST one document; the raw response (status, headers, body) for tests to inspect."""
        headers = {"X-Shopify-Access-Token": self.token if token is None else token}
        return httpx.post(
            self.graphql_url(), json={"query": query, "variables": variables or {}}, headers=headers, timeout=10
        )

    def stats(self) -> dict:
        return httpx.get(f"{self.url}/_stats", timeout=10).json()

    def admin(self, **knobs) -> dict:
        r = httpx.post(f"{self.url}/_admin", json=knobs, timeout=10)
        r.raise_for_status()
        return r.json()

    def reset(self, wipe: bool = False) -> dict:
        r = httpx.post(f"{self.url}/_admin/reset", json={"wipe": True} if wipe else {}, timeout=10)
        r.raise_for_status()
        return r.json()


def start_shopify(db_path: str = ":memory:", **knobs):
    """A running Shopify sandbox and its handle; `.stop()` the server (and close its store) when done."""
    app = create_shopify_app(db_path, **knobs)
    server = serve(app)
    return server, ShopifySandbox(server.url, DEFAULT_ACCESS_TOKEN)


@contextmanager
def running_shopify(db_path: str = ":memory:", **knobs):
    """A Shopify sandbox's handle while the block runs; stopped, and its store closed, after."""
    server, handle = start_shopify(db_path, **knobs)
    try:
        yield handle
    finally:
        server.stop()
        server.app.state.sandbox.store.close()
