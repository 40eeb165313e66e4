"""The executable schema of the Shopify sandbox: the SDL files plus the resolvers.

The SDL (`shopify_schema*.graphql`) is the contract; this module only wires resolvers
onto it, so graphql-core validates documents and variables exactly against that SDL.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from graphql import GraphQLError, GraphQLSchema, build_schema
from graphql.language import FloatValueNode, IntValueNode, StringValueNode

from boeinghub_dagster.sandbox.shopify_access import current_app_installation, shop
from boeinghub_dagster.sandbox.shopify_app import MUTATIONS as APP_MUTATIONS
from boeinghub_dagster.sandbox.shopify_context import parse_decimal_scalar
from boeinghub_dagster.sandbox.shopify_inventory import inventory_activate, inventory_set_quantities
from boeinghub_dagster.sandbox.shopify_merchant import MUTATIONS as MERCHANT_MUTATIONS
from boeinghub_dagster.sandbox.shopify_merchant import OBJECTS as MERCHANT_OBJECTS
from boeinghub_dagster.sandbox.shopify_merchant import QUERIES as MERCHANT_QUERIES
from boeinghub_dagster.sandbox.shopify_mutations import (
    metafield_definition_create,
    product_delete,
    product_update,
    product_variants_bulk_update,
)
from boeinghub_dagster.sandbox.shopify_product_set import product_set
from boeinghub_dagster.sandbox.shopify_publications import MUTATIONS as PUBLICATION_MUTATIONS
from boeinghub_dagster.sandbox.shopify_publications import OBJECTS as PUBLICATION_OBJECTS
from boeinghub_dagster.sandbox.shopify_publications import QUERIES as PUBLICATION_QUERIES
from boeinghub_dagster.sandbox.shopify_queries import QUERY_RESOLVERS, node_type
from boeinghub_dagster.sandbox.shopify_resolvers import RESOLVERS
from boeinghub_dagster.sandbox.shopify_versions import public_api_versions

SDL_FILES = (
    "shopify_schema.graphql",
    "shopify_schema_inputs.graphql",
    "shopify_schema_channels.graphql",
    "shopify_schema_merchant.graphql",
    "shopify_schema_app.graphql",
    "shopify_schema_console.graphql",
)
MUTATION_RESOLVERS = {
    "productSet": product_set,
    "productUpdate": product_update,
    "productDelete": product_delete,
    "productVariantsBulkUpdate": product_variants_bulk_update,
    "inventorySetQuantities": inventory_set_quantities,
    "metafieldDefinitionCreate": metafield_definition_create,
    "inventoryActivate": inventory_activate,
    **PUBLICATION_MUTATIONS,
    **MERCHANT_MUTATIONS,
    **APP_MUTATIONS,
}


def _resolvers() -> dict[str, dict]:
    """Type -> field -> resolver, merged from the modules that each own a part of the API."""
    merged: dict[str, dict] = {}
    queries = {
        **QUERY_RESOLVERS,
        **PUBLICATION_QUERIES,
        **MERCHANT_QUERIES,
        "publicApiVersions": public_api_versions,
        "currentAppInstallation": current_app_installation,
        "shop": shop,
    }
    for part in (
        RESOLVERS,
        PUBLICATION_OBJECTS,
        MERCHANT_OBJECTS,
        {"QueryRoot": queries},
        {"Mutation": MUTATION_RESOLVERS},
    ):
        for type_name, fields in part.items():
            merged.setdefault(type_name, {}).update(fields)
    return merged


def sdl() -> str:
    here = Path(__file__).parent
    return "\n".join((here / name).read_text(encoding="utf-8") for name in SDL_FILES)


def _parse_decimal_literal(node, _variables=None):
    if isinstance(node, (StringValueNode, IntValueNode, FloatValueNode)):
        return parse_decimal_scalar(node.value)
    raise GraphQLError("Expected a decimal number or string")


@lru_cache(maxsize=1)
def shopify_schema() -> GraphQLSchema:
    schema = build_schema(sdl())
    for type_name, resolvers in _resolvers().items():
        fields = schema.get_type(type_name).fields
        for field_name, resolver in resolvers.items():
            fields[field_name].resolve = resolver
    for scalar in ("Money", "Decimal"):
        t = schema.get_type(scalar)
        t.parse_value = parse_decimal_scalar
        t.parse_literal = _parse_decimal_literal
    schema.get_type("Media").resolve_type = lambda _obj, _info, _type: "MediaImage"
    schema.get_type("Publishable").resolve_type = lambda _obj, _info, _type: "Product"
    schema.get_type("Catalog").resolve_type = lambda _obj, _info, _type: "AppCatalog"
    schema.get_type("Node").resolve_type = node_type
    return schema
