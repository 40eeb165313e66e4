"""Load on the Shopify client for the limiter tests, from threads or a separate process.

`python -m boeinghub_dagster_tests.support.shopify_load DB_URL SHOP_URL TOKEN PRODUCT_ID CALLS`
sends CALLS status mutations through the hub's client and prints `ok <calls> <throttled>`.
"""

from __future__ import annotations

import sys

from boeinghub_dagster.domain.metafields import METAFIELD_DEFINITIONS
from boeinghub_dagster.domain.payloads import product_identifier, product_set_input
from boeinghub_dagster.resources.shopify import ShopifyClient, ShopifyResource, ShopifyResult
from boeinghub_dagster.resources.store import StoreResource
from boeinghub_dagster_tests.domain.normalization_support import row_for


def publish(client: ShopifyClient, part: str = "BACB30LE3-4", **row_overrides) -> ShopifyResult:
    """Create the metafield definitions once, then upsert one part the way publishing does."""
    if not client.metafield_definitions():
        client.create_metafield_definitions([d.as_input() for d in METAFIELD_DEFINITIONS])
    product = product_set_input(
        row_for(part, **row_overrides),
        price_markup_factor="1.1",
        location_ids=client.locations(),
        location_map={},
        location_codes={},
        image_url=None,
        part_number=part,
    )
    return client.product_set(product, product_identifier(part))


def flip_status(client: ShopifyClient, product_id: str, calls: int) -> None:
    """`calls` productUpdate mutations (about 12 points each), alternating DRAFT and ACTIVE."""
    for i in range(calls):
        result = client.update_product_status(product_id, ("DRAFT", "ACTIVE")[i % 2])
        assert result.ok, result.user_errors


def resource(db_url: str, shop_url: str, token: str) -> ShopifyResource:
    return ShopifyResource(
        shop_url=shop_url,
        access_token=token,
        store=StoreResource(database_url=db_url),
        rate_per_min=6000,
        timeout_seconds=10,
        max_attempts=20,
        max_backoff_seconds=1,
    )


def main(db_url: str, shop_url: str, token: str, product_id: str, calls: int) -> None:
    client = resource(db_url, shop_url, token).client()
    flip_status(client, product_id, calls)
    print(f"ok {client.calls} {client.throttled}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
