"""How the client reads Shopify's answers (docs/behaviour.md §7a): the served version, the variant throttle, partial
data."""

from __future__ import annotations

import httpx
import pytest

from boeinghub_dagster.resources.shopify_answers import (
    ShopifyAuthError,
    ShopifyQueryError,
    ShopifyThrottled,
    ShopifyVariantThrottled,
    ShopifyVersionError,
    check_version,
    read_body,
)

pytestmark = pytest.mark.shopify_contract
THROTTLE = {
    "message": "Daily variant creation limit reached. Please try again later.",
    "extensions": {"code": "VARIANT_THROTTLE_EXCEEDED"},
    "path": ["productSet"],
}


def answer(version: str | None) -> httpx.Response:
    return httpx.Response(200, json={"data": {}}, headers={"X-Shopify-API-Version": version} if version else {})


def test_an_answer_from_another_version_is_refused_with_what_to_do():
    assert check_version(answer("2026-07"), "2026-07") == "2026-07"
    with pytest.raises(ShopifyVersionError, match="served API version 2025-10, not the pinned 2026-07") as wrong:
        check_version(answer("2025-10"), "2026-07")
    assert wrong.value.served == "2025-10" and "Upgrade the hub" in str(wrong.value)
    with pytest.raises(ShopifyVersionError, match="did not name"):
        check_version(answer(None), "2026-07")


def test_the_variant_throttle_in_shopifys_shape_is_its_own_error_with_shopifys_words():
    for data in (None, {"productSet": None}):
        with pytest.raises(ShopifyVariantThrottled, match="Daily variant creation limit"):
            read_body({"data": data, "errors": [THROTTLE]}, "2026-07")


def test_a_permanent_user_error_is_the_parts_failure_in_shopifys_words():
    error = {
        "field": ["input", "variants"],
        "message": "Product can't have more than 2048 variants.",
        "code": "VARIANTS_OVER_LIMIT",
    }
    result = read_body({"data": {"productSet": {"product": None, "userErrors": [error]}}}, "2026-07")
    assert not result.ok and result.codes() == {"VARIANTS_OVER_LIMIT"}
    text = "Product can't have more than 2048 variants. (VARIANTS_OVER_LIMIT, field ['input', 'variants'])"
    assert result.problem() == text


def test_data_and_errors_together_keep_what_answered_and_name_what_did_not():
    body = {
        "data": {"locations": {"nodes": []}, "publications": None},
        "errors": [
            {
                "message": "Access denied for publications field.",
                "path": ["publications"],
                "extensions": {"code": "ACCESS_DENIED"},
            }
        ],
    }
    result = read_body(body, "2026-07")
    assert result.field("locations") == {"nodes": []}
    assert not result.ok and "Access denied" in result.problem()
    with pytest.raises(ShopifyAuthError, match="ACCESS_DENIED on publications"):
        result.field("publications")
    other = read_body({"data": {"a": 1, "b": None}, "errors": [{"message": "boom", "path": ["b"]}]}, "2026-07")
    with pytest.raises(ShopifyQueryError, match="could not answer b: boom"):
        other.field("b")


def test_errors_without_data_still_mean_what_they_meant():
    with pytest.raises(ShopifyThrottled):
        read_body({"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]}, "2026-07")
    with pytest.raises(ShopifyQueryError, match="refused"):
        read_body({"errors": [{"message": "Field 'x' doesn't exist"}], "data": None}, "2026-07")
    with pytest.raises(ShopifyQueryError):
        read_body({"errors": "not a list", "extensions": "not a dict"}, "2026-07")
