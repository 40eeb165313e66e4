"""Publishing end to end: the Shopify sandbox, the local image folder served over HTTP, the resources."""

from __future__ import annotations

import pytest

from boeinghub_dagster.resources.images import ProductImagesResource
from boeinghub_dagster.resources.shopify import ShopifyResource
from boeinghub_dagster.resources.storage import LocalStorage
from boeinghub_dagster.sandbox.files import create_files_app
from boeinghub_dagster.sandbox.serve import serve
from boeinghub_dagster_tests.support.locations import LOCATION_MAP
from boeinghub_dagster_tests.support.sandboxes import running_shopify


@pytest.fixture
def shopify_sandbox(request, tmp_path):
    """Shopify sandbox over a SQLite shop in tmp_path; `indirect=True` parametrization sets knobs."""
    with running_shopify(str(tmp_path / "shop.db"), **(getattr(request, "param", None) or {})) as handle:
        yield handle


@pytest.fixture
def images_storage(tmp_path):
    """LocalStorage in tmp_path, published by the files server on a free port (as scripts/hub does)."""
    root = tmp_path / "images"
    with serve(create_files_app(root)) as files:
        yield LocalStorage(root=str(root), public_base_url=files.url + "/")


@pytest.fixture
def location_map(monkeypatch):
    """Every Boeing location mapped, several to one Shopify location (docs/behaviour.md §6)."""
    import json

    monkeypatch.setenv("SHOPIFY_LOCATION_MAP", json.dumps(LOCATION_MAP))
    monkeypatch.setenv("SHOPIFY_INVENTORY_LOCATION_CODES", json.dumps({"Dallas Central": "1D1", "Chicago": "2C1"}))
    return LOCATION_MAP


@pytest.fixture
def shopify(store, shopify_sandbox) -> ShopifyResource:
    return ShopifyResource(
        shop_url=shopify_sandbox.url,
        access_token=shopify_sandbox.token,
        store=store,
        rate_per_min=6000,
        timeout_seconds=5,
        max_attempts=8,
        max_backoff_seconds=0.5,
    )


@pytest.fixture
def resources(store, boeing, shopify, images_storage, location_map) -> dict:
    return {
        "store": store,
        "boeing": boeing,
        "shopify": shopify,
        "product_images": ProductImagesResource(storage=images_storage, timeout_seconds=5),
    }
