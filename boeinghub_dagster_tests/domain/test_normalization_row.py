"""docs/behaviour.md §5: shape of the staging row, pass-through fields, images, module boundaries."""

from __future__ import annotations

import json

from boeinghub_dagster.domain import normalization as norm
from boeinghub_dagster.domain.normalization import STAGING_FIELDS, normalize_item
from boeinghub_dagster_tests.domain.normalization_support import D, boeing_item, row_for

# --- row shape ---------------------------------------------------------------


def test_staging_fields_are_the_documented_keys_in_order() -> None:
    assert STAGING_FIELDS == (
        "part_number",
        "sku",
        "title",
        "boeing_name",
        "boeing_description",
        "body_html",
        "supplier_name",
        "manufacturer",
        "vendor",
        "list_price",
        "net_price",
        "currency",
        "base_uom",
        "unit_of_measure",
        "country_of_origin",
        "hazmat_code",
        "faa_approval_code",
        "eccn",
        "schedule_b_code",
        "dim_length",
        "dim_width",
        "dim_height",
        "dim_uom",
        "weight",
        "weight_unit",
        "inventory_quantity",
        "inventory_status",
        "locations",
        "location_summary",
        "boeing_image_url",
        "boeing_thumbnail_url",
        "pma",
        "condition",
        "cert",
        "status",
        "status_reason",
    )
    assert len(set(STAGING_FIELDS)) == len(STAGING_FIELDS)


def test_row_has_exactly_the_staging_fields_in_order() -> None:
    assert tuple(row_for()) == STAGING_FIELDS


def test_row_of_a_bare_item_has_all_fields() -> None:
    row = normalize_item("X1", {}, None)
    assert tuple(row) == STAGING_FIELDS


def test_full_row() -> None:
    row = row_for()
    assert row == {
        "part_number": "BACB30LE3-4",
        "sku": "BACB30LE3-4",
        "title": "BACB30LE3-4",
        "boeing_name": "BOLT",
        "boeing_description": "Hex head bolt",
        "body_html": "\n".join(
            [
                "<p>Part No.: BACB30LE3-4</p>",
                "<p>Description: BOLT</p>",
                "<p>Manufacturer: Boeing Distribution</p>",
                "<p>Cert: FAA 8130-3</p>",
                "<p>Condition: NE</p>",
                "<p>Unit of Measure: EA</p>",
            ]
        ),
        "supplier_name": "Boeing Distribution",
        "manufacturer": "Boeing Distribution",
        "vendor": "BDI",
        "list_price": D("25.50"),
        "net_price": D("20.00"),
        "currency": "USD",
        "base_uom": "EA",
        "unit_of_measure": "EA",
        "country_of_origin": "United States",
        "hazmat_code": "N",
        "faa_approval_code": "PMA",
        "eccn": "EAR99",
        "schedule_b_code": "7318.15.2095",
        "dim_length": 2.5,
        "dim_width": 1.0,
        "dim_height": 0.5,
        "dim_uom": "IN",
        "weight": 0.25,
        "weight_unit": "LB",
        "inventory_quantity": 12,
        "inventory_status": "in_stock",
        "locations": [{"location": "Dallas Central", "quantity": 8}, {"location": "Chicago", "quantity": 4}],
        "location_summary": "Dallas Central: 8; Chicago: 4",
        "boeing_image_url": "https://img.example/bolt.jpg",
        "boeing_thumbnail_url": "https://img.example/bolt-thumb.jpg",
        "pma": True,
        "condition": "NE",
        "cert": "FAA 8130-3",
        "status": "fetched",
        "status_reason": None,
    }


def test_row_is_json_able_with_decimal_as_str() -> None:
    text = json.dumps(row_for(), default=str)
    assert '"list_price": "25.50"' in text


def test_normalize_item_does_not_mutate_the_item() -> None:
    item = boeing_item()
    snapshot = json.dumps(item, sort_keys=True)
    normalize_item("BACB30LE3-4", item, "USD")
    assert json.dumps(item, sort_keys=True) == snapshot


# --- pass-through fields ----------------------------------------------------------


def test_pass_through_fields_as_given() -> None:
    row = row_for(
        countryOfOrigin="  Canada ", hazmatCode="UN1234", faaApprovalCode="TSO", eccn="9A991", scheduleBCode="8803.30"
    )
    assert row["country_of_origin"] == "  Canada "
    assert row["hazmat_code"] == "UN1234"
    assert row["faa_approval_code"] == "TSO"
    assert row["eccn"] == "9A991"
    assert row["schedule_b_code"] == "8803.30"


def test_pass_through_fields_null() -> None:
    row = normalize_item("X", {}, None)
    for key in (
        "country_of_origin",
        "hazmat_code",
        "faa_approval_code",
        "eccn",
        "schedule_b_code",
        "base_uom",
        "dim_uom",
        "weight_unit",
        "boeing_image_url",
        "boeing_thumbnail_url",
    ):
        assert row[key] is None, key


# --- images ----------------------------------------------------------------------------


def test_images() -> None:
    row = row_for(productImage="https://a/x.png", thumbnailImage="https://a/t.png")
    assert row["boeing_image_url"] == "https://a/x.png"
    assert row["boeing_thumbnail_url"] == "https://a/t.png"


def test_images_absent() -> None:
    row = row_for(productImage=None, thumbnailImage=None)
    assert row["boeing_image_url"] is None
    assert row["boeing_thumbnail_url"] is None


def test_domain_modules_use_stdlib_only() -> None:
    import ast
    import sys

    import boeinghub_dagster.domain.pricing as p
    import boeinghub_dagster.domain.units as u

    for module in (norm, p, u):
        tree = ast.parse(open(module.__file__, encoding="utf-8").read())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or top == "boeinghub_dagster", (module.__name__, name)
                assert not name.startswith("boeinghub_dagster.") or name.startswith("boeinghub_dagster.domain."), name
