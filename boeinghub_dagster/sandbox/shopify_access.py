"""Access scopes in the Shopify sandbox: what the token may do, and how Shopify refuses the rest.

`currentAppInstallation { accessScopes { handle } }` lists the scopes granted to the app (Shopify:
"Use this query to check which permissions your app has"); `AccessScope.handle` is `{action}_{resource}`,
`read` or `write`, and a `write_` scope includes its `read_`. A root field the token may not use is
refused as Shopify does: a top-level error "Access denied for <field> field. Required access:
`<scope>` access scope." with `extensions.code = "ACCESS_DENIED"`, the field null in `data`.
The `access_scopes` knob is the grant; by default everything the hub needs (shopify_knobs.ACCESS_SCOPES).
"""

from __future__ import annotations

from graphql import GraphQLError

from boeinghub_dagster.sandbox.shopify_context import ctx

ACCESS_SCOPES_DOC = "https://shopify.dev/api/usage/access-scopes"
REQUIRED = {
    **dict.fromkeys(
        (
            "products",
            "product",
            "productByIdentifier",
            "productVariants",
            "productVariant",
            "metafieldDefinitions",
            "collections",
            "collection",
        ),
        "read_products",
    ),
    **dict.fromkeys(
        (
            "productSet",
            "productUpdate",
            "productDelete",
            "productVariantsBulkUpdate",
            "metafieldDefinitionCreate",
            "metafieldsSet",
            "collectionCreate",
        ),
        "write_products",
    ),
    "inventoryItem": "read_inventory",
    "inventorySetQuantities": "write_inventory",
    "inventoryActivate": "write_inventory",
    "locations": "read_locations",
    **dict.fromkeys(("publications", "publication"), "read_publications"),
    **dict.fromkeys(("publishablePublish", "publishableUnpublish"), "write_publications"),
}
DESCRIPTIONS = {"read": "Read {}", "write": "Modify {}"}


def granted(scope: str, scopes: tuple[str, ...]) -> bool:
    return scope in scopes or (scope.startswith("read_") and f"write_{scope[5:]}" in scopes)


def access_check(scopes: tuple[str, ...]):
    """graphql-core middleware refusing root fields the scopes do not cover (None when all are covered)."""
    if all(granted(scope, scopes) for scope in set(REQUIRED.values())):
        return None

    def middleware(next_, root, info, **args):
        scope = REQUIRED.get(info.field_name)
        roots = (info.schema.query_type, info.schema.mutation_type)
        if scope and info.parent_type in roots and not granted(scope, scopes):
            raise GraphQLError(
                f"Access denied for {info.field_name} field. Required access: `{scope}` access scope.",
                extensions={
                    "code": "ACCESS_DENIED",
                    "documentation": ACCESS_SCOPES_DOC,
                    "requiredAccess": f"`{scope}` access scope.",
                },
            )
        return next_(root, info, **args)

    return middleware


def current_app_installation(_root, info) -> dict:
    scopes = ctx(info).knobs.access_scopes
    return {
        "accessScopes": [
            {
                "handle": s,
                "description": DESCRIPTIONS.get(s.split("_", 1)[0], "{}").format(s.split("_", 1)[-1].replace("_", " ")),
            }
            for s in scopes
        ]
    }


def shop(_root, info) -> dict:
    return {"name": "Boeing Hub sandbox", "myshopifyDomain": "boeinghub-sandbox.myshopify.com"}
