"""The Shopify client over real HTTP against the sandbox, on SQLite and PostgreSQL stores (docs/behaviour.md §6, §7)."""

from __future__ import annotations

import logging
import time
from decimal import Decimal

import pytest

from boeinghub_dagster.domain.payloads import inventory_quantities_input, inventory_quantity, variant_update_input
from boeinghub_dagster.resources.shopify import (
    ShopifyAuthError,
    ShopifyQueryError,
    ShopifyResource,
    ShopifyRetryable,
    graphql_endpoint,
)
from boeinghub_dagster_tests.support.shopify_load import publish

pytestmark = pytest.mark.shopify_contract  # the client against the sandbox (sandbox knobs: no live run)
PART = "BACB30LE3-4"
SECRET = "shpat_not_the_right_token_4242"


def stock(snapshot: dict) -> dict[str, int]:
    """Location gid → available, from a product snapshot."""
    levels = snapshot["variants"]["nodes"][0]["inventoryItem"]["inventoryLevels"]["nodes"]
    return {lvl["location"]["id"]: lvl["quantities"][0]["quantity"] for lvl in levels}


def test_publish_is_an_upsert_by_part_number_and_reconciliation_finds_it(shopify, shopify_sandbox):
    client = shopify.client()
    first = publish(client)
    assert first.ok, first.user_errors
    product = first.root["product"]
    again = publish(client, listPrice=30.0)
    assert again.root["product"]["id"] == product["id"]
    assert shopify_sandbox.stats()["products_per_part_number"] == {PART: 1}

    found = client.find_product_by_part_number(PART)
    assert found["id"] == product["id"] and found["partNumber"]["value"] == PART
    variant = found["variants"]["nodes"][0]
    assert (variant["sku"], variant["price"], variant["inventoryItem"]["unitCost"]["amount"]) == (PART, "33.00", "30.0")
    assert sum(stock(found).values()) == 12
    assert client.product_snapshot(product["id"]) == found
    assert [v["id"] for v in client.variants_by_sku(PART)] == [variant["id"]]
    assert client.find_product_by_part_number("NOT-PUBLISHED") is None


def test_sync_calls_change_price_status_and_stock(shopify, shopify_sandbox):
    client = shopify.client()
    product = publish(client).root["product"]
    variant = product["variants"]["nodes"][0]
    new_price = variant_update_input(variant["id"], Decimal("40"), price_markup_factor="1.1")
    bulk = client.variants_bulk_update(product["id"], [new_price])
    assert bulk.ok and bulk.root["productVariants"][0]["price"] == "44.00"
    assert client.update_product_status(product["id"], "DRAFT").root["product"]["status"] == "DRAFT"

    item, location = variant["inventoryItem"]["id"], next(iter(client.locations().values()))
    [five] = inventory_quantities_input([inventory_quantity(item, location, 5)])
    assert client.set_inventory_quantities(five, "key-1").ok
    [six] = inventory_quantities_input([inventory_quantity(item, location, 6)])
    assert client.set_inventory_quantities(five, "key-1").ok  # a retry with its key replays, applies nothing
    assert [e["code"] for e in client.set_inventory_quantities(six, "key-1").user_errors] == [
        "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"
    ]
    assert shopify_sandbox.stats()["idempotent_replays"] == 1
    snapshot = client.product_snapshot(product["id"])
    assert snapshot["status"] == "DRAFT"
    assert stock(snapshot)[location] == 5
    with pytest.raises(ValueError, match="idempotency key"):
        client.set_inventory_quantities(five, "")
    with pytest.raises(ValueError, match="status"):
        client.update_product_status(product["id"], "GONE")
    assert client.delete_product(product["id"]).root["deletedProductId"] == product["id"]


def test_user_errors_are_the_parts_failures_and_never_retried(shopify, shopify_sandbox):
    client = shopify.client()
    missing = client.update_product_status("gid://shopify/Product/999999", "DRAFT")
    assert not missing.ok and missing.attempts == 1
    assert missing.user_errors[0]["message"] == "Product does not exist"
    product = publish(client).root["product"]
    variant_id = product["variants"]["nodes"][0]["id"]
    negative = client.variants_bulk_update(product["id"], [{"id": variant_id, "price": "-1.00"}])
    assert [e["code"] for e in negative.user_errors] == ["GREATER_THAN_OR_EQUAL_TO"]
    assert shopify_sandbox.stats()["status_counts"] == {"200": client.calls}  # one call each, nothing retried


