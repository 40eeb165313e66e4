"""The Shopify Admin API contract the hub and the sandbox share (docs/behaviour.md §6, §7).

One pinned API version, the metafield that keys a published product to its Boeing part
number, and where a product is in the admin. Pure, so both the hub's client and the
sandbox server import them without crossing layers.
"""

from __future__ import annotations

SHOPIFY_API_VERSION = "2026-07"

# `productSet(identifier: {customId: …})` upserts by this unique-valued product metafield.
PART_NUMBER_METAFIELD_NAMESPACE = "custom"
PART_NUMBER_METAFIELD_KEY = "boeing_part_number"

MYSHOPIFY_SUFFIX = ".myshopify.com"
ADMIN_HOST = "https://admin.shopify.com"


def admin_product_url(shop_url: str, product_gid: str) -> str | None:
    """The product's page in the Shopify admin, for run metadata; None without a numeric product id.

    `acme.myshopify.com` → `https://admin.shopify.com/store/acme/products/<id>` (the admin's own
    address). Any other shop URL (the sandbox's `http://127.0.0.1:PORT`, a proxy) gets the shop's
    legacy admin path, `<shop>/admin/products/<id>`: on Shopify it redirects to the admin, and the
    sandbox answers it with the product as the merchant sees it.
    """
    number = str(product_gid or "").rsplit("/", 1)[-1]
    if not number.isdigit():
        return None
    url = shop_url.strip().rstrip("/")
    if "://" not in url:
        url = "https://" + url
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].split(":", 1)[0].lower()
    if host.endswith(MYSHOPIFY_SUFFIX) and host != MYSHOPIFY_SUFFIX[1:]:
        return f"{ADMIN_HOST}/store/{host[: -len(MYSHOPIFY_SUFFIX)]}/products/{number}"
    return f"{scheme}://{rest.split('/', 1)[0]}/admin/products/{number}"
