"""Staged parts become Shopify products over real HTTP (Boeing and Shopify sandboxes), on SQLite and PostgreSQL."""

from decimal import Decimal

from boeinghub_dagster.domain.part_numbers import sku_of
from boeinghub_dagster_tests.support.expected import expected_staging, part_list
from boeinghub_dagster_tests.support.publishing import (
    check,
    expected_price,
    expected_stock,
    materialized,
    metafields,
    publish,
    shop_stock,
    stage,
    wait_for_media,
)

PARTS = part_list(25)


def test_25_staged_parts_publish_with_price_cost_stock_metafields_and_image(
    store, resources, shopify, shopify_sandbox, images_storage, instance
):
    stage(instance, PARTS, resources)
    fetched = sorted(p for p, s in expected_staging(PARTS).items() if s == "fetched")
    blocked = sorted(p for p, s in expected_staging(PARTS).items() if s == "blocked")
    assert len(fetched) >= 18 and blocked

    result = publish(instance, PARTS, resources)
    assert result.success
    rows = store.publishing().products(PARTS)
    assert sorted(rows) == fetched
    assert materialized(instance) == set(fetched)
    assert shopify_sandbox.stats()["products_per_part_number"] == {p: 1 for p in fetched}

    client = shopify.client()
    locations = client.locations()
    staged = {r["part_number"]: r for r in store.staging().rows(fetched)}
    media = wait_for_media(shopify_sandbox)
    assert media.get("READY", 0) == len(fetched), media
    for part in fetched:
        row, product = staged[part], rows[part]
        snapshot = client.product_snapshot(product["shopify_product_id"])
        variant = snapshot["variants"]["nodes"][0]
        assert Decimal(variant["price"]) == expected_price(row) == product["price"]
        assert Decimal(variant["inventoryItem"]["unitCost"]["amount"]) == (row["list_price"] or row["net_price"])
        assert variant["sku"] == sku_of(part) == product["sku"]
        assert shop_stock(snapshot) == expected_stock(row, locations)
        assert snapshot["media"]["nodes"][0]["status"] == "READY"
        assert product["image_url"].startswith(images_storage.public_base_url)
        fields = metafields(shopify_sandbox, product["shopify_product_id"])
        assert fields["boeing_part_number"] == part and fields["part_number"] == sku_of(part)
        assert fields["pma"] in ("true", "false")
    schedule = store.publishing().schedule(fetched)
    assert sorted(schedule) == fetched
    assert sorted(s["hour_bucket"] for s in schedule.values()) == [
        i // 10 for i in range(len(fetched))
    ]  # whole batches

    passed, meta = check(result, "shopify_products_cover_parts_asked")
    assert not passed  # blocked and unknown parts are not on the shop, and say why
    assert meta["parts_published"] == len(fetched) and meta["parts_blocked"] == len(blocked)
    assert meta["shopify_calls"] >= len(fetched) and meta["shopify_points"] > 0
    assert "| part_number |" in meta["sample"]
    failures = {f["part_number"]: f["reason"] for f in store.staging().failures(run_id=result.run_id)}
    assert "UNKNOWN-77" in failures and "not staged" in failures["UNKNOWN-77"]
    assert check(result, "shopify_prices_not_held")[0]


def test_publishing_again_calls_nothing_and_never_duplicates(store, resources, shopify_sandbox, instance):
    parts = PARTS[:12]
    stage(instance, parts, resources)
    assert publish(instance, parts, resources).success
    first = store.publishing().products(parts)
    calls = shopify_sandbox.stats()["calls"]

    again = publish(instance, parts, resources)
    assert again.success
    assert shopify_sandbox.stats()["calls"] == calls  # unchanged: no call, not even setup
    _, meta = check(again, "shopify_products_cover_parts_asked")
    assert meta["parts_unchanged"] == len(first) and meta["parts_published"] == 0 and meta["shopify_calls"] == 0
    assert set(shopify_sandbox.stats()["products_per_part_number"].values()) == {1}
    assert store.publishing().products(parts) == first
