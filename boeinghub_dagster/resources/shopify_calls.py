"""The Shopify calls publishing, sync, setup and reconciliation make, over `execute`.

A mixin of `ShopifyClient` (split off only to keep each file short): each method sends one
document of `shopify_documents.py` with its variables and returns what its caller reads.
Mutations return the `ShopifyResult`, whose `user_errors` are that part's failures.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from boeinghub_dagster.domain.payloads import product_identifier
from boeinghub_dagster.domain.shopify_api import PART_NUMBER_METAFIELD_NAMESPACE
from boeinghub_dagster.resources import shopify_documents as docs
from boeinghub_dagster.resources.shopify_answers import ShopifyQueryError

if TYPE_CHECKING:
    from boeinghub_dagster.resources.shopify import ShopifyResult

PRODUCT_STATUSES = ("ACTIVE", "DRAFT", "ARCHIVED", "UNLISTED")
MAX_METAFIELDS_SET = 25  # metafieldsSet: "Allows a maximum of 25 metafields to be set at a time"


@dataclass
class DefinitionsOutcome:
    """What `create_metafield_definitions` did, by metafield key."""

    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    failed: dict[str, list[dict]] = field(default_factory=dict)


def search_value(value: str) -> str:
    """A value quoted for Shopify's search syntax (`sku:"A\\"B"`)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ShopifyCalls:
    def execute(self, document: str, variables: dict | None = None) -> ShopifyResult:  # pragma: no cover
        raise NotImplementedError

    def _read(self, document: str, root: str, variables: dict | None = None):
        """A query's root field, whole: an answer with any field error raises (a partial read helps nobody)."""
        result = self.execute(document, variables)
        value = result.field(root)
        if result.errors:
            raise ShopifyQueryError(f"Shopify answered {root} only in part: {result.problem()[:500]}")
        return value

    def _pages(self, document: str, root: str, variables: dict | None = None) -> Iterator[dict]:
        """Every node of the connection `root`, following `pageInfo.endCursor`."""
        after = None
        while True:
            conn = self._read(document, root, {**(variables or {}), "after": after})
            yield from conn["nodes"]
            if not conn["pageInfo"]["hasNextPage"]:
                return
            after = conn["pageInfo"]["endCursor"]

    # -- setup --------------------------------------------------------------------------
    def metafield_definitions(self, namespace: str = PART_NUMBER_METAFIELD_NAMESPACE) -> dict[str, dict]:
        """The shop's product metafield definitions in `namespace`, by key."""
        return {
            n["key"]: n
            for n in self._pages(docs.METAFIELD_DEFINITIONS, "metafieldDefinitions", {"namespace": namespace})
        }

    def create_metafield_definitions(self, definitions: Sequence[Mapping]) -> DefinitionsOutcome:
        """Create the `MetafieldDefinitionInput`s the shop does not hold yet (safe to run again).

        A definition that another process created meanwhile (`TAKEN`) counts as existing.
        """
        outcome = DefinitionsOutcome()
        by_namespace: dict[str, dict[str, dict]] = {}
        for definition in definitions:
            namespace = definition.get("namespace") or PART_NUMBER_METAFIELD_NAMESPACE
            if namespace not in by_namespace:
                by_namespace[namespace] = self.metafield_definitions(namespace)
            key = definition["key"]
            if key in by_namespace[namespace]:
                outcome.existing.append(key)
                continue
            result = self.execute(docs.METAFIELD_DEFINITION_CREATE, {"definition": dict(definition)})
            if result.ok:
                outcome.created.append(key)
            elif all(e.get("code") == "TAKEN" for e in result.user_errors):
                outcome.existing.append(key)
            else:
                outcome.failed[key] = result.user_errors
        return outcome

    def locations(self, include_inactive: bool = False) -> dict[str, str]:
        """Shopify location name → gid, in the shop's order (active ones unless asked)."""
        return {
            n["name"]: n["id"] for n in self._pages(docs.LOCATIONS, "locations") if include_inactive or n["isActive"]
        }

    def publications(self) -> dict[str, str]:
        """The shop's publications (sales channels such as the Online Store), name → gid."""
        return {n["name"]: n["id"] for n in self._pages(docs.PUBLICATIONS, "publications")}

    def access_scopes(self) -> list[str]:
        """The access scopes the app's token was granted (`write_products`, ...)."""
        installation = self._read(docs.ACCESS_SCOPES, "currentAppInstallation")
        return sorted(s["handle"] for s in installation["accessScopes"])

    # -- publish ------------------------------------------------------------------------
    def product_set(self, input: Mapping, identifier: Mapping) -> ShopifyResult:
        """Upsert one product (`ProductSetInput`) by its identifier (payloads.product_identifier)."""
        return self.execute(docs.PRODUCT_SET, {"input": dict(input), "identifier": dict(identifier)})

    def publish(self, product_id: str, publication_ids: Sequence[str]) -> ShopifyResult:
        """Put a product on these publications (`publishablePublish`; already there is not an error)."""
        input = [{"publicationId": p} for p in publication_ids]
        return self.execute(docs.PUBLISHABLE_PUBLISH, {"id": product_id, "input": input})

    def unpublish(self, product_id: str, publication_ids: Sequence[str]) -> ShopifyResult:
        """Take a product off these publications (`publishableUnpublish`; not there is not an error)."""
        input = [{"publicationId": p} for p in publication_ids]
        return self.execute(docs.PUBLISHABLE_UNPUBLISH, {"id": product_id, "input": input})

    def published_on(self, product_id: str, publication_id: str) -> bool | None:
        """Whether the product is on the publication; None when there is no such product."""
        product = self._read(docs.PRODUCT_PUBLISHED, "product", {"id": product_id, "publicationId": publication_id})
        return None if product is None else bool(product["publishedOnPublication"])

    def metafields_set(self, metafields: Sequence[Mapping]) -> ShopifyResult:
        """Set these `MetafieldsSetInput`s (at most 25, atomically); others on the owner are untouched."""
        if not 1 <= len(metafields) <= MAX_METAFIELDS_SET:
            raise ValueError(f"metafieldsSet takes 1..{MAX_METAFIELDS_SET} metafields, got {len(metafields)}")
        return self.execute(docs.METAFIELDS_SET, {"metafields": [dict(m) for m in metafields]})

    def metafields_delete(self, owner_id: str, namespace: str, keys: Sequence[str]) -> ShopifyResult:
        """Delete these keys of one owner (a key it does not hold is not an error)."""
        identifiers = [{"ownerId": owner_id, "namespace": namespace, "key": k} for k in keys]
        return self.execute(docs.METAFIELDS_DELETE, {"metafields": identifiers})

    def product_media(self, product_id: str) -> list[dict] | None:
        """The product's media (`id`, `alt`), at most 50; None when there is no such product."""
        product = self._read(docs.PRODUCT_MEDIA, "product", {"id": product_id})
        return None if product is None else product["media"]["nodes"]

    def activate_inventory(self, inventory_item_id: str, location_id: str, idempotency_key: str) -> ShopifyResult:
        """Stock an inventory item at a location (`inventoryActivate`, under `@idempotent(key:)`)."""
        if not idempotency_key:
            raise ValueError("inventoryActivate needs an idempotency key (required from API 2026-04)")
        variables = {"inventoryItemId": inventory_item_id, "locationId": location_id, "key": idempotency_key}
        return self.execute(docs.INVENTORY_ACTIVATE, variables)

    # -- reconciliation -----------------------------------------------------------------
    def find_product_by_part_number(self, part_number: str) -> dict | None:
        """The snapshot of the product holding `part_number` in `custom.boeing_part_number`, or None."""
        return self._read(
            docs.PRODUCT_BY_PART_NUMBER, "productByIdentifier", {"identifier": product_identifier(part_number)}
        )

    def product_snapshot(self, product_id: str) -> dict | None:
        """Status, variant, price, cost, stock per location and media status of one product, or None."""
        return self._read(docs.PRODUCT_SNAPSHOT, "product", {"id": product_id})

    def variants_by_sku(self, sku: str) -> list[dict]:
        """Variants whose SKU is exactly `sku` (at most 10), each with its product's id and status."""
        nodes = self._read(docs.VARIANTS_BY_SKU, "productVariants", {"query": f"sku:{search_value(sku)}"})["nodes"]
        return [n for n in nodes if (n.get("sku") or "").lower() == sku.lower()]

    # -- sync ---------------------------------------------------------------------------
    def update_product_status(self, product_id: str, status: str) -> ShopifyResult:
        """ACTIVE after a good sync, DRAFT when a part is deactivated (docs/behaviour.md §8)."""
        if status not in PRODUCT_STATUSES:
            raise ValueError(f"status must be one of {', '.join(PRODUCT_STATUSES)}, got {status!r}")
        return self.execute(docs.PRODUCT_UPDATE_STATUS, {"product": {"id": product_id, "status": status}})

    def variants_bulk_update(self, product_id: str, variants: Sequence[Mapping]) -> ShopifyResult:
        """Price and cost of a product's variants (`payloads.variant_update_input`)."""
        variables = {"productId": product_id, "variants": [dict(v) for v in variants]}
        return self.execute(docs.VARIANTS_BULK_UPDATE, variables)

    def set_inventory_quantities(self, input: Mapping, idempotency_key: str) -> ShopifyResult:
        """One `InventorySetQuantitiesInput` under `@idempotent(key:)`: a retry replays, never applies twice."""
        if not idempotency_key:
            raise ValueError("inventorySetQuantities needs an idempotency key (docs/behaviour.md §7)")
        return self.execute(docs.INVENTORY_SET_QUANTITIES, {"input": dict(input), "key": idempotency_key})

    # -- tests and operators only ---------------------------------------------------------
    def delete_product(self, product_id: str) -> ShopifyResult:
        """Never used to compensate a failed publish (docs/behaviour.md §12); tests and manual clean-up only."""
        return self.execute(docs.PRODUCT_DELETE, {"input": {"id": product_id}})
