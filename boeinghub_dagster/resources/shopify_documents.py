"""Every GraphQL document the hub sends to Shopify, as named constants (API version pinned in
`domain/shopify_api.py`).

Kept in one module so a test can validate all of them against the sandbox's SDL (Shopify's
names and nullability): a field Shopify would refuse fails in CI, not in a publish run. Each
selection asks only for what publishing, sync or reconciliation reads, because Shopify prices
a document by what it selects (connections by their `first:`), and every point spent on an
unread field is a point the bucket cannot spend on the next part.
"""

from __future__ import annotations

from boeinghub_dagster.domain.shopify_api import PART_NUMBER_METAFIELD_KEY, PART_NUMBER_METAFIELD_NAMESPACE

# The shape reconciliation compares with the store: one variant (the hub publishes exactly
# one; `variantsCount` reveals any other), its cost and stock per location, and media status.
PRODUCT_SNAPSHOT_FRAGMENT = f"""
fragment ProductSnapshot on Product {{
  id
  status
  partNumber: metafield(namespace: "{PART_NUMBER_METAFIELD_NAMESPACE}", key: "{PART_NUMBER_METAFIELD_KEY}") {{ value }}
  variantsCount {{ count }}
  variants(first: 1) {{
    nodes {{
      id
      sku
      price
      inventoryItem {{
        id
        unitCost {{ amount }}
        inventoryLevels(first: 20) {{
          nodes {{ location {{ id }} quantities(names: ["available"]) {{ name quantity }} }}
        }}
      }}
    }}
  }}
  media(first: 3) {{ nodes {{ id status }} }}
}}
"""

PRODUCT_SET = """
mutation ProductSet($input: ProductSetInput!, $identifier: ProductSetIdentifiers) {
  productSet(input: $input, identifier: $identifier, synchronous: true) {
    product {
      id
      status
      variants(first: 1) {
        nodes { id sku price inventoryItem { id unitCost { amount } } }
      }
      media(first: 3) { nodes { id alt status } }
    }
    userErrors { field message code }
  }
}
"""

# The hub's share of a product, changed without touching the merchant's (resources/shopify_product.py).
METAFIELDS_SET = """
mutation MetafieldsSet($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { key }
    userErrors { field message code }
  }
}
"""

METAFIELDS_DELETE = """
mutation MetafieldsDelete($metafields: [MetafieldIdentifierInput!]!) {
  metafieldsDelete(metafields: $metafields) {
    deletedMetafields { key }
    userErrors { field message }
  }
}
"""

PRODUCT_MEDIA = """
query ProductMedia($id: ID!) {
  product(id: $id) { media(first: 50) { nodes { id alt } } }
}
"""

# Sales channels: ACTIVE products are on none until published to a publication.
PUBLICATIONS = """
query Publications($after: String) {
  publications(first: 50, after: $after) {
    nodes { id name }
    pageInfo { hasNextPage endCursor }
  }
}
"""

PUBLISHABLE_PUBLISH = """
mutation PublishablePublish($id: ID!, $input: [PublicationInput!]!) {
  publishablePublish(id: $id, input: $input) {
    userErrors { field message }
  }
}
"""

PRODUCT_PUBLISHED = """
query ProductPublished($id: ID!, $publicationId: ID!) {
  product(id: $id) { id publishedOnPublication(publicationId: $publicationId) }
}
"""

# An item is stocked at a location before its quantity there can be set; required @idempotent from 2026-04.
INVENTORY_ACTIVATE = """
mutation InventoryActivate($inventoryItemId: ID!, $locationId: ID!, $key: String!) {
  inventoryActivate(inventoryItemId: $inventoryItemId, locationId: $locationId) @idempotent(key: $key) {
    inventoryLevel { id location { id } }
    userErrors { field message }
  }
}
"""

# shopify-check: the scopes the app's token was granted.
ACCESS_SCOPES = """
query AccessScopes {
  currentAppInstallation { accessScopes { handle } }
}
"""

METAFIELD_DEFINITION_CREATE = """
mutation MetafieldDefinitionCreate($definition: MetafieldDefinitionInput!) {
  metafieldDefinitionCreate(definition: $definition) {
    createdDefinition { id namespace key }
    userErrors { field message code }
  }
}
"""