def test_auth_failure_is_a_clear_error_without_the_token(store, shopify_sandbox, caplog):
    wrong = ShopifyResource(shop_url=shopify_sandbox.url, access_token=SECRET, store=store, rate_per_min=6000)
    client = wrong.client()
    with caplog.at_level(logging.DEBUG), pytest.raises(ShopifyAuthError) as failure:
        client.locations()
    message = str(failure.value)
    assert "401" in message and "SHOPIFY_ACCESS_TOKEN" in message
    for text in (message, repr(failure.value), repr(client), repr(wrong), str(wrong), caplog.text):
        assert SECRET not in text
    assert shopify_sandbox.stats()["unauthorized"] == 1  # refused once, not retried


def test_a_document_shopify_refuses_is_not_retried(shopify, shopify_sandbox):
    client = shopify.client()
    with pytest.raises(ShopifyQueryError, match="productz"):
        client.execute("query Bad { productz(first: 1) { nodes { id } } }")
    with pytest.raises(ShopifyQueryError) as too_costly:
        client.execute("query Costly { products(first: 250) { nodes { variants(first: 100) { nodes { id } } } } }")
    assert too_costly.value.codes == ("MAX_COST_EXCEEDED",)
    stats = shopify_sandbox.stats()
    assert stats["invalid_documents"] == 1 and stats["max_cost_exceeded"] == 1 and stats["calls"] == 2


@pytest.mark.parametrize("shopify_sandbox", [{"bucket_size": 300, "restore_rate": 100}], indirect=True)
def test_a_throttled_storm_is_waited_out_and_succeeds(shopify, shopify_sandbox):
    client = shopify.client()
    shopify_sandbox.admin(throttle_storm=3)
    result = client.execute("query Shop { locations(first: 5) { nodes { id } } }")
    assert result.attempts == 4 and len(result.data["locations"]["nodes"]) == 3
    assert client.throttled == 3 == shopify_sandbox.stats()["throttled"]


def test_server_errors_are_retried_and_upserts_never_duplicate(shopify, shopify_sandbox):
    client = shopify.client()
    assert publish(client, "PN-0").ok  # definitions and locations first, without faults
    shopify_sandbox.admin(error_rate=0.2, apply_then_fail_rate=0.3, seed=7)
    for i in range(6):
        assert publish(client, f"PN-{i}").ok
    stats = shopify_sandbox.stats()
    assert stats["errors_injected"] > 0 and stats["apply_then_fail"] > 0  # faults really happened
    assert stats["products_per_part_number"] == {f"PN-{i}": 1 for i in range(6)}
    assert {"500", "502", "503", "504"} & set(stats["status_counts"])


@pytest.mark.parametrize("shopify_sandbox", [{"latency_ms": 800}], indirect=True)
def test_timeouts_are_retried_a_bounded_number_of_times(store, shopify_sandbox):
    slow = ShopifyResource(
        shop_url=shopify_sandbox.url,
        access_token=shopify_sandbox.token,
        store=store,
        rate_per_min=6000,
        timeout_seconds=0.3,
        max_attempts=2,
        max_backoff_seconds=0.1,
    )
    client = slow.client()
    with pytest.raises(ShopifyRetryable, match="timed out"):
        client.locations()
    assert client.calls == 2


@pytest.mark.parametrize("shopify_sandbox", [{"bucket_size": 500, "restore_rate": 25}], indirect=True)
def test_every_answer_records_the_throttle_status_in_the_store(shopify, shopify_sandbox):
    client = shopify.client()
    assert client.limiter.status()["known"] is False  # nothing seen yet: the floor rules
    publish(client)
    row = client.limiter.status()
    server = shopify_sandbox.stats()["bucket"]["currentlyAvailable"]
    mirror = min(500, row["available"] + (time.time() - row["updated_at"]) * 25)  # refilled to now, like Shopify's
    assert row["known"] is True and (row["maximum"], row["restore_rate"]) == (500, 25)
    assert server - 25 <= mirror <= server + 2  # never believes in more than Shopify, and follows it closely
    assert row["reserved_total"] > 0


def test_endpoint_from_shop_name_or_base_url():
    shop = "https://acme.myshopify.com/admin/api/2026-07/graphql.json"
    assert graphql_endpoint("acme.myshopify.com", "2026-07") == shop
    assert graphql_endpoint("http://127.0.0.1:9/", "2026-07") == "http://127.0.0.1:9/admin/api/2026-07/graphql.json"
    full = "https://acme.myshopify.com/admin/api/2026-07/graphql.json"
    assert graphql_endpoint(full) == full
