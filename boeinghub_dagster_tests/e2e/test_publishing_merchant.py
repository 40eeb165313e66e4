"""Publishing as the merchant sees it (issue 13, docs/behaviour.md §7a): a republish changes only what the hub owns,
every product is on the Online Store, a location added later is stocked, reconciliation puts a product back on sale."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import dagster as dg
import httpx
import pytest
from sqlalchemy import update

from boeinghub_dagster.defs.reconciliation.jobs import publish_reconciliation_job
from boeinghub_dagster.resources.shopify_calls import ShopifyCalls
from boeinghub_dagster.resources.store.schema import product_staging
from boeinghub_dagster.resources.store.schema_publishing import products
from boeinghub_dagster_tests.support.expected import expected_staging, part_list
from boeinghub_dagster_tests.support.locations import LOCATION_MAP
from boeinghub_dagster_tests.support.merchant import add_image, add_metafields, add_to_new_collection, view
from boeinghub_dagster_tests.support.publishing import SHOPIFY_PRODUCTS, check, publish, stage
from boeinghub_dagster_tests.support.sync import sync_now

PARTS = [p for p in part_list(12) if expected_staging([p]).get(p) == "fetched"][:3]
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _admin_page(instance, part: str) -> dict:
    """The product's admin page, from the link in the part's latest materialization."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(SHOPIFY_PRODUCTS, asset_partitions=[part]), limit=1, ascending=False
    ).records
    url = records[0].asset_materialization.metadata["shopify_admin_url"].value
    r = httpx.get(url, timeout=10)
    assert r.status_code == 200, (url, r.text)
    return r.json()


def test_a_republish_keeps_the_merchants_metafields_images_and_collections(
    store, resources, shopify, shopify_sandbox, instance
):
    stage(instance, PARTS, resources)
    assert publish(instance, PARTS, resources).success
    part = PARTS[0]
    row = store.publishing().products([part])[part]
    product_id, client = row["shopify_product_id"], shopify.client()
    page = _admin_page(instance, part)
    assert page["sales_channels"] == ["Online Store"] and page["status"] == "ACTIVE"  # on sale, and nowhere else
    assert row["publications"] and row["stocked_locations"] and row["media_id"]

    add_metafields(client, product_id, {"custom.merchant_note": "ships in a blue box", "reviews.rating": "5"})
    add_image(client, product_id, f"{shopify_sandbox.url}/merchant-photo.png")
    add_to_new_collection(client, product_id, "Fasteners we love")
    with store.engine().begin() as conn:  # Boeing's next answer: a new price and hazmat code for this part
        conn.execute(
            update(product_staging)
            .where(product_staging.c.part_number == part)
            .values(list_price=product_staging.c.list_price * 1.2, hazmat_code="UN9999", eccn=None)
        )
    before = shopify_sandbox.stats()["root_fields"]
    again = publish(instance, PARTS, resources)
    assert again.success
    _, meta = check(again, "shopify_products_cover_parts_asked")
    assert (meta["parts_published"], meta["parts_unchanged"], meta["parts_failed"]) == (1, len(PARTS) - 1, 0)
    calls = {k: v - before.get(k, 0) for k, v in shopify_sandbox.stats()["root_fields"].items()}
    assert {k: n for k, n in calls.items() if n} == {"productSet": 1, "metafieldsSet": 1, "metafieldsDelete": 1}

    seen = view(client, product_id)
    assert seen["metafields"]["custom.merchant_note"] == "ships in a blue box"  # the merchant's, untouched
    assert seen["metafields"]["reviews.rating"] == "5"
    assert "merchant photo" in seen["media"] and seen["collections"] == ["Fasteners we love"]
    assert seen["metafields"]["custom.hazmat_code"] == "UN9999"  # the hub's, updated
    assert "custom.eccn" not in seen["metafields"]  # emptied at Boeing: the hub's key deleted, no other
    assert seen["metafields"]["custom.boeing_part_number"] == part
    [(sku, price)] = seen["variants"]  # the hub's one variant, at the new price
    assert sku == row["sku"] and Decimal(price) == store.publishing().products([part])[part]["price"] > row["price"]
    assert _admin_page(instance, part)["sales_channels"] == ["Online Store"]


