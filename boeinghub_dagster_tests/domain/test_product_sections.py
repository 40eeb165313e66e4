"""What of a product the hub owns (docs/behaviour.md §7a): update inputs without the merchant's list fields."""

from __future__ import annotations

from boeinghub_dagster.domain import product_sections as sections
from boeinghub_dagster.domain.payloads import product_set_input
from boeinghub_dagster.domain.shopify_api import admin_product_url
from boeinghub_dagster_tests.domain.normalization_support import row_for

DALLAS, CHICAGO = "gid://shopify/Location/1", "gid://shopify/Location/2"
IMAGE = "https://cdn.example/products/BACB30LE3-4/0123.jpg"


def full(**row) -> dict:
    return product_set_input(
        row_for("BACB30LE3-4", **row),
        price_markup_factor="1.1",
        location_ids={"Dallas": DALLAS, "Chicago": CHICAGO},
        location_map={},
        location_codes={},
        image_url=IMAGE,
        part_number="BACB30LE3-4",
    )


def test_an_update_sends_no_merchant_list_and_the_hubs_variant_by_id_with_stock_where_stocked():
    payload = full()
    update = sections.update_input(
        payload, variant_id="gid://shopify/ProductVariant/9", stocked=[DALLAS], send_tags=False
    )
    assert not {"metafields", "files", "collections", "tags"} & set(update)
    assert update["title"] == payload["title"] and update["status"] == "ACTIVE"
    [variant] = update["variants"]
    assert variant["id"] == "gid://shopify/ProductVariant/9"
    assert [q["locationId"] for q in variant["inventoryQuantities"]] == [DALLAS]  # Chicago: not stocked yet
    assert [q["locationId"] for q in payload["variants"][0]["inventoryQuantities"]] == [DALLAS, CHICAGO]  # untouched
    assert sections.update_input(payload, variant_id=None, stocked=[], send_tags=True)["tags"] == payload["tags"]


def test_only_changed_sections_go_out_and_emptied_hub_keys_are_deleted_never_a_merchants():
    before = full(hazmatCode="UN1234")
    owned = sections.owned_state(before)
    assert sections.changed(before, owned) == set()
    assert sections.changed(before, None) == {"metafields", "tags"}  # published before the hub kept hashes
    after = full(hazmatCode=None)
    assert sections.changed(after, owned) == {"metafields"}
    assert sections.emptied_keys(after, owned) == ["hazmat_code"]
    unknown = sections.emptied_keys(after, None)  # every hub key not sent, never the part number or another key
    assert "hazmat_code" in unknown and "boeing_part_number" not in unknown
    assert set(unknown) <= set(sections.HUB_METAFIELD_KEYS)
    inputs = sections.metafields_set_input(after, "gid://shopify/Product/5")
    assert {m["ownerId"] for m in inputs} == {"gid://shopify/Product/5"}
    assert "boeing_part_number" not in {m["key"] for m in inputs} and len(inputs) <= 25


def test_a_new_image_replaces_only_the_hubs_old_one():
    media = [
        {"id": "gid://shopify/MediaImage/1", "alt": "BACB30LE3-4"},
        {"id": "gid://shopify/MediaImage/2", "alt": "x"},
    ]
    payload = full()
    by_id = sections.image_files(payload, media, "gid://shopify/MediaImage/1")
    assert by_id == [{"id": "gid://shopify/MediaImage/2"}, payload["files"][0]]
    assert sections.image_files(payload, media, None) == by_id  # before the hub kept the id: its alt text


def test_admin_links():
    gid = "gid://shopify/Product/7001"
    assert admin_product_url("acme.myshopify.com", gid) == "https://admin.shopify.com/store/acme/products/7001"
    assert admin_product_url("https://Acme.myshopify.com/", gid) == "https://admin.shopify.com/store/acme/products/7001"
    assert admin_product_url("http://127.0.0.1:3150", gid) == "http://127.0.0.1:3150/admin/products/7001"
    assert admin_product_url("acme.myshopify.com", "not-a-gid") is None
