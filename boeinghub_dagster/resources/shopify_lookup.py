"""What Shopify holds for a list of parts, in few calls (issue 15 item 1: the original's multi-SKU
search and SKU check).

Products whose ids the hub recorded are read with `nodes(ids:)`, 50 a call; every other SKU
(never published, or its product gone) is searched with `productVariants(query: "sku:"A" OR
sku:"B" …")`, 40 SKUs a call. Both stay under Shopify's 1,000-point query limit as the
documents are priced (`shopify_documents_console.py`: 17 points a product; a search page of 50
variants 902). Shopify's search matches SKU terms loosely, so only a variant whose SKU equals
the one asked (ignoring case) counts. A batch Shopify refuses, or answers in a shape the
schema does not allow, is that batch's error, not the run's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from boeinghub_dagster.resources.shopify import ShopifyClient, ShopifyError
from boeinghub_dagster.resources.shopify_calls import search_value
from boeinghub_dagster.resources.shopify_documents_console import LOOKUP_PRODUCTS, LOOKUP_VARIANTS

NODES_PER_CALL = 50  # 50 × 17 = 850 points even when Shopify prices every id of `nodes`
SKUS_PER_SEARCH = 40
SEARCH_PAGE = 50  # variants a search page returns: 2 + 50 × 18 = 902 points
MAX_SEARCH_PAGES = 5  # a SKU term matching more than this is not a SKU check any more


@dataclass
class ShopView:
    """One product as Shopify has it now."""

    product_id: str
    status: str
    channels: list[str]
    variant_id: str | None
    sku: str | None
    price: str | None
    quantity: int | None
    part_number: str | None  # its `custom.boeing_part_number`, when it has one


@dataclass
class ShopLookup:
    by_id: dict[str, ShopView | None] = field(default_factory=dict)  # product id -> view (None: no such product)
    by_sku: dict[str, list[ShopView]] = field(default_factory=dict)  # upper-cased SKU -> exact matches
    errors: list[str] = field(default_factory=list)
    calls: int = 0


def _view(product: dict, variant: dict | None) -> ShopView:
    channels = [n["publication"]["name"] for n in product["resourcePublications"]["nodes"]]
    variant = variant if variant is not None else next(iter(product["variants"]["nodes"]), None)
    number = (product.get("partNumber") or {}).get("value")
    return ShopView(
        product["id"],
        product["status"],
        channels,
        variant and variant["id"],
        variant and variant["sku"],
        variant and variant["price"],
        variant and variant.get("inventoryQuantity"),
        number,
    )


def _batches(items: Sequence[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def lookup(client: ShopifyClient, product_ids: Sequence[str], skus: Sequence[str]) -> ShopLookup:
    out = ShopLookup()
    for ids in _batches(list(dict.fromkeys(product_ids)), NODES_PER_CALL):
        try:
            out.calls += 1
            nodes = client._read(LOOKUP_PRODUCTS, "nodes", {"ids": ids})
            for asked, node in zip(ids, nodes, strict=False):
                out.by_id[asked] = _view(node, None) if node and node.get("id") else None
        except ShopifyError as exc:
            out.errors.append(f"reading {len(ids)} products: {exc}")
        except (KeyError, TypeError, IndexError) as exc:
            out.errors.append(f"reading {len(ids)} products: an answer of unexpected shape ({type(exc).__name__})")
    wanted = list(dict.fromkeys(s.strip().upper() for s in skus if s and s.strip()))
    for group in _batches(wanted, SKUS_PER_SEARCH):
        found: dict[str, list[ShopView]] = {sku: [] for sku in group}
        try:
            _search(client, found, out)
            out.by_sku.update(found)
        except ShopifyError as exc:
            out.errors.append(f"searching {len(group)} SKUs: {exc}")
        except (KeyError, TypeError, IndexError) as exc:
            out.errors.append(f"searching {len(group)} SKUs: an answer of unexpected shape ({type(exc).__name__})")
    return out


def _search(client: ShopifyClient, found: dict[str, list[ShopView]], out: ShopLookup) -> None:
    """Fill `found` (SKU -> exact matches) from one search over its SKUs, page by page."""
    query = " OR ".join(f"sku:{search_value(s)}" for s in found)
    after = None
    for _ in range(MAX_SEARCH_PAGES):
        out.calls += 1
        page = client._read(LOOKUP_VARIANTS, "productVariants", {"query": query, "first": SEARCH_PAGE, "after": after})
        for variant in page["nodes"]:
            key = (variant.get("sku") or "").upper()
            if key in found:
                found[key].append(_view(variant["product"], variant))
        if not page["pageInfo"]["hasNextPage"]:
            return
        after = page["pageInfo"]["endCursor"]
    out.errors.append(
        f"searching {len(found)} SKUs: more than {MAX_SEARCH_PAGES * SEARCH_PAGE} variants matched; "
        "the rest were not read"
    )