@SQLITE_ONLY
def test_a_location_added_after_publishing_is_stocked_by_the_next_publish_and_sync(
    store, resources, shopify, shopify_sandbox, instance, monkeypatch
):
    stage(instance, PARTS, resources)
    assert publish(instance, PARTS[:2], resources).success
    shopify_sandbox.admin(add_location="Denver")  # the merchant opens a warehouse; the operator maps to it
    monkeypatch.setenv("SHOPIFY_LOCATION_MAP", json.dumps({**LOCATION_MAP, "Seattle": "Denver", "Atlanta": "Denver"}))
    with store.engine().begin() as conn:  # the next answer changes the first part: it is published again
        conn.execute(
            update(product_staging)
            .where(product_staging.c.part_number == PARTS[0])
            .values(list_price=product_staging.c.list_price * 1.1)
        )

    again = publish(instance, PARTS, resources)  # PARTS[0] changed, PARTS[1] unchanged, PARTS[2] new
    _, meta = check(again, "shopify_products_cover_parts_asked")
    assert meta["parts_failed"] == 0 and meta["parts_published"] == 3  # the new location changed every payload
    denver = shopify.client().locations()["Denver"]
    client = shopify.client()
    for part in PARTS:
        row = store.publishing().products([part])[part]
        assert denver in row["stocked_locations"]
        assert denver in view(client, row["shopify_product_id"])["stock"]

    shopify_sandbox.admin(add_location="Reno")  # and one more, met by the hourly sync first
    monkeypatch.setenv("SHOPIFY_LOCATION_MAP", json.dumps({**LOCATION_MAP, "Seattle": "Reno", "Atlanta": "Denver"}))
    result = sync_now(instance, resources, datetime.now(UTC), PARTS[1])
    assert result.success  # no ITEM_NOT_STOCKED_AT_LOCATION: Reno was stocked before the quantities went
    reno = shopify.client().locations()["Reno"]
    row = store.publishing().products([PARTS[1]])[PARTS[1]]
    assert reno in row["stocked_locations"] and reno in view(client, row["shopify_product_id"])["stock"]


@SQLITE_ONLY
def test_reconciliation_puts_a_product_that_exists_but_sells_nowhere_on_the_online_store(
    store, resources, shopify, shopify_sandbox, instance, monkeypatch
):
    stage(instance, PARTS, resources)

    def crash(self, product_id, publication_ids):
        raise SystemExit("killed between productSet and publishablePublish")

    monkeypatch.setattr(ShopifyCalls, "publish", crash)
    assert not publish(instance, PARTS[:1], resources, raise_on_error=False).success
    monkeypatch.undo()
    part = PARTS[0]
    found = shopify.client().find_product_by_part_number(part)
    assert found is not None and {r["part_number"] for r in store.publishing().pending()} == {part}
    assert shopify_sandbox.stats()["products_per_publication"].get("Online Store", 0) == 0  # exists, sold nowhere

    assert publish(instance, PARTS[1:], resources).success
    with store.engine().begin() as conn:  # a row from before 0007: no channels recorded
        conn.execute(update(products).where(products.c.part_number == PARTS[1]).values(publications=None))
    shopify.client().execute(
        "mutation U($id: ID!, $input: [PublicationInput!]!) { publishableUnpublish(id: $id, "
        "input: $input) { userErrors { message } } }",
        {
            "id": store.publishing().products([PARTS[1]])[PARTS[1]]["shopify_product_id"],
            "input": [{"publicationId": shopify.client().publications()["Online Store"]}],
        },
    )

    result = publish_reconciliation_job.execute_in_process(
        instance=instance, resources={"shopify": shopify, "store": store}
    )
    assert result.success
    online = shopify.client().publications()["Online Store"]
    for p in PARTS[:2]:
        row = store.publishing().products([p])[p]
        assert row["publications"] == [online]
        assert shopify.client().published_on(row["shopify_product_id"], online) is True
    assert store.publishing().pending() == []
