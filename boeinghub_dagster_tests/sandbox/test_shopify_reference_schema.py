"""The sandbox's SDL and the hub's documents against Shopify's published Admin schema (2026-07).

`SHOPIFY_REFERENCE_SCHEMA` names the gzipped SDL (an introspection with descriptions, kept
outside the repository; `.ci/run` sets it). Every type, field, argument, input field, enum
value and directive the sandbox declares must exist there with the same type, nullability and
default; every document `resources/shopify_documents.py` sends must validate there. Without
the variable (a user's clone) the module is skipped.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    OperationDefinitionNode,
    build_ast_schema,
    parse,
    validate,
)
from graphql.error import GraphQLSyntaxError

from boeinghub_dagster.resources import shopify_documents
from boeinghub_dagster.sandbox.shopify_schema import sdl

REFERENCE = os.environ.get("SHOPIFY_REFERENCE_SCHEMA")
pytestmark = pytest.mark.skipif(not REFERENCE, reason="SHOPIFY_REFERENCE_SCHEMA is not set (Shopify's Admin SDL)")


@pytest.fixture(scope="module")
def reference() -> GraphQLSchema:
    path = Path(REFERENCE)
    assert path.is_file(), f"SHOPIFY_REFERENCE_SCHEMA={REFERENCE} is not a file"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        # no locations and no SDL validation: the file is Shopify's own, 3.8 MB; this keeps it to seconds
        return build_ast_schema(parse(f.read(), no_location=True), assume_valid_sdl=True)


@pytest.fixture(scope="module")
def sandbox() -> GraphQLSchema:
    return build_ast_schema(parse(sdl(), no_location=True))


def _default(arg) -> str:
    return repr(getattr(arg, "default_value", None))


def _args_mismatches(where: str, ours: dict, theirs: dict) -> list[str]:
    out = []
    for name, arg in ours.items():
        ref = theirs.get(name)
        if ref is None:
            out.append(f"{where}({name}:) is not in the reference")
        elif str(arg.type) != str(ref.type):
            out.append(f"{where}({name}:) is {arg.type}, the reference says {ref.type}")
        elif _default(arg) != _default(ref):
            out.append(f"{where}({name}:) defaults to {_default(arg)}, the reference to {_default(ref)}")
    return out


def mismatches(ours: GraphQLSchema, ref: GraphQLSchema) -> list[str]:
    """Everything the sandbox declares that the reference lacks or types differently (empty: conforming)."""
    out = []
    for kind in ("query_type", "mutation_type"):
        if getattr(ours, kind) and getattr(ours, kind).name != getattr(ref, kind).name:
            out.append(f"root {kind} is {getattr(ours, kind).name}, the reference's {getattr(ref, kind).name}")
    for name, t in ours.type_map.items():
        if name.startswith("__"):
            continue
        r = ref.type_map.get(name)
        if r is None:
            out.append(f"type {name} is not in the reference")
            continue
        if type(t) is not type(r):
            out.append(f"{name} is a {type(t).__name__}, the reference's a {type(r).__name__}")
            continue
        if isinstance(t, (GraphQLObjectType, GraphQLInterfaceType)):
            theirs = {i.name for i in r.interfaces}
            out += [
                f"{name} implements {i.name}, the reference's does not" for i in t.interfaces if i.name not in theirs
            ]
            for fname, field in t.fields.items():
                rf = r.fields.get(fname)
                if rf is None:
                    out.append(f"{name}.{fname} is not in the reference")
                elif str(field.type) != str(rf.type):
                    out.append(f"{name}.{fname} is {field.type}, the reference says {rf.type}")
                else:
                    out += _args_mismatches(f"{name}.{fname}", field.args, rf.args)
        elif isinstance(t, GraphQLInputObjectType):
            out += _args_mismatches(name, t.fields, r.fields)
        elif isinstance(t, GraphQLEnumType):
            out += [f"{name}.{v} is not in the reference" for v in t.values if v not in r.values]
        elif isinstance(t, GraphQLUnionType):
            theirs = {m.name for m in r.types}
            out += [f"union {name} member {m.name} is not in the reference" for m in t.types if m.name not in theirs]
    for directive in ours.directives:
        r = ref.get_directive(directive.name)
        if r is None:
            out.append(f"directive @{directive.name} is not in the reference")
        else:
            out += _args_mismatches(f"@{directive.name}", directive.args, r.args)
    return out


def documents() -> dict[str, str]:
    """The module's string constants that are GraphQL documents with an operation (fragments ride along)."""
    found = {}
    for name, value in vars(shopify_documents).items():
        if name.startswith("_") or not isinstance(value, str):
            continue
        try:
            doc = parse(value)
        except GraphQLSyntaxError:
            continue
        if any(isinstance(d, OperationDefinitionNode) for d in doc.definitions):
            found[name] = value
    return found


def test_sandbox_sdl_declares_only_what_shopify_declares(sandbox, reference):
    assert mismatches(sandbox, reference) == []


def test_every_hub_document_validates_against_shopify(reference):
    docs = documents()
    assert {"PRODUCT_SET", "INVENTORY_SET_QUANTITIES", "LOCATIONS"} <= set(docs)  # the iteration finds them
    errors = {name: [e.message for e in validate(reference, parse(doc))] for name, doc in docs.items()}
    assert {name: errs for name, errs in errors.items() if errs} == {}


def test_the_comparison_catches_a_wrong_nullability_and_an_invented_field(reference):
    wrong = build_ast_schema(
        parse(
            "schema { query: QueryRoot } type QueryRoot { product(id: ID): Product } "
            "type Product { id: ID! madeUp: Int title: String }"
        )
    )
    assert sorted(mismatches(wrong, reference)) == [
        "Product.madeUp is not in the reference",
        "Product.title is String, the reference says String!",
        "QueryRoot.product(id:) is ID, the reference says ID!",
    ]
