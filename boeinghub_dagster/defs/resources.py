"""Resources bound from the environment; `scripts/hub` fills sandbox defaults locally."""

import dagster as dg

from boeinghub_dagster.resources.boeing import BoeingResource
from boeinghub_dagster.resources.images import ProductImagesResource
from boeinghub_dagster.resources.inbox import InboxResource
from boeinghub_dagster.resources.shopify import ShopifyResource
from boeinghub_dagster.resources.storage import storage_from_env
from boeinghub_dagster.resources.store import StoreResource


def build_resources() -> dict:
    store = StoreResource(database_url=dg.EnvVar("BOEINGHUB_DATABASE_URL"))
    boeing = BoeingResource(
        client_id=dg.EnvVar("BOEING_CLIENT_ID"),
        client_secret=dg.EnvVar("BOEING_CLIENT_SECRET"),
        username=dg.EnvVar("BOEING_USERNAME"),
        password=dg.EnvVar("BOEING_PASSWORD"),
        oauth_token_url=dg.EnvVar("BOEING_OAUTH_TOKEN_URL"),
        pna_oauth_url=dg.EnvVar("BOEING_PNA_OAUTH_URL"),
        pna_price_url=dg.EnvVar("BOEING_PNA_PRICE_URL"),
        scope=dg.EnvVar("BOEING_SCOPE"),
        store=store,
    )
    shopify = ShopifyResource(shop_url=dg.EnvVar("SHOPIFY_SHOP_URL"), access_token=dg.EnvVar("SHOPIFY_ACCESS_TOKEN"), store=store)
    return {
        "store": store,
        "boeing": boeing,
        "inbox": InboxResource(path=dg.EnvVar("BOEINGHUB_INBOX")),
        "shopify": shopify,
        "product_images": ProductImagesResource(storage=storage_from_env()),
    }


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources=build_resources())
