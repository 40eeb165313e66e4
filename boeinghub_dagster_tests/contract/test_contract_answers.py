"""Contract: what Shopify's answers say beside the data (docs/behaviour.md §7a): the version served, the variant
throttle, fields that fail while others answer."""

from __future__ import annotations

import pytest

from boeinghub_dagster.domain.shopify_api import SHOPIFY_API_VERSION
from boeinghub_dagster.resources.shopify import (
    ShopifyQueryError,
    ShopifyRetryable,
    ShopifyVariantThrottled,
    ShopifyVersionError,
)

pytestmark = pytest.mark.shopify_contract
RETIRED = "2023-01"


def test_every_answer_names_the_pinned_version(shop):
    result = shop.client().execute("query Shop { locations(first: 1) { nodes { id } } }")
    assert result.version == SHOPIFY_API_VERSION


def test_a_retired_version_is_served_as_another_and_the_client_stops(shop):
    old = shop.resource.model_copy(update={"api_version": RETIRED})
    client = old.client()
    with pytest.raises(ShopifyVersionError) as wrong:
        client.locations()
    assert wrong.value.served and wrong.value.served != RETIRED  # HTTP 200 from the oldest supported version
    assert f"not the pinned {RETIRED}" in str(wrong.value)
    client.close()


def test_the_variant_throttle_defers_and_the_next_day_publishes(shop):
    sandbox = shop.needs_sandbox("the variant throttle and the simulated day are knobs")
    setup = shop.setup()
    sandbox.admin(variant_threshold=0, variants_per_day=1)
    writer = shop.writer(setup)
    shop.write(writer, shop.part("DAY1"), shop.full_input(shop.part("DAY1"), setup))
    late = shop.part("DAY1B")
    with pytest.raises(ShopifyVariantThrottled, match="VARIANT_THROTTLE_EXCEEDED|variant"):
        writer.write(late, shop.full_input(late, setup), None)
    assert shop.client().find_product_by_part_number(late) is None
    sandbox.admin(advance_day=1)
    assert shop.write(writer, late, shop.full_input(late, setup), None).error is None


def test_a_field_that_fails_while_others_answer_fails_that_read_only(shop):
    sandbox = shop.needs_sandbox("fail_field is a knob")
    client = shop.client()
    sandbox.admin(fail_field="product")  # a nullable root field: the rest of the answer stands
    both = client.execute(
        "query Both($id: ID!) { product(id: $id) { id } publications(first: 5) { nodes { id } } }",
        {"id": "gid://shopify/Product/1"},
    )
    assert both.field("publications")["nodes"] and not both.ok  # data and errors in one answer
    with pytest.raises(ShopifyQueryError, match="could not answer product"):
        both.field("product")
    sandbox.admin(fail_field="locations")  # the only field failing: nothing answered, Shopify's transient fault
    with pytest.raises(ShopifyRetryable, match="INTERNAL_SERVER_ERROR"):
        client.locations()
    sandbox.admin(fail_field="")
    assert client.locations()
