"""Fixtures for the resources: one moto S3 server per session, a fresh bucket per test; the Shopify sandbox."""

from __future__ import annotations

import pytest

from boeinghub_dagster.resources.shopify import ShopifyResource
from boeinghub_dagster_tests.support.s3 import new_bucket, s3_server
from boeinghub_dagster_tests.support.sandboxes import running_shopify


@pytest.fixture(scope="session")
def s3_endpoint():
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3_store(s3_endpoint):
    return new_bucket(s3_endpoint)


@pytest.fixture
def shopify_sandbox(request):
    """Shopify sandbox; `@pytest.mark.parametrize("shopify_sandbox", [{...knobs}], indirect=True)` sets knobs."""
    with running_shopify(**(getattr(request, "param", None) or {})) as handle:
        yield handle


@pytest.fixture
def shopify(store, shopify_sandbox) -> ShopifyResource:
    """The hub's Shopify resource on the sandbox: fast floor, short timeouts and backoff."""
    return ShopifyResource(
        shop_url=shopify_sandbox.url,
        access_token=shopify_sandbox.token,
        store=store,
        rate_per_min=6000,
        timeout_seconds=5,
        max_attempts=6,
        max_backoff_seconds=0.5,
    )
