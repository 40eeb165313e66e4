"""Contract: stock as Shopify documents it (docs/behaviour.md §7a): quantities only where an item is stocked, and
`@idempotent` keys that a failed attempt spends, through the hub's writer and idempotent calls."""

from __future__ import annotations

from dataclasses import replace

import pytest

from boeinghub_dagster.domain.payloads import inventory_quantities_input, inventory_quantity
from boeinghub_dagster.domain.product_sections import update_input
from boeinghub_dagster.resources.shopify_idempotency import PREVIOUS_ATTEMPT_FAILED, IdempotentCalls
from boeinghub_dagster_tests.support.merchant import view

pytestmark = pytest.mark.shopify_contract


def test_a_location_added_after_publishing_is_stocked_before_its_quantity_is_set(shop):
    sandbox = shop.needs_sandbox("a location added mid-test (add_location)")
    setup = shop.setup()
    part = shop.part("NEWLOC")
    first = shop.write(shop.writer(setup), part, shop.full_input(part, setup))
    sandbox.admin(add_location="Denver")  # the merchant opens a warehouse
    later = shop.setup()
    denver = later.locations["Denver"]
    payload = shop.full_input(part, later)
    client = shop.client()

    blind = update_input(payload, variant_id=first.variant_id, stocked=later.locations.values(), send_tags=False)
    refused = client.product_set(blind, {"id": first.product_id})  # what the hub used to send
    assert not refused.ok and refused.problem()

    done = shop.write(shop.writer(later), part, payload, replace(first))
    assert done.error is None and denver in done.stocked
    assert set(view(client, first.product_id)["stock"]) == set(later.locations.values())


def test_a_key_whose_attempt_failed_is_spent_and_the_hub_takes_the_next(shop):
    setup = shop.setup()
    part = shop.part("IDEM")
    done = shop.write(shop.writer(setup), part, shop.full_input(part, setup))
    client = shop.client()
    location = next(iter(setup.locations.values()))
    [too_many] = inventory_quantities_input([inventory_quantity(done.inventory_item_id, location, 2_000_000_000)])
    key = f"boeinghub-contract-{shop.run}-1"
    assert not client.set_inventory_quantities(too_many, key).ok  # the attempt fails: Shopify spends the key
    again = client.set_inventory_quantities(too_many, key)
    assert PREVIOUS_ATTEMPT_FAILED in again.codes(), again.problem()

    keys = IdempotentCalls(shop.resource.store.idempotency())
    sent = []

    def send(k):
        sent.append(k)
        return client.set_inventory_quantities(too_many, k)

    assert not keys.call("stock", "material-1", send).ok
    assert not keys.call("stock", "material-1", send).ok  # the next run, same change: the next key
    assert len(set(sent)) == 2 and keys.new_keys == 2


def test_a_retry_after_a_failed_stock_call_succeeds_with_a_new_key(shop):
    sandbox = shop.needs_sandbox("a location added mid-test (add_location)")
    setup = shop.setup()
    part = shop.part("RETRY")
    done = shop.write(shop.writer(setup), part, shop.full_input(part, setup))
    sandbox.admin(add_location="Reno")
    reno = shop.setup().locations["Reno"]
    client = shop.client()
    [seven] = inventory_quantities_input([inventory_quantity(done.inventory_item_id, reno, 7)])
    keys = IdempotentCalls(shop.resource.store.idempotency())
    sent = []

    def send(k):
        sent.append(k)
        return client.set_inventory_quantities(seven, k)

    failed = keys.call("stock", "reno-7", send)
    assert "ITEM_NOT_STOCKED_AT_LOCATION" in failed.codes()  # not stocked there yet: the attempt fails
    assert shop.writer(setup, client).stock(replace(done), [reno]) is not None  # the hub stocks it
    assert keys.call("stock", "reno-7", send).ok  # same change, next key: goes through
    assert len(sent) == 2 and sent[0] != sent[1]
    assert view(client, done.product_id)["stock"][reno] == 7  # what the merchant sees
    assert keys.call("stock", "reno-7", send).ok and sandbox.stats()["idempotent_replays"] >= 1  # replays now
    assert len(set(sent)) == 2