METAFIELD_DEFINITIONS = """
query MetafieldDefinitions($namespace: String, $after: String) {
  metafieldDefinitions(ownerType: PRODUCT, namespace: $namespace, first: 25, after: $after) {
    nodes { id namespace key type { name } capabilities { uniqueValues { enabled } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

LOCATIONS = """
query Locations($after: String) {
  locations(first: 50, after: $after) {
    nodes { id name isActive }
    pageInfo { hasNextPage endCursor }
  }
}
"""

# Reconciliation: the product holding a part number in the unique `custom.boeing_part_number`
# metafield. `productByIdentifier(customId:)` rather than `products(query: "metafields…")`: the
# search filters by a metafield only when its definition is admin-filterable, and otherwise
# *ignores* the term with a warning and returns every product.
PRODUCT_BY_PART_NUMBER = (
    """
query ProductByPartNumber($identifier: ProductIdentifierInput!) {
  productByIdentifier(identifier: $identifier) { ...ProductSnapshot }
}
"""
    + PRODUCT_SNAPSHOT_FRAGMENT
)

PRODUCT_SNAPSHOT = (
    """
query ProductSnapshot($id: ID!) {
  product(id: $id) { ...ProductSnapshot }
}
"""
    + PRODUCT_SNAPSHOT_FRAGMENT
)

VARIANTS_BY_SKU = """
query VariantsBySku($query: String!) {
  productVariants(first: 10, query: $query) {
    nodes { id sku price product { id status } inventoryItem { id } }
  }
}
"""

PRODUCT_UPDATE_STATUS = """
mutation ProductUpdateStatus($product: ProductUpdateInput!) {
  productUpdate(product: $product) {
    product { id status }
    userErrors { field message }
  }
}
"""

# Tests and operators only: publishing never deletes to compensate (docs/behaviour.md §6, §12).
PRODUCT_DELETE = """
mutation ProductDelete($input: ProductDeleteInput!) {
  productDelete(input: $input) {
    deletedProductId
    userErrors { field message }
  }
}
"""

VARIANTS_BULK_UPDATE = """
mutation VariantsBulkUpdate($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
  productVariantsBulkUpdate(productId: $productId, variants: $variants) {
    productVariants { id price inventoryItem { id unitCost { amount } } }
    userErrors { field message code }
  }
}
"""

# From 2026-04 the mutation requires `@idempotent` (docs/behaviour.md §7): a retry after a lost answer replays.
INVENTORY_SET_QUANTITIES = """
mutation InventorySetQuantities($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id changes { name delta quantityAfterChange } }
    userErrors { field message code }
  }
}
"""

from boeinghub_dagster.resources.shopify_documents_console import (  # noqa: E402
    LOOKUP_PRODUCTS,
    LOOKUP_VARIANTS,
    PUBLISHABLE_UNPUBLISH,
)

ALL_DOCUMENTS: dict[str, str] = {
    "PRODUCT_SET": PRODUCT_SET,
    "METAFIELD_DEFINITION_CREATE": METAFIELD_DEFINITION_CREATE,
    "METAFIELD_DEFINITIONS": METAFIELD_DEFINITIONS,
    "LOCATIONS": LOCATIONS,
    "PRODUCT_BY_PART_NUMBER": PRODUCT_BY_PART_NUMBER,
    "PRODUCT_SNAPSHOT": PRODUCT_SNAPSHOT,
    "VARIANTS_BY_SKU": VARIANTS_BY_SKU,
    "PRODUCT_UPDATE_STATUS": PRODUCT_UPDATE_STATUS,
    "PRODUCT_DELETE": PRODUCT_DELETE,
    "VARIANTS_BULK_UPDATE": VARIANTS_BULK_UPDATE,
    "INVENTORY_SET_QUANTITIES": INVENTORY_SET_QUANTITIES,
    "METAFIELDS_SET": METAFIELDS_SET,
    "METAFIELDS_DELETE": METAFIELDS_DELETE,
    "PRODUCT_MEDIA": PRODUCT_MEDIA,
    "PUBLICATIONS": PUBLICATIONS,
    "PUBLISHABLE_PUBLISH": PUBLISHABLE_PUBLISH,
    "PRODUCT_PUBLISHED": PRODUCT_PUBLISHED,
    "INVENTORY_ACTIVATE": INVENTORY_ACTIVATE,
    "ACCESS_SCOPES": ACCESS_SCOPES,
    "LOOKUP_PRODUCTS": LOOKUP_PRODUCTS,
    "LOOKUP_VARIANTS": LOOKUP_VARIANTS,
    "PUBLISHABLE_UNPUBLISH": PUBLISHABLE_UNPUBLISH,
}
