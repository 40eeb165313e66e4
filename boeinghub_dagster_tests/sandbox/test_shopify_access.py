"""Access scopes in the Shopify sandbox: the token's grant is readable, and a field outside it is ACCESS_DENIED."""

from __future__ import annotations

from boeinghub_dagster_tests.support.shopify_calls import PUBLICATIONS, define_part_number, publish

SCOPES = "{ currentAppInstallation { accessScopes { handle } } shop { myshopifyDomain } }"


def test_the_default_grant_is_what_the_hub_needs(shopify):
    body = shopify.graphql(SCOPES).json()["data"]
    assert {s["handle"] for s in body["currentAppInstallation"]["accessScopes"]} == {
        "read_products",
        "write_products",
        "read_inventory",
        "write_inventory",
        "read_locations",
        "read_publications",
        "write_publications",
    }
    assert body["shop"]["myshopifyDomain"].endswith(".myshopify.com")


def test_a_missing_scope_is_access_denied_for_that_field_only(shopify):
    define_part_number(shopify)
    shopify.admin(access_scopes=["write_products", "read_locations"])
    body = shopify.graphql(PUBLICATIONS).json()
    assert body["data"] is None  # publications is non-null: the error reaches data
    [error] = body["errors"]
    assert error["message"] == (
        "Access denied for publications field. Required access: `read_publications` access scope."
    )
    assert error["extensions"]["code"] == "ACCESS_DENIED" and error["path"] == ["publications"]
    assert publish(shopify, "ACC-1")["data"]["productSet"]["userErrors"] == []  # write_products covers it
    mixed = shopify.graphql(
        '{ locations(first: 1) { nodes { id } } inventoryItem(id: "gid://shopify/InventoryItem/1") { id } }'
    ).json()
    assert mixed["data"]["inventoryItem"] is None and mixed["data"]["locations"]["nodes"]
    assert mixed["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"
    listed = shopify.graphql(SCOPES).json()["data"]["currentAppInstallation"]["accessScopes"]
    assert [s["handle"] for s in listed] == ["write_products", "read_locations"]
