"""The Shopify Admin API contract the hub and the sandbox share (SPEC §6, §7).

One pinned API version, and the metafield that keys a published product to its Boeing
part number. Pure constants, so both the hub's client and the sandbox server import
them without crossing layers.
"""

from __future__ import annotations

SHOPIFY_API_VERSION = "2026-07"

# `productSet(identifier: {customId: …})` upserts by this unique-valued product metafield.
PART_NUMBER_METAFIELD_NAMESPACE = "custom"
PART_NUMBER_METAFIELD_KEY = "boeing_part_number"
