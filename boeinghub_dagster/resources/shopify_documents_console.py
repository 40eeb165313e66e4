"""The documents of the operator's console (issue 15): look products up, take one off its channels.

Re-exported by `shopify_documents.py` (so the reference-schema test validates them with the rest).
A lookup reads a product's status, sales channels, its variant's price and sellable stock and its
part number, and nothing else: Shopify prices a document by what it selects, and these are sent
in batches sized to stay under the 1,000-point query limit (`shopify_lookup.py`).
"""

from __future__ import annotations

from boeinghub_dagster.domain.shopify_api import PART_NUMBER_METAFIELD_KEY, PART_NUMBER_METAFIELD_NAMESPACE

LOOKUP_CHANNELS = 5  # sales channels listed per product (each costs 2 points a product)

# 17 points a product: itself 1, the metafield 1, channels 2 + 5 × 2, one variant 2 + 1.
LOOKUP_PRODUCT_FRAGMENT = f"""
fragment LookupProduct on Product {{
  id
  status
  partNumber: metafield(namespace: "{PART_NUMBER_METAFIELD_NAMESPACE}", key: "{PART_NUMBER_METAFIELD_KEY}") {{ value }}
  resourcePublications(first: {LOOKUP_CHANNELS}) {{ nodes {{ publication {{ id name }} }} }}
  variants(first: 1) {{ nodes {{ id sku price inventoryQuantity }} }}
}}
"""

# Products whose ids the hub holds: `nodes(ids:)` answers null for an id that no longer exists.
LOOKUP_PRODUCTS = (
    """
query LookupProducts($ids: [ID!]!) {
  nodes(ids: $ids) { ... on Product { ...LookupProduct } }
}
"""
    + LOOKUP_PRODUCT_FRAGMENT
)

# The original hub's multi-SKU search: `sku:"A" OR sku:"B" …` (Shopify's search syntax joins terms
# with AND unless told OR). 2 + first × 18 points.
LOOKUP_VARIANTS = (
    """
query LookupVariants($query: String!, $first: Int!, $after: String) {
  productVariants(first: $first, after: $after, query: $query) {
    nodes { id sku price inventoryQuantity product { ...LookupProduct } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
    + LOOKUP_PRODUCT_FRAGMENT
)

# `retire_parts`: off every sales channel (an archived product should sell nowhere).
PUBLISHABLE_UNPUBLISH = """
mutation PublishableUnpublish($id: ID!, $input: [PublicationInput!]!) {
  publishableUnpublish(id: $id, input: $input) {
    userErrors { field message }
  }
}
"""

CONSOLE_DOCUMENTS: dict[str, str] = {
    "LOOKUP_PRODUCTS": LOOKUP_PRODUCTS,
    "LOOKUP_VARIANTS": LOOKUP_VARIANTS,
    "PUBLISHABLE_UNPUBLISH": PUBLISHABLE_UNPUBLISH,
}
