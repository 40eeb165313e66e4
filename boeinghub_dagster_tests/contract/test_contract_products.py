"""Contract: products as Shopify documents them (docs/behaviour.md §7a), through the hub's own writer and client.

productSet list fields replace what they are sent, so an update sends only the hub's share and the
merchant's metafields, images and collections stay; ACTIVE sells nowhere until published.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from boeinghub_dagster.resources.shopify_product import PartRefused
from boeinghub_dagster_tests.support.merchant import add_image, add_metafields, add_to_new_collection, view

pytestmark = pytest.mark.shopify_contract


def test_a_product_sells_on_the_online_store_only_once_the_hub_publishes_it(shop):
    setup = shop.setup()
    writer = shop.writer(setup)
    part = shop.part("CHANNEL")
    done = writer._create(part, shop.full_input(part, setup))  # productSet alone: ACTIVE, on no channel
    shop.created.append(done.product_id)
    online = setup.publications["Online Store"]
    client = shop.client()
    assert client.published_on(done.product_id, online) is False
    assert writer.publish(done) is None and done.publications == [online]
    assert client.published_on(done.product_id, online) is True
    assert writer.publish(done) is None  # already there: no call
    if shop.sandbox is not None:  # and on no other channel the operator did not name
        point_of_sale = client.publications()["Point of Sale"]
        assert client.published_on(done.product_id, point_of_sale) is False


def test_an_update_keeps_the_merchants_metafields_images_and_collections(shop):
    setup = shop.setup()
    writer, client = shop.writer(setup), shop.client()
    part = shop.part("MERCHANT")
    hub_image = shop.image("hub-1")
    first = shop.write(writer, part, shop.full_input(part, setup, hub_image, hazmatCode="UN1234", eccn="EAR99"))
    assert first.error is None
    merchant = {"custom.merchant_note": "ships in a blue box", "reviews.rating": "5"}
    add_metafields(client, first.product_id, merchant)
    if hub_image:
        add_image(client, first.product_id, shop.image("merchant"), alt="merchant photo")
    if shop.sandbox is not None:  # a live run leaves no collection behind
        add_to_new_collection(client, first.product_id, "Fasteners we love")

    new_image = shop.image("hub-2")
    changed = shop.full_input(part, setup, new_image, hazmatCode="UN9999", eccn=None, listPrice=30.0)
    second = shop.write(writer, part, changed, replace(first))
    assert second.error is None and second.product_id == first.product_id

    seen = view(client, first.product_id)
    for key, value in merchant.items():
        assert seen["metafields"][key] == value  # the merchant's, in `custom` and in another namespace
    assert seen["metafields"]["custom.hazmat_code"] == "UN9999"  # the hub's, updated
    assert "custom.eccn" not in seen["metafields"]  # emptied: the hub's key deleted
    assert seen["metafields"]["custom.boeing_part_number"] == part
    assert seen["variants"] == [(part, "33.00")]
    if hub_image:
        assert sorted(seen["media"]) == sorted(["merchant photo", part])  # the hub's image replaced, not added
        assert second.media_id and second.media_id != first.media_id
    if shop.sandbox is not None:
        assert seen["collections"] == ["Fasteners we love"]


def test_a_product_the_merchant_deleted_is_created_again_whole(shop):
    setup = shop.setup()
    writer, client = shop.writer(setup), shop.client()
    part = shop.part("GONE")
    first = shop.write(writer, part, shop.full_input(part, setup))
    assert client.delete_product(first.product_id).ok
    again = shop.write(writer, part, shop.full_input(part, setup, listPrice=30.0), replace(first))
    assert again.product_id != first.product_id and again.error is None
    seen = view(client, again.product_id)
    assert seen["metafields"]["custom.boeing_part_number"] == part and again.publications


def test_a_refused_change_fails_the_part_in_shopifys_words(shop):
    setup = shop.setup()
    writer = shop.writer(setup)
    part = shop.part("REFUSED")
    payload = shop.full_input(part, setup)
    payload["variants"][0]["price"] = "-1.00"
    with pytest.raises(PartRefused) as refused:
        writer.write(part, payload, None)
    assert "Shopify: " in str(refused.value) and len(str(refused.value)) > len("Shopify: ")
    assert shop.client().find_product_by_part_number(part) is None  # nothing applied
