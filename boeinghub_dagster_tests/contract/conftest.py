"""The shop the Shopify contract suite (`-m shopify_contract`) runs against: the sandbox, and a real store.

Every test here runs against the Shopify sandbox over real HTTP. When SHOPIFY_LIVE_SHOP_URL and
SHOPIFY_LIVE_ACCESS_TOKEN name a Shopify development store (never a shop that sells), each one
runs against it too: it creates its own products, part numbers and tags unique to the run, and
deletes them at the end (the metafield definitions the hub needs are created once, as
`shopify_setup` does). Tests that need a sandbox knob (faults, the simulated day, a new location)
are skipped there; without the variables the live half is skipped, saying how to run it.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field

import pytest

from boeinghub_dagster.domain.metafields import METAFIELD_DEFINITIONS
from boeinghub_dagster.domain.payloads import product_set_input
from boeinghub_dagster.resources.shopify import ShopifyClient, ShopifyResource
from boeinghub_dagster.resources.shopify_idempotency import IdempotentCalls
from boeinghub_dagster.resources.shopify_product import ProductWriter
from boeinghub_dagster.resources.shopify_setup import ShopSetup, match_names
from boeinghub_dagster_tests.domain.normalization_support import row_for
from boeinghub_dagster_tests.support.sandboxes import ShopifySandbox, start_shopify

LIVE_VARS = ("SHOPIFY_LIVE_SHOP_URL", "SHOPIFY_LIVE_ACCESS_TOKEN")
SKIP_LIVE = (
    "live: set SHOPIFY_LIVE_SHOP_URL and SHOPIFY_LIVE_ACCESS_TOKEN (a development store's Admin API "
    "token) to run the contract suite against a real Shopify store"
)
ONLINE_STORE = "Online Store"


@dataclass
class ContractShop:
    """One shop under test, the hub's client on it, and what the test created there."""

    kind: str  # "sandbox" | "live"
    resource: ShopifyResource
    sandbox: ShopifySandbox | None
    run: str = field(default_factory=lambda: secrets.token_hex(3).upper())
    created: list[str] = field(default_factory=list)
    clients: list[ShopifyClient] = field(default_factory=list)

    @property
    def tag(self) -> str:
        return f"boeinghub-contract-{self.run.lower()}"

    def client(self) -> ShopifyClient:
        self.clients.append(self.resource.client())
        return self.clients[-1]

    def needs_sandbox(self, why: str) -> ShopifySandbox:
        if self.sandbox is None:
            pytest.skip(f"sandbox only: {why}")
        return self.sandbox

    def part(self, name: str) -> str:
        return f"ZZCT{self.run}-{name}"

    def setup(self) -> ShopSetup:
        """The definitions, locations and Online Store, as `shopify_setup` finds them (creating definitions)."""
        client = self.client()
        outcome = client.create_metafield_definitions([d.as_input() for d in METAFIELD_DEFINITIONS])
        assert not outcome.failed, outcome.failed
        publications, missing = match_names([ONLINE_STORE], client.publications())
        assert not missing, f"the shop has no {ONLINE_STORE} publication"
        return ShopSetup(client.locations(), publications)

    def writer(self, shop: ShopSetup, client: ShopifyClient | None = None) -> ProductWriter:
        return ProductWriter(
            client or self.client(),
            IdempotentCalls(self.resource.store.idempotency()),
            tuple(shop.publications.values()),
        )

    def image(self, name: str) -> str | None:
        """An image URL for the shop to fetch: the sandbox's own address, or SHOPIFY_LIVE_IMAGE_URL."""
        if self.sandbox is not None:
            return f"{self.sandbox.url}/images/{name}.png"
        base = os.environ.get("SHOPIFY_LIVE_IMAGE_URL", "").strip()
        return f"{base}?{name}" if base else None

    def full_input(self, part: str, shop: ShopSetup, image: str | None = None, **boeing) -> dict:
        """The hub's create input for `part`, tagged with the run's tag."""
        payload = product_set_input(
            row_for(part, aviallPartNumber=part, productCode=part, **boeing),
            price_markup_factor="1.1",
            location_ids=shop.locations,
            location_map={},
            location_codes={},
            image_url=image,
            part_number=part,
        )
        payload["tags"] = [*payload["tags"], self.tag]
        return payload

    def write(self, writer: ProductWriter, part: str, payload: dict, held=None):
        """The hub's write of one product; the product is deleted at the end."""
        done = writer.write(part, payload, held)
        if done.product_id not in self.created:
            self.created.append(done.product_id)
        return done

    def cleanup(self) -> None:
        if self.created:
            client = self.client()
            for product_id in self.created:
                client.delete_product(product_id)
        for client in self.clients:
            client.close()


@pytest.fixture
def database_url(tmp_path):
    """SQLite only here: the store holds the limiter and idempotency attempts; PostgreSQL is covered elsewhere."""
    yield f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture(params=["sandbox", "live"])
def shop(request, store, tmp_path):
    if request.param == "sandbox":
        server, handle = start_shopify(str(tmp_path / "shop.db"))
        resource = ShopifyResource(
            shop_url=handle.url,
            access_token=handle.token,
            store=store,
            rate_per_min=6000,
            timeout_seconds=10,
            max_attempts=6,
            max_backoff_seconds=0.5,
        )
        contract = ContractShop("sandbox", resource, handle)
        yield contract
        contract.cleanup()
        server.stop()
        server.app.state.sandbox.store.close()
        return
    url, token = (os.environ.get(name, "").strip() for name in LIVE_VARS)
    if not url or not token:
        pytest.skip(SKIP_LIVE)
    resource = ShopifyResource(
        shop_url=url, access_token=token, store=store, timeout_seconds=30, max_attempts=8, max_backoff_seconds=10
    )
    contract = ContractShop("live", resource, None)
    yield contract
    contract.cleanup()
