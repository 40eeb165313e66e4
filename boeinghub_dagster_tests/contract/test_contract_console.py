"""Contract: the operator's console on the shop (issue 15), through the hub's own client.

`lookup_parts` reads known products with `nodes(ids:)` and every other SKU with one
`productVariants(query: "sku:A OR sku:B …")` search; `retire_parts` archives a product and takes
it off every publication.
"""

from __future__ import annotations

import pytest

from boeinghub_dagster.defs.publishing.steps.retire import take_down
from boeinghub_dagster.resources.shopify_lookup import lookup

pytestmark = pytest.mark.shopify_contract


def test_a_lookup_reads_known_products_by_id_and_other_skus_in_one_or_search(shop):
    setup = shop.setup()
    writer = shop.writer(setup)
    parts = [shop.part(n) for n in ("LOOK-1", "LOOK-2", "LOOK-3", "LOOK-GONE")]
    done = {p: shop.write(writer, p, shop.full_input(p, setup, listPrice=20.0 + i)) for i, p in enumerate(parts)}
    client = shop.client()
    gone = done[parts[3]].product_id
    client.delete_product(gone)  # the merchant deleted it
    shop.created.remove(gone)

    ids = [done[parts[0]].product_id, done[parts[1]].product_id, gone]
    found = lookup(client, ids, [parts[2].lower(), f"{shop.part('NO-SUCH')}", parts[1]])
    assert found.errors == [] and found.calls == 2  # one nodes(ids:) call, one OR search
    first = found.by_id[ids[0]]
    assert (first.status, first.sku, first.part_number) == ("ACTIVE", parts[0], parts[0])
    assert first.channels == ["Online Store"]
    assert float(first.price) == round(20.0 * 1.1, 2) and first.quantity is not None
    assert found.by_id[gone] is None  # no such product any more
    assert [v.product_id for v in found.by_sku[parts[2]]] == [done[parts[2]].product_id]  # case does not matter
    assert found.by_sku[shop.part("NO-SUCH")] == []  # a SKU Shopify does not know says so
    assert [v.product_id for v in found.by_sku[parts[1]]] == [done[parts[1]].product_id]


def test_retiring_archives_the_product_and_takes_it_off_every_sales_channel(shop):
    setup = shop.setup()
    writer, client = shop.writer(setup), shop.client()
    part = shop.part("RETIRE")
    done = shop.write(writer, part, shop.full_input(part, setup))
    online = setup.publications["Online Store"]
    assert client.published_on(done.product_id, online) is True
    every = list(client.publications().values())
    assert take_down(client, done.product_id, every) == (True, None)
    view = lookup(client, [done.product_id], []).by_id[done.product_id]
    assert view.status == "ARCHIVED" and view.channels == [] and client.published_on(done.product_id, online) is False
    assert take_down(client, done.product_id, every) == (True, None)  # again: nothing left to do, no error
    shop.created.remove(done.product_id)
    client.delete_product(done.product_id)
    assert take_down(client, done.product_id, every) == (False, None)  # gone from the shop: nothing to take down
