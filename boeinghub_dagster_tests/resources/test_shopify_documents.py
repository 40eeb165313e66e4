"""Every document the hub sends is valid against the sandbox's SDL (Shopify's names and nullability)."""

from __future__ import annotations

import pytest
from graphql import OperationType, build_schema, parse, validate
from graphql.utilities import get_operation_ast

from boeinghub_dagster.resources import shopify_documents as docs
from boeinghub_dagster.resources.shopify_limiter import MAX_QUERY_COST, default_estimate
from boeinghub_dagster.resources.shopify_lookup import NODES_PER_CALL, SEARCH_PAGE
from boeinghub_dagster.sandbox.shopify_cost import QueryCost
from boeinghub_dagster.sandbox.shopify_schema import sdl

pytestmark = pytest.mark.shopify_contract  # the client against the sandbox (sandbox knobs: no live run)
SCHEMA = build_schema(sdl())
MUTATIONS = {
    "PRODUCT_SET": "productSet",
    "METAFIELD_DEFINITION_CREATE": "metafieldDefinitionCreate",
    "PRODUCT_UPDATE_STATUS": "productUpdate",
    "PRODUCT_DELETE": "productDelete",
    "VARIANTS_BULK_UPDATE": "productVariantsBulkUpdate",
    "INVENTORY_SET_QUANTITIES": "inventorySetQuantities",
    "METAFIELDS_SET": "metafieldsSet",
    "METAFIELDS_DELETE": "metafieldsDelete",
    "PUBLISHABLE_PUBLISH": "publishablePublish",
    "INVENTORY_ACTIVATE": "inventoryActivate",
    "PUBLISHABLE_UNPUBLISH": "publishableUnpublish",
}
QUERIES = {
    "METAFIELD_DEFINITIONS": "metafieldDefinitions",
    "LOCATIONS": "locations",
    "PRODUCT_BY_PART_NUMBER": "productByIdentifier",
    "PRODUCT_SNAPSHOT": "product",
    "VARIANTS_BY_SKU": "productVariants",
    "PRODUCT_MEDIA": "product",
    "PUBLICATIONS": "publications",
    "PRODUCT_PUBLISHED": "product",
    "ACCESS_SCOPES": "currentAppInstallation",
    "LOOKUP_PRODUCTS": "nodes",
    "LOOKUP_VARIANTS": "productVariants",
}
# The operator's lookups are batched up to the single-query limit, at the sizes they are sent with.
BATCHED = {
    "LOOKUP_PRODUCTS": {"ids": ["gid://shopify/Product/1"] * NODES_PER_CALL},
    "LOOKUP_VARIANTS": {"first": SEARCH_PAGE},
}


def _operation(name: str):
    document = parse(docs.ALL_DOCUMENTS[name])
    return document, get_operation_ast(document)


def test_every_public_document_is_listed():
    constants = {
        n
        for n, v in vars(docs).items()
        if n.isupper() and isinstance(v, str) and v.lstrip().startswith(("query ", "mutation "))
    }
    assert constants == set(docs.ALL_DOCUMENTS) == set(MUTATIONS) | set(QUERIES)


@pytest.mark.parametrize("name", sorted(docs.ALL_DOCUMENTS))
def test_document_validates_against_the_shopify_schema(name):
    document, operation = _operation(name)
    assert validate(SCHEMA, document) == []
    assert operation is not None and operation.name is not None  # named: Shopify's logs show it
    kind = OperationType.MUTATION if name in MUTATIONS else OperationType.QUERY
    assert operation.operation == kind
    root = [sel.name.value for sel in operation.selection_set.selections]
    assert root == [(MUTATIONS | QUERIES)[name]]


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutations_select_their_user_errors(name):
    assert "userErrors {" in docs.ALL_DOCUMENTS[name]


def test_validation_catches_a_field_shopify_would_refuse():
    """The control: the same check fails on a misspelt field and on a missing required argument."""
    wrong_field = docs.PRODUCT_UPDATE_STATUS.replace("product { id status }", "product { id state }")
    assert validate(SCHEMA, parse(wrong_field))
    no_identifier = docs.PRODUCT_BY_PART_NUMBER.replace("(identifier: $identifier)", "")
    assert validate(SCHEMA, parse(no_identifier))


def test_inventory_set_quantities_carries_the_idempotent_directive():
    _, operation = _operation("INVENTORY_SET_QUANTITIES")
    field = operation.selection_set.selections[0]
    assert [(d.name.value, d.arguments[0].name.value) for d in field.directives] == [("idempotent", "key")]


def test_product_set_upserts_by_identifier_and_answers_what_publishing_stores():
    text = docs.PRODUCT_SET
    assert "identifier: $identifier" in text and "synchronous: true" in text
    for needed in ("id", "status", "sku", "price", "inventoryItem { id unitCost { amount } }", "media", "code"):
        assert needed in text


@pytest.mark.parametrize("name", sorted(docs.ALL_DOCUMENTS))
def test_requested_cost_stays_well_under_the_single_query_limit(name):
    """Shopify refuses a document over 1,000 points; publishing wants each call cheap."""
    document, operation = _operation(name)
    fragments = {d.name.value: d for d in document.definitions if d is not operation}
    cost = QueryCost(SCHEMA, operation, fragments, BATCHED.get(name, {})).requested()
    assert 0 < cost <= (MAX_QUERY_COST if name in BATCHED else 110), cost
    if name in MUTATIONS:
        assert cost <= 25, "a publish-path mutation should cost about the 10-point base"


def test_default_estimates_follow_the_document_kind():
    assert default_estimate(docs.PRODUCT_SET) == 10
    assert default_estimate(docs.VARIANTS_BY_SKU) == 11  # 1 + first: 10
    assert default_estimate(docs.PRODUCT_SNAPSHOT) == 25  # 1 + 1 + 20 + 3
    assert default_estimate(docs.METAFIELD_DEFINITIONS) == 26
    assert default_estimate("query Big { a(first: 250) { nodes { id } } }") == 50
    assert default_estimate("# comment\nmutation M { x }") == 10


def test_a_lookup_batch_costs_under_the_limit_even_when_every_id_of_nodes_is_priced():
    """The sandbox prices `nodes` as one object; Shopify may price each id: the batch fits either way."""
    document, operation = _operation("LOOKUP_VARIANTS")
    fragments = {d.name.value: d for d in document.definitions if d is not operation}
    page = QueryCost(SCHEMA, operation, fragments, {"first": SEARCH_PAGE}).requested()
    per_product = (page - 2) // SEARCH_PAGE - 1  # a variant node is 1 + its product
    assert page == 2 + SEARCH_PAGE * (1 + per_product) <= MAX_QUERY_COST
    assert NODES_PER_CALL * per_product <= MAX_QUERY_COST
