"""Publishing helpers for tests: stage parts through extraction, publish them, read the shop back."""

from __future__ import annotations

import time
from decimal import Decimal

import dagster as dg

from boeinghub_dagster.defs.extraction.assets import extraction
from boeinghub_dagster.defs.publishing.assets import publishing
from boeinghub_dagster.domain.pricing import row_base_cost, shop_price
from boeinghub_dagster_tests.support.locations import LOCATION_MAP
from boeinghub_dagster_tests.support.runs import materialize_parts

SHOPIFY_PRODUCTS = dg.AssetKey("shopify_products")

METAFIELDS = """
query($id: ID!) { product(id: $id) { metafields(first: 50, namespace: "custom") { nodes { key value } } } }
"""


def stage(instance, parts: list[str], resources: dict):
    result = materialize_parts(instance, parts, resources, assets=[extraction])
    assert result.success
    return result


def publish(instance, parts: list[str], resources: dict, raise_on_error: bool = True):
    """One publishing run over exactly `parts` (already staged)."""
    return materialize_parts(
        instance,
        parts,
        resources,
        assets=[extraction, publishing],
        selection=[SHOPIFY_PRODUCTS],
        raise_on_error=raise_on_error,
    )


def expected_price(row: dict) -> Decimal:
    return shop_price(row_base_cost(row), "1.1")


def expected_stock(row: dict, location_ids: dict[str, str]) -> dict[str, int]:
    """Shopify location gid -> quantity, from the staging row's Boeing locations through LOCATION_MAP."""
    out = dict.fromkeys(location_ids.values(), 0)
    for loc in row["locations"]:
        out[location_ids[LOCATION_MAP[loc["location"]]]] += int(loc["quantity"])
    return out


def shop_stock(snapshot: dict) -> dict[str, int]:
    levels = snapshot["variants"]["nodes"][0]["inventoryItem"]["inventoryLevels"]["nodes"]
    return {
        lv["location"]["id"]: sum(q["quantity"] for q in lv["quantities"] if q["name"] == "available") for lv in levels
    }


def metafields(sandbox, product_id: str) -> dict[str, str]:
    body = sandbox.graphql(METAFIELDS, {"id": product_id}).json()
    return {n["key"]: n["value"] for n in body["data"]["product"]["metafields"]["nodes"]}


def wait_for_media(sandbox, timeout: float = 120.0) -> dict:
    """The sandbox fetches media in the background: wait until none is pending."""
    deadline = time.monotonic() + timeout
    while True:
        statuses = sandbox.stats()["media_statuses"]
        if not {"UPLOADED", "PROCESSING"} & set(statuses) or time.monotonic() > deadline:
            return statuses
        time.sleep(0.2)


def check(result, name: str) -> tuple[bool, dict]:
    evaluation = next(e for e in result.get_asset_check_evaluations() if e.check_name == name)
    return evaluation.passed, {k: v.value for k, v in evaluation.metadata.items()}


def materialized(instance) -> set[str]:
    return instance.get_materialized_partitions(SHOPIFY_PRODUCTS)
