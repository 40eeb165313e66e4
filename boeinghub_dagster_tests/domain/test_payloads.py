"""docs/behaviour.md §6–§8: Shopify GraphQL inputs built from staging rows, sent as variables unchanged."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import pytest

from boeinghub_dagster.domain.metafields import METAFIELD_DEFINITIONS
from boeinghub_dagster.domain.payloads import location_quantities, payload_hash, product_identifier, product_set_input
from boeinghub_dagster_tests.domain.normalization_support import row_for
from boeinghub_dagster_tests.support.locations import CHICAGO, DALLAS, SEATTLE
from boeinghub_dagster_tests.support.locations import PAYLOAD_LOCATION_IDS as LOCATION_IDS
from boeinghub_dagster_tests.support.locations import PAYLOAD_LOCATION_MAP as LOCATION_MAP

D = Decimal
IMAGE = "https://cdn.example/products/BACB30LE3-4/0123456789abcdef.jpg"


def build(row: dict | None = None, **overrides) -> dict:
    args = dict(
        price_markup_factor="1.1",
        location_ids=LOCATION_IDS,
        location_map=LOCATION_MAP,
        location_codes={"Dallas Central": "1D1", "Chicago": "2C1"},
        image_url=IMAGE,
        part_number="BACB30LE3-4",
    )
    args.update(overrides)
    return product_set_input(row if row is not None else row_for(), **args)


def metafields_of(product: dict) -> dict[str, tuple[str, str]]:
    return {m["key"]: (m["type"], m["value"]) for m in product["metafields"]}


# --- the whole product --------------------------------------------------------------


def test_full_product_set_input() -> None:
    product = build()
    metafields = product.pop("metafields")
    assert product == {
        "title": "BACB30LE3-4",
        "descriptionHtml": row_for()["body_html"],
        "vendor": "BDI",
        "tags": ["boeing", "aerospace", "Aircraft Parts & Accessories", "origin-united-states"],
        "category": "gid://shopify/TaxonomyCategory/vp-1-1",
        "status": "ACTIVE",
        "productOptions": [{"name": "Title", "values": [{"name": "Default Title"}]}],
        "variants": [
            {
                "optionValues": [{"optionName": "Title", "name": "Default Title"}],
                "price": "28.05",  # 25.50 × 1.1
                "inventoryPolicy": "DENY",
                "inventoryItem": {
                    "sku": "BACB30LE3-4",
                    "cost": "25.50",
                    "tracked": True,
                    "measurement": {"weight": {"value": 0.25, "unit": "POUNDS"}},
                },
                "inventoryQuantities": [
                    {"locationId": DALLAS, "name": "available", "quantity": 12},  # 8 + 4 mapped to Dallas
                    {"locationId": CHICAGO, "name": "available", "quantity": 0},
                    {"locationId": SEATTLE, "name": "available", "quantity": 0},
                ],
            }
        ],
        "files": [{"originalSource": IMAGE, "contentType": "IMAGE", "alt": "BACB30LE3-4"}],
    }
    assert [(m["namespace"], m["key"], m["type"], m["value"]) for m in metafields] == [
        ("custom", "part_number", "single_line_text_field", "BACB30LE3-4"),
        ("custom", "part_name", "single_line_text_field", "BOLT"),
        ("custom", "manufacturer", "single_line_text_field", "Boeing Distribution"),
        ("custom", "unit_of_measure", "single_line_text_field", "EA"),
        ("custom", "condition", "single_line_text_field", "NE"),
        ("custom", "certificate", "single_line_text_field", "FAA 8130-3"),
        ("custom", "pma", "boolean", "true"),
        ("custom", "country_of_origin", "single_line_text_field", "United States"),
        ("custom", "dimensions", "single_line_text_field", "2.5 x 1 x 0.5 IN"),
        ("custom", "hazmat_code", "single_line_text_field", "N"),
        ("custom", "faa_approval_code", "single_line_text_field", "PMA"),
        ("custom", "eccn", "single_line_text_field", "EAR99"),
        ("custom", "schedule_b_code", "single_line_text_field", "7318.15.2095"),
        ("custom", "inventory_location_code", "single_line_text_field", "1D1, 2C1"),
        ("custom", "location_summary", "single_line_text_field", "Dallas Central: 8; Chicago: 4"),
        ("custom", "boeing_part_number", "single_line_text_field", "BACB30LE3-4"),
    ]


def test_input_is_plain_json() -> None:
    product = build()
    assert json.loads(json.dumps(product)) == product


# --- price and cost ------------------------------------------------------------------


def test_price_rounds_half_up_and_cost_is_the_base() -> None:
    variant = build(row_for(listPrice="0.15"))["variants"][0]
    assert (variant["price"], variant["inventoryItem"]["cost"]) == ("0.17", "0.15")  # 0.165 → 0.17


def test_price_from_net_when_no_list_price() -> None:
    variant = build(row_for(listPrice=None, netPrice="20"), price_markup_factor=D("1.25"))["variants"][0]
    assert (variant["price"], variant["inventoryItem"]["cost"]) == ("25.00", "20.00")


def test_row_without_price_is_refused() -> None:
    with pytest.raises(ValueError, match="no price"):
        build(row_for(listPrice=None, netPrice=0))


# --- SKU, title, identifier ------------------------------------------------------------


def test_suffix_is_dropped_from_title_and_sku_but_kept_in_the_identifier_metafield() -> None:
    product = build(row_for("WF338109=K3", aviallPartNumber="WF338109=K3"), part_number="WF338109=K3")
    assert product["title"] == "WF338109"
    assert product["variants"][0]["inventoryItem"]["sku"] == "WF338109"
    assert metafields_of(product)["part_number"] == ("single_line_text_field", "WF338109")
    assert metafields_of(product)["boeing_part_number"] == ("single_line_text_field", "WF338109=K3")
    assert product["files"][0]["alt"] == "WF338109"


def test_product_identifier_is_the_custom_id() -> None:
    assert product_identifier("WF338109=K3") == {
        "customId": {"namespace": "custom", "key": "boeing_part_number", "value": "WF338109=K3"}
    }


# --- weight, tags, image -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "expected"),
    [("kg", "KILOGRAMS"), ("KG", "KILOGRAMS"), (" Kgs ", "KILOGRAMS"), ("kilogram", "KILOGRAMS"),
     ("Kilograms", "KILOGRAMS"), ("LB", "POUNDS"), ("lbs", "POUNDS"), (None, "POUNDS"), ("g", "POUNDS")],
)  # fmt: skip
def test_weight_unit(unit: str | None, expected: str) -> None:
    item = build(row_for(weight="1.5", weightUOM=unit))["variants"][0]["inventoryItem"]
    assert item["measurement"] == {"weight": {"value": 1.5, "unit": expected}}


def test_no_weight_no_measurement() -> None:
    assert "measurement" not in build(row_for(weight=None))["variants"][0]["inventoryItem"]


def test_origin_tag_lower_cases_and_hyphenates() -> None:
    assert build(row_for(countryOfOrigin="  New Zealand "))["tags"][-1] == "origin-new-zealand"


def test_no_country_no_origin_tag() -> None:
    assert build(row_for(countryOfOrigin=None))["tags"] == ["boeing", "aerospace", "Aircraft Parts & Accessories"]


def test_no_image_no_files() -> None:
    assert "files" not in build(image_url=None)


# --- stock per location --------------------------------------------------------------------


def test_unmapped_boeing_locations_count_nowhere() -> None:
    row = row_for(locationAvailabilities=[{"location": "Dallas Central", "availQuantity": 3},
                                          {"location": "Tokyo", "availQuantity": 9},
                                          {"location": "Miami", "availQuantity": 2}])  # fmt: skip
    assert location_quantities(row, LOCATION_IDS, LOCATION_MAP) == {DALLAS: 3, CHICAGO: 0, SEATTLE: 2}


def test_without_a_map_the_whole_quantity_goes_to_the_first_location() -> None:
    assert location_quantities(row_for(), LOCATION_IDS, {}) == {DALLAS: 12, CHICAGO: 0, SEATTLE: 0}


def test_mapped_location_without_an_id_is_a_config_error() -> None:
    with pytest.raises(ValueError, match="Houston"):
        location_quantities(row_for(), LOCATION_IDS, {"Dallas Central": "Houston"})


# --- metafields ------------------------------------------------------------------------------


def test_empty_values_are_not_written_but_false_is() -> None:
    row = row_for(hazmatCode=None, eccn="  ", dim=None, faaApprovalCode=None, locationAvailabilities=[])
    keys = metafields_of(build(row))
    assert {"hazmat_code", "eccn", "dimensions", "faa_approval_code", "location_summary",
            "inventory_location_code", "estimated_lead_time_days"}.isdisjoint(keys)  # fmt: skip
    assert keys["pma"] == ("boolean", "false")


def test_lead_time_is_written_as_an_integer_when_the_row_has_one() -> None:
    assert metafields_of(build({**row_for(), "estimated_lead_time_days": 14}))["estimated_lead_time_days"] == (
        "number_integer", "14"
    )  # fmt: skip


def test_location_codes_only_for_stocked_coded_locations_once_each() -> None:
    row = row_for(locationAvailabilities=[{"location": "Chicago", "availQuantity": 0},
                                          {"location": "Dallas Central", "availQuantity": 5},
                                          {"location": "Tokyo", "availQuantity": 5}])  # fmt: skip
    codes = {"Chicago": "2C1", "Dallas Central": "1D1", "Tokyo": "1D1"}
    assert metafields_of(build(row, location_codes=codes))["inventory_location_code"][1] == "1D1"


def test_text_values_are_single_line() -> None:
    assert metafields_of(build(row_for(name="BOLT\nHEX  HEAD")))["part_name"][1] == "BOLT HEX HEAD"


def test_definitions_are_spec_keys_plus_the_identifier() -> None:
    assert [d.key for d in METAFIELD_DEFINITIONS] == [
        "part_number", "part_name", "manufacturer", "unit_of_measure", "condition", "certificate", "pma",
        "country_of_origin", "dimensions", "hazmat_code", "faa_approval_code", "eccn", "schedule_b_code",
        "inventory_location_code", "location_summary", "estimated_lead_time_days", "boeing_part_number",
    ]  # fmt: skip
    types = {d.key: d.type for d in METAFIELD_DEFINITIONS}
    assert (types["pma"], types["estimated_lead_time_days"]) == ("boolean", "number_integer")


def test_definition_inputs_and_the_unique_identifier() -> None:
    inputs = {d.key: d.as_input() for d in METAFIELD_DEFINITIONS}
    assert inputs["boeing_part_number"] == {
        "name": "Boeing Part Number", "namespace": "custom", "key": "boeing_part_number",
        "type": "single_line_text_field", "ownerType": "PRODUCT",
        "capabilities": {"uniqueValues": {"enabled": True}},
    }  # fmt: skip
    assert inputs["pma"] == {
        "name": "PMA", "namespace": "custom", "key": "pma", "type": "boolean", "ownerType": "PRODUCT"
    }  # fmt: skip
    assert [k for k, v in inputs.items() if "capabilities" in v] == ["boeing_part_number"]


def test_written_metafields_match_their_definitions() -> None:
    types = {d.key: d.type for d in METAFIELD_DEFINITIONS}
    for m in build({**row_for(), "estimated_lead_time_days": 3})["metafields"]:
        assert (m["namespace"], m["type"]) == ("custom", types[m["key"]])


# --- payload hash ------------------------------------------------------------------------------


def test_payload_hash_is_sha256_of_canonical_json() -> None:
    product = build()
    text = json.dumps(product, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert payload_hash(product) == hashlib.sha256(text.encode()).hexdigest()


def test_payload_hash_is_stable_and_sees_the_image() -> None:
    assert payload_hash(build()) == payload_hash(build())
    assert payload_hash(dict(reversed(list(build().items())))) == payload_hash(build())
    assert payload_hash(build(image_url=IMAGE + "?v=2")) != payload_hash(build())
    assert payload_hash(build(row_for(listPrice="25.60"))) != payload_hash(build())
