"""GraphQL documents and small call helpers for tests against the Shopify sandbox.

The documents are written the way the hub's client will write them (docs/behaviour.md §6), so the tests
exercise the same shapes: a unique part-number metafield definition, then `productSet`
upserting by `identifier: {customId: …}`.
"""

from __future__ import annotations

from boeinghub_dagster.domain.shopify_api import PART_NUMBER_METAFIELD_KEY, PART_NUMBER_METAFIELD_NAMESPACE
from boeinghub_dagster_tests.support.sandboxes import ShopifySandbox

DEFINE = """
mutation Define($definition: MetafieldDefinitionInput!) {
  metafieldDefinitionCreate(definition: $definition) {
    createdDefinition { id namespace key capabilities { uniqueValues { enabled } adminFilterable { enabled } } }
    userErrors { field message code }
  }
}"""

PRODUCT_SET = """
mutation Publish($input: ProductSetInput!, $identifier: ProductSetIdentifiers) {
  productSet(input: $input, identifier: $identifier, synchronous: true) {
    product { id status variants(first: 5) { nodes { id sku price inventoryItem { id } } } }
    productSetOperation { id status }
    userErrors { field message code }
  }
}"""

LOCATIONS = "{ locations(first: 10) { nodes { id name } } }"

LEVEL = (
    "query($id: ID!, $loc: ID!) { inventoryItem(id: $id) { inventoryLevel(locationId: $loc) "
    '{ quantities(names: ["available"]) { quantity } } } }'
)

VARIANTS_BY_SKU = """
query Variants($q: String) {
  productVariants(first: 10, query: $q) { nodes { id sku product { id } inventoryItem { id } } }
}"""


def define_part_number(shop: ShopifySandbox, unique: bool = True, filterable: bool = True) -> dict:
    definition = {
        "name": "Boeing part number",
        "namespace": PART_NUMBER_METAFIELD_NAMESPACE,
        "key": PART_NUMBER_METAFIELD_KEY,
        "type": "single_line_text_field",
        "ownerType": "PRODUCT",
        "capabilities": {"uniqueValues": {"enabled": unique}, "adminFilterable": {"enabled": filterable}},
    }
    body = shop.graphql(DEFINE, {"definition": definition}).json()
    return body["data"]["metafieldDefinitionCreate"]


def location_ids(shop: ShopifySandbox) -> list[str]:
    return [n["id"] for n in shop.graphql(LOCATIONS).json()["data"]["locations"]["nodes"]]


def stocked_part(shop: ShopifySandbox, part: str) -> tuple[ShopifySandbox, str, str]:
    """`part` published with 4 available at the shop's first location: (shop, inventory item id, location id)."""
    define_part_number(shop)
    location = location_ids(shop)[0]
    product = publish(shop, part, stock=[(location, 4)])["data"]["productSet"]["product"]
    return shop, product["variants"]["nodes"][0]["inventoryItem"]["id"], location


def available(shop: ShopifySandbox, item: str, location: str) -> int:
    """The item's `available` quantity at the location."""
    body = shop.graphql(LEVEL, {"id": item, "loc": location}).json()
    return body["data"]["inventoryItem"]["inventoryLevel"]["quantities"][0]["quantity"]


def part_identifier(part: str) -> dict:
    return {"customId": {"namespace": PART_NUMBER_METAFIELD_NAMESPACE, "key": PART_NUMBER_METAFIELD_KEY, "value": part}}


def product_input(
    part: str,
    sku: str | None = None,
    price: str = "11.00",
    cost: str = "10.00",
    stock: list[tuple[str, int]] = (),
    files: list[str] | None = None,
    status: str = "ACTIVE",
) -> dict:
    """The ProductSetInput for one part: one variant (Title / Default Title), stock per location id."""
    out = {
        "title": sku or part,
        "vendor": "BDI",
        "status": status,
        "descriptionHtml": "<p>part</p>",
        "tags": ["boeing", "aerospace"],
        "category": "gid://shopify/TaxonomyCategory/vp-1-1",
        "metafields": [
            {
                "namespace": PART_NUMBER_METAFIELD_NAMESPACE,
                "key": PART_NUMBER_METAFIELD_KEY,
                "type": "single_line_text_field",
                "value": part,
            }
        ],
        "productOptions": [{"name": "Title", "values": [{"name": "Default Title"}]}],
        "variants": [
            {
                "optionValues": [{"optionName": "Title", "name": "Default Title"}],
                "price": price,
                "inventoryPolicy": "DENY",
                "inventoryItem": {
                    "sku": sku or part,
                    "cost": cost,
                    "tracked": True,
                    "measurement": {"weight": {"value": 1.25, "unit": "POUNDS"}},
                },
                "inventoryQuantities": [
                    {"locationId": loc, "name": "available", "quantity": qty} for loc, qty in stock
                ],
            }
        ],
    }
    if files is not None:
        out["files"] = [{"originalSource": url, "contentType": "IMAGE"} for url in files]
    return out


def publish(shop: ShopifySandbox, part: str, **kw) -> dict:
    """productSet upserting `part`; returns the decoded body (data, errors, extensions)."""
    response = shop.graphql(PRODUCT_SET, {"input": product_input(part, **kw), "identifier": part_identifier(part)})
    assert response.status_code == 200, response.text
    return response.json()


PUBLICATIONS = (
    "{ publications(first: 10) { nodes { id name autoPublish supportsFuturePublishing catalog { title } } } }"
)
PUBLISH = """
mutation Publish($id: ID!, $input: [PublicationInput!]!) {
  publishablePublish(id: $id, input: $input) {
    publishable { ... on Product { id } }
    userErrors { field message }
  }
}"""
UNPUBLISH = PUBLISH.replace("Publish(", "Unpublish(").replace("publishablePublish", "publishableUnpublish")


def publication_ids(shop: ShopifySandbox) -> dict[str, str]:
    """Publication id by name ("Online Store", "Point of Sale", …)."""
    nodes = shop.graphql(PUBLICATIONS).json()["data"]["publications"]["nodes"]
    return {n["catalog"]["title"]: n["id"] for n in nodes}


def publish_to(shop: ShopifySandbox, product_id: str, *publication: str, unpublish: bool = False) -> dict:
    """publishablePublish (or Unpublish) of a product on the given publication ids; the payload."""
    body = shop.graphql(
        UNPUBLISH if unpublish else PUBLISH, {"id": product_id, "input": [{"publicationId": p} for p in publication]}
    ).json()
    return body["data"]["publishableUnpublish" if unpublish else "publishablePublish"]
