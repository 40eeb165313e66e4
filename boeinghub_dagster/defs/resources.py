"""Resources bound from the environment; `scripts/hub` fills sandbox defaults locally."""

import os

import dagster as dg

from boeinghub_dagster.resources.boeing import BoeingResource
from boeinghub_dagster.resources.images import ProductImagesResource
from boeinghub_dagster.resources.inbox import Inbox, InboxResource
from boeinghub_dagster.resources.inbox_s3 import S3InboxResource
from boeinghub_dagster.resources.s3_client import is_s3_url, parse_s3_url
from boeinghub_dagster.resources.shopify import ShopifyResource
from boeinghub_dagster.resources.storage import storage_from_env
from boeinghub_dagster.resources.store import StoreResource


def inbox_from_env() -> Inbox:
    """`BOEINGHUB_INBOX` a folder, or `s3://bucket/prefix`: then the bucket is reached through the image
    store's S3 connection (`SUPABASE_S3_ENDPOINT`, `…_ACCESS_KEY_ID`, `…_SECRET_ACCESS_KEY`, `…_REGION`),
    every value but the region read through `EnvVar` where the sensor runs, never written into config.
    No `BOEINGHUB_INBOX_S3_*` of its own: one S3 connection, one key pair to rotate."""
    where = os.environ.get("BOEINGHUB_INBOX", "")
    if not is_s3_url(where):
        return InboxResource(path=dg.EnvVar("BOEINGHUB_INBOX"))
    parse_s3_url(where)  # a malformed URL stops the code location from loading, with why
    return S3InboxResource(
        path=dg.EnvVar("BOEINGHUB_INBOX"),
        endpoint_url=dg.EnvVar("SUPABASE_S3_ENDPOINT"),
        access_key_id=dg.EnvVar("SUPABASE_S3_ACCESS_KEY_ID"),
        secret_access_key=dg.EnvVar("SUPABASE_S3_SECRET_ACCESS_KEY"),
        region=os.environ.get("SUPABASE_S3_REGION") or "us-east-1",
    )


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
    shopify = ShopifyResource(
        shop_url=dg.EnvVar("SHOPIFY_SHOP_URL"), access_token=dg.EnvVar("SHOPIFY_ACCESS_TOKEN"), store=store
    )
    return {
        "store": store,
        "boeing": boeing,
        "inbox": inbox_from_env(),
        "shopify": shopify,
        "product_images": ProductImagesResource(storage=storage_from_env()),
    }


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources=build_resources())
