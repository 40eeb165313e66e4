"""SPEC §5: Boeing PNA line item → staging row; §4/§12 matching of answers."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from boeinghub_dagster.domain import normalization as norm
from boeinghub_dagster.domain.normalization import (
    STAGING_FIELDS,
    NormalizedBatch,
    PartFailure,
    RejectedItem,
    map_cert,
    match_items,
    normalize_item,
    normalize_response,
    parse_price,
    parse_quantity,
)

D = Decimal


def boeing_item(**overrides: Any) -> dict:
    """A complete line item as the PNA API sends it; overrides replace fields."""
    item = {
        "aviallPartNumber": "BACB30LE3-4",
        "productCode": "BACB30LE3-4",
        "name": "BOLT",
        "description": "Hex head bolt",
        "supplierName": "Boeing Distribution",
        "listPrice": 25.5,
        "netPrice": "20.00",
        "quantity": 12,
        "inStock": True,
        "baseUOM": "EA",
        "countryOfOrigin": "United States",
        "dim": "2.5 x 1.0 x 0.5",
        "dimUOM": "IN",
        "weight": "0.25",
        "weightUOM": "LB",
        "productImage": "https://img.example/bolt.jpg",
        "thumbnailImage": "https://img.example/bolt-thumb.jpg",
        "hazmatCode": "N",
        "faaApprovalCode": "PMA",
        "eccn": "EAR99",
        "scheduleBCode": "7318.15.2095",
        "locationAvailabilities": [
            {"location": "Dallas Central", "availQuantity": 8},
            {"location": "Chicago", "availQuantity": "4"},
        ],
    }
    item.update(overrides)
    return item


def row_for(part: str = "BACB30LE3-4", currency: str | None = "USD", location_map=None, **overrides: Any) -> dict:
    return normalize_item(part, boeing_item(**overrides), currency, location_map)


def body_lines(row: dict) -> list[str]:
    return row["body_html"].split("\n")


# --- row shape ---------------------------------------------------------------


def test_staging_fields_are_the_documented_keys_in_order() -> None:
    assert STAGING_FIELDS == (
        "part_number", "sku", "title", "boeing_name", "boeing_description", "body_html",
        "supplier_name", "manufacturer", "vendor", "list_price", "net_price", "currency",
        "base_uom", "unit_of_measure", "country_of_origin", "hazmat_code", "faa_approval_code",
        "eccn", "schedule_b_code", "dim_length", "dim_width", "dim_height", "dim_uom", "weight",
        "weight_unit", "inventory_quantity", "inventory_status", "locations", "location_summary",
        "boeing_image_url", "boeing_thumbnail_url", "pma", "condition", "cert", "status",
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
        "locations": [
            {"location": "Dallas Central", "quantity": 8},
            {"location": "Chicago", "quantity": 4},
        ],
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


# --- part_number, sku, title ---------------------------------------------------


def test_part_number_is_the_asked_one_even_if_item_differs_in_case() -> None:
    row = row_for("BACB30LE3-4", aviallPartNumber="bacb30le3-4", productCode="bacb30le3-4")
    assert row["part_number"] == "BACB30LE3-4"


def test_suffixed_part_keeps_suffix_and_sku_title_drop_it() -> None:
    row = row_for("WF338109=K3")
    assert row["part_number"] == "WF338109=K3"
    assert row["sku"] == "WF338109"
    assert row["title"] == "WF338109"
    assert body_lines(row)[0] == "<p>Part No.: WF338109</p>"


def test_multiple_equals_sku_is_before_the_first() -> None:
    row = row_for("AB=C=D")
    assert row["sku"] == "AB"
    assert row["title"] == "AB"
    assert row["part_number"] == "AB=C=D"


# --- boeing_name, boeing_description -------------------------------------------


def test_name_is_used() -> None:
    assert row_for(name="WASHER")["boeing_name"] == "WASHER"


@pytest.mark.parametrize("name", [None, "", "   "])
def test_name_falls_back_to_part_number(name: Any) -> None:
    row = row_for("WF338109=K3", name=name)
    assert row["boeing_name"] == "WF338109=K3"
    assert body_lines(row)[1] == "<p>Description: WF338109=K3</p>"


def test_name_missing_key_falls_back_to_part_number() -> None:
    item = boeing_item()
    del item["name"]
    assert normalize_item("P-1", item, "USD")["boeing_name"] == "P-1"


def test_description_is_used() -> None:
    assert row_for(description="Long text")["boeing_description"] == "Long text"


@pytest.mark.parametrize("description", [None, "", "  "])
def test_description_falls_back_to_empty(description: Any) -> None:
    assert row_for(description=description)["boeing_description"] == ""


def test_description_missing_key_is_empty() -> None:
    item = boeing_item()
    del item["description"]
    assert normalize_item("P-1", item, "USD")["boeing_description"] == ""


# --- body_html -----------------------------------------------------------------


def test_body_html_has_six_lines_in_order() -> None:
    lines = body_lines(row_for(baseUOM="LBS", supplierName="ACME"))
    assert lines == [
        "<p>Part No.: BACB30LE3-4</p>",
        "<p>Description: BOLT</p>",
        "<p>Manufacturer: ACME</p>",
        "<p>Cert: FAA 8130-3</p>",
        "<p>Condition: NE</p>",
        "<p>Unit of Measure: Pound</p>",
    ]


def test_body_html_escapes_lt_amp_and_quotes() -> None:
    row = row_for(name='<b>Nut & "Bolt"</b>', supplierName="O'Brien & Sons <Inc>")
    lines = body_lines(row)
    assert lines[1] == "<p>Description: &lt;b&gt;Nut &amp; &quot;Bolt&quot;&lt;/b&gt;</p>"
    assert lines[2] == "<p>Manufacturer: O&#x27;Brien &amp; Sons &lt;Inc&gt;</p>"
    assert "<b>" not in row["body_html"]
    # the raw fields stay unescaped
    assert row["boeing_name"] == '<b>Nut & "Bolt"</b>'
    assert row["manufacturer"] == "O'Brien & Sons <Inc>"


def test_body_html_escapes_part_number() -> None:
    # part numbers cannot hold these today, but the line is escaped regardless
    row = normalize_item("A&B", {}, None)
    assert body_lines(row)[0] == "<p>Part No.: A&amp;B</p>"


def test_body_html_empty_unit_of_measure() -> None:
    lines = body_lines(row_for(baseUOM=None))
    assert lines[5] == "<p>Unit of Measure: </p>"
    assert len(lines) == 6


def test_body_html_of_bare_item_uses_fallbacks() -> None:
    row = normalize_item("X1", {}, None)
    assert body_lines(row) == [
        "<p>Part No.: X1</p>",
        "<p>Description: X1</p>",
        "<p>Manufacturer: BDI</p>",
        "<p>Cert: FAA 8130-3</p>",
        "<p>Condition: NE</p>",
        "<p>Unit of Measure: </p>",
    ]


# --- supplier_name, manufacturer, vendor ---------------------------------------


def test_supplier_is_supplier_and_manufacturer() -> None:
    row = row_for(supplierName="ACME Aero")
    assert row["supplier_name"] == "ACME Aero"
    assert row["manufacturer"] == "ACME Aero"
    assert row["vendor"] == "BDI"


@pytest.mark.parametrize("supplier", [None, "", "  "])
def test_supplier_falls_back_to_bdi(supplier: Any) -> None:
    row = row_for(supplierName=supplier)
    assert row["supplier_name"] == "BDI"
    assert row["manufacturer"] == "BDI"
    assert row["vendor"] == "BDI"


def test_supplier_missing_key_falls_back_to_bdi() -> None:
    row = normalize_item("X", {"listPrice": 1}, None)
    assert (row["supplier_name"], row["manufacturer"], row["vendor"]) == ("BDI", "BDI", "BDI")


# --- prices --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (25.5, D("25.50")),
        (25, D("25.00")),
        ("25.50", D("25.50")),
        (" 25.50 ", D("25.50")),
        ("25", D("25.00")),
        (D("7.1"), D("7.10")),
        (0.1, D("0.10")),
        ("1e2", D("100.00")),
        ("25.555", D("25.56")),  # half-up to cents
        ("25.554", D("25.55")),
        ("-5", D("-5.00")),
        (-5.0, D("-5.00")),
    ],
)
def test_parse_price_values(value: Any, expected: Decimal) -> None:
    price = parse_price(value)
    assert price == expected
    assert isinstance(price, Decimal)
    assert price.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "value",
    [None, "", "  ", "abc", "25,50", "$25", 0, 0.0, "0", "0.00", "-0", "0.004", "NaN", "inf",
     float("nan"), float("inf"), True, False, [], {}],
)
def test_parse_price_absent(value: Any) -> None:
    assert parse_price(value) is None


def test_prices_as_numbers() -> None:
    row = row_for(listPrice=10, netPrice=9.5)
    assert row["list_price"] == D("10.00")
    assert row["net_price"] == D("9.50")


def test_prices_as_strings() -> None:
    row = row_for(listPrice="10.00", netPrice="9.5")
    assert row["list_price"] == D("10.00")
    assert row["net_price"] == D("9.50")


@pytest.mark.parametrize("value", [None, "abc", 0, "0.00", "0"])
def test_absent_list_price_is_none(value: Any) -> None:
    row = row_for(listPrice=value)
    assert row["list_price"] is None
    assert row["net_price"] == D("20.00")
    assert row["status"] == "fetched"  # the net price is a base price


@pytest.mark.parametrize("value", [None, "abc", 0, "0.00"])
def test_absent_net_price_is_none(value: Any) -> None:
    row = row_for(netPrice=value)
    assert row["net_price"] is None
    assert row["list_price"] == D("25.50")


def test_negative_list_price_is_rejected() -> None:
    with pytest.raises(RejectedItem) as info:
        row_for(listPrice=-5)
    assert str(info.value) == "negative list_price -5.00"
    assert info.value.reason == "negative list_price -5.00"


def test_negative_list_price_string_is_rejected() -> None:
    with pytest.raises(RejectedItem, match=r"^negative list_price -5\.00$"):
        row_for(listPrice="-5.00")


def test_negative_net_price_is_rejected() -> None:
    with pytest.raises(RejectedItem, match=r"^negative net_price -3\.25$"):
        row_for(netPrice="-3.25")


def test_negative_net_price_rejected_even_with_good_list_price() -> None:
    with pytest.raises(RejectedItem):
        row_for(listPrice="10.00", netPrice=-1)


def test_rejected_item_is_a_value_error() -> None:
    assert issubclass(RejectedItem, ValueError)


# --- currency ------------------------------------------------------------------


def test_currency_from_response() -> None:
    assert row_for(currency="EUR")["currency"] == "EUR"


@pytest.mark.parametrize("currency", [None, "", "  "])
def test_currency_defaults_to_usd(currency: Any) -> None:
    assert row_for(currency=currency)["currency"] == "USD"


# --- base_uom, unit_of_measure -------------------------------------------------

UOM_TABLE = [
    ("EA", "EA"), ("EACH", "EA"), ("PC", "EA"), ("PCS", "EA"), ("PIECE", "EA"), ("PIECES", "EA"),
    ("UNIT", "EA"), ("UNITS", "EA"),
    ("IN", "Inches"), ("INCH", "Inches"), ("INCHES", "Inches"),
    ("LB", "Pound"), ("LBS", "Pound"), ("POUND", "Pound"), ("POUNDS", "Pound"),
    ("PK", "Pack (1PK = 25EA)"), ("PACK", "Pack (1PK = 25EA)"),
]


@pytest.mark.parametrize(("uom", "expected"), UOM_TABLE)
def test_uom_table(uom: str, expected: str) -> None:
    row = row_for(baseUOM=uom)
    assert row["unit_of_measure"] == expected
    assert row["base_uom"] == uom
    assert body_lines(row)[5] == f"<p>Unit of Measure: {expected}</p>"


@pytest.mark.parametrize(("uom", "expected"), UOM_TABLE)
def test_uom_table_lower_case_and_padded(uom: str, expected: str) -> None:
    raw = f"  {uom.lower()} "
    row = row_for(baseUOM=raw)
    assert row["unit_of_measure"] == expected
    assert row["base_uom"] == raw  # as given


@pytest.mark.parametrize("uom", ["KG", "FT", "BOX", "E A", "", "EACHES", 5])
def test_unknown_uom_is_empty(uom: Any) -> None:
    row = row_for(baseUOM=uom)
    assert row["unit_of_measure"] == ""
    assert row["base_uom"] == uom


def test_null_uom() -> None:
    row = row_for(baseUOM=None)
    assert row["unit_of_measure"] == ""
    assert row["base_uom"] is None


# --- pass-through fields ----------------------------------------------------------


def test_pass_through_fields_as_given() -> None:
    row = row_for(
        countryOfOrigin="  Canada ",
        hazmatCode="UN1234",
        faaApprovalCode="TSO",
        eccn="9A991",
        scheduleBCode="8803.30",
    )
    assert row["country_of_origin"] == "  Canada "
    assert row["hazmat_code"] == "UN1234"
    assert row["faa_approval_code"] == "TSO"
    assert row["eccn"] == "9A991"
    assert row["schedule_b_code"] == "8803.30"


def test_pass_through_fields_null() -> None:
    row = normalize_item("X", {}, None)
    for key in ("country_of_origin", "hazmat_code", "faa_approval_code", "eccn",
                "schedule_b_code", "base_uom", "dim_uom", "weight_unit",
                "boeing_image_url", "boeing_thumbnail_url"):
        assert row[key] is None, key


# --- dimensions ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("dim", "expected"),
    [
        ("2.5 x 1.0 x 0.5", (2.5, 1.0, 0.5)),
        ("2.5 X 1.0 X 0.5", (2.5, 1.0, 0.5)),
        ("2.5x1x0.5", (2.5, 1.0, 0.5)),
        ("  3 x 4 x 5  ", (3.0, 4.0, 5.0)),
        ("10 x 0 x 0.25", (10.0, 0.0, 0.25)),
    ],
)
def test_dims_good(dim: str, expected: tuple) -> None:
    row = row_for(dim=dim)
    assert (row["dim_length"], row["dim_width"], row["dim_height"]) == expected
    assert all(isinstance(row[k], float) for k in ("dim_length", "dim_width", "dim_height"))


@pytest.mark.parametrize(
    "dim",
    [
        "2.5 x 1.0",  # two numbers
        "2.5",
        "2.5 x 1.0 x 0.5 x 4",  # four
        "2.5 x abc x 0.5",  # junk
        "big x 1 x 2",
        "2.5 x  x 0.5",  # empty part
        "2.5 by 1.0 by 0.5",
        "2.5 * 1.0 * 0.5",
        "nan x 1 x 2",
        "",
        None,
        12,
        ["2.5", "1", "0.5"],
    ],
)
def test_dims_bad_are_all_none(dim: Any) -> None:
    row = row_for(dim=dim)
    assert (row["dim_length"], row["dim_width"], row["dim_height"]) == (None, None, None)


def test_dim_uom_as_given() -> None:
    assert row_for(dimUOM="CM")["dim_uom"] == "CM"
    assert row_for(dimUOM=None)["dim_uom"] is None


# --- weight ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weight", "expected"),
    [("0.25", 0.25), (" 1.5 ", 1.5), (2, 2.0), (0.75, 0.75), ("0", 0.0)],
)
def test_weight_parsed(weight: Any, expected: float) -> None:
    row = row_for(weight=weight)
    assert row["weight"] == expected
    assert isinstance(row["weight"], float)


@pytest.mark.parametrize("weight", [None, "", "heavy", "1.5 lb", "inf", True])
def test_weight_absent(weight: Any) -> None:
    assert row_for(weight=weight)["weight"] is None


def test_weight_unit_as_given() -> None:
    assert row_for(weightUOM="KG")["weight_unit"] == "KG"
    assert row_for(weightUOM=None)["weight_unit"] is None


# --- quantities --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12, 12), ("12", 12), (" 12 ", 12), (12.0, 12), ("12.0", 12), (0, 0), ("0", 0), (-3, -3),
     (D("7"), 7)],
)
def test_parse_quantity(value: Any, expected: int) -> None:
    quantity = parse_quantity(value)
    assert quantity == expected
    assert type(quantity) is int


@pytest.mark.parametrize("value", [None, "", "abc", "12 pcs", "1.5", 2.5, "nan", float("inf"), True, []])
def test_parse_quantity_absent(value: Any) -> None:
    assert parse_quantity(value) is None


def test_quantity_above_zero_wins_over_locations() -> None:
    row = row_for(quantity=3)  # the fixture's locations sum to 12
    assert row["inventory_quantity"] == 3
    assert [loc["quantity"] for loc in row["locations"]] == [8, 4]


def test_quantity_string_above_zero() -> None:
    assert row_for(quantity="7")["inventory_quantity"] == 7


def test_quantity_zero_sums_locations() -> None:
    assert row_for(quantity=0)["inventory_quantity"] == 12


def test_quantity_null_sums_locations() -> None:
    assert row_for(quantity=None)["inventory_quantity"] == 12


def test_quantity_unparseable_sums_locations() -> None:
    assert row_for(quantity="lots")["inventory_quantity"] == 12


def test_quantity_negative_sums_locations() -> None:
    assert row_for(quantity=-4)["inventory_quantity"] == 12


def test_location_sum_counts_unparseable_as_zero() -> None:
    row = row_for(
        quantity=None,
        locationAvailabilities=[
            {"location": "A", "availQuantity": "5"},
            {"location": "B", "availQuantity": "many"},
            {"location": "C", "availQuantity": None},
            {"location": "D", "availQuantity": 2.0},
        ],
    )
    assert row["inventory_quantity"] == 7
    assert [loc["quantity"] for loc in row["locations"]] == [5, 0, 0, 2]


def test_no_locations_and_no_quantity_is_zero() -> None:
    for locations in (None, []):
        row = row_for(quantity=None, locationAvailabilities=locations)
        assert row["inventory_quantity"] == 0


def test_quantity_zero_and_no_locations_is_zero() -> None:
    item = boeing_item(quantity=0)
    del item["locationAvailabilities"]
    assert normalize_item("P", item, None)["inventory_quantity"] == 0


# --- inventory_status ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("in_stock", "quantity", "locations", "expected"),
    [
        (True, 5, [], "in_stock"),
        (True, 0, [], "in_stock"),  # Boeing says in stock, no count
        (None, 5, [], "in_stock"),  # count > 0
        (False, 5, [], "in_stock"),  # count > 0 wins
        (None, 0, [{"location": "A", "availQuantity": 1}], "in_stock"),  # summed count > 0
        (False, 0, [], "out_of_stock"),
        (False, None, None, "out_of_stock"),
        (None, 0, [], None),
        (None, None, None, None),
        ("true", 0, [], None),  # only a real boolean counts
        ("false", 0, [], None),
    ],
)
def test_inventory_status(in_stock: Any, quantity: Any, locations: Any, expected: str | None) -> None:
    row = row_for(inStock=in_stock, quantity=quantity, locationAvailabilities=locations)
    assert row["inventory_status"] == expected


# --- locations ----------------------------------------------------------------------


def test_locations_and_summary_in_answer_order() -> None:
    row = row_for(
        locationAvailabilities=[
            {"location": "Zurich", "availQuantity": 1},
            {"location": "Atlanta", "availQuantity": "0"},
            {"location": "Dallas Central", "availQuantity": 12},
        ]
    )
    assert row["locations"] == [
        {"location": "Zurich", "quantity": 1},
        {"location": "Atlanta", "quantity": 0},
        {"location": "Dallas Central", "quantity": 12},
    ]
    assert row["location_summary"] == "Zurich: 1; Atlanta: 0; Dallas Central: 12"


def test_single_location_summary_has_no_separator() -> None:
    row = row_for(locationAvailabilities=[{"location": "Dallas Central", "availQuantity": 12}])
    assert row["location_summary"] == "Dallas Central: 12"


@pytest.mark.parametrize("locations", [None, [], "Dallas", {"location": "A"}])
def test_no_locations(locations: Any) -> None:
    row = row_for(locationAvailabilities=locations)
    assert row["locations"] == []
    assert row["location_summary"] == ""


def test_location_quantity_types_are_int() -> None:
    row = row_for(locationAvailabilities=[{"location": "A", "availQuantity": "3"}])
    assert type(row["locations"][0]["quantity"]) is int


def test_locations_skip_entries_without_a_name_or_not_objects() -> None:
    row = row_for(
        quantity=None,
        locationAvailabilities=[
            "junk",
            {"availQuantity": 5},
            {"location": "", "availQuantity": 5},
            {"location": "A", "availQuantity": 1},
        ],
    )
    assert row["locations"] == [{"location": "A", "quantity": 1}]
    assert row["inventory_quantity"] == 1


def test_negative_location_quantity_counts_zero() -> None:
    row = row_for(quantity=None, locationAvailabilities=[
        {"location": "A", "availQuantity": -5}, {"location": "B", "availQuantity": 2}])
    assert row["locations"] == [{"location": "A", "quantity": 0}, {"location": "B", "quantity": 2}]
    assert row["inventory_quantity"] == 2


def test_locations_list_is_a_fresh_copy() -> None:
    item = boeing_item()
    row = normalize_item("P", item, None)
    row["locations"][0]["quantity"] = 999
    assert item["locationAvailabilities"][0]["availQuantity"] == 8


# --- images ----------------------------------------------------------------------------


def test_images() -> None:
    row = row_for(productImage="https://a/x.png", thumbnailImage="https://a/t.png")
    assert row["boeing_image_url"] == "https://a/x.png"
    assert row["boeing_thumbnail_url"] == "https://a/t.png"


def test_images_absent() -> None:
    row = row_for(productImage=None, thumbnailImage=None)
    assert row["boeing_image_url"] is None
    assert row["boeing_thumbnail_url"] is None


# --- pma -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "pma"),
    [("PMA", True), ("pma", True), (" Pma ", True), ("TSO", False), ("PMA2", False),
     ("NOT PMA", False), ("", False), (None, False)],
)
def test_pma(code: Any, pma: bool) -> None:
    row = row_for(faaApprovalCode=code)
    assert row["pma"] is pma
    assert row["faa_approval_code"] == code


# --- condition, cert ----------------------------------------------------------------


def test_condition_and_default_cert() -> None:
    row = row_for()
    assert row["condition"] == "NE"
    assert row["cert"] == "FAA 8130-3"
    assert body_lines(row)[3] == "<p>Cert: FAA 8130-3</p>"
    assert body_lines(row)[4] == "<p>Condition: NE</p>"


def test_an_unexpected_cert_field_is_ignored_today() -> None:
    assert row_for(cert="EASA Form 1")["cert"] == "FAA 8130-3"


@pytest.mark.parametrize(
    ("text", "cert"),
    [
        ("8130-3", "FAA 8130-3"),
        ("Form 8130", "FAA 8130-3"),
        ("FAA", "FAA 8130-3"),
        ("faa tag", "FAA 8130-3"),
        ("EASA", "EASA Form 1"),
        ("easa form one", "EASA Form 1"),
        ("OEM", "OEM Cert"),
        ("oem certificate", "OEM Cert"),
        ("Canada", "Transport Canada Form 1"),
        ("TRANSPORT", "Transport Canada Form 1"),
        ("transport canada form 1", "Transport Canada Form 1"),
        ("COC", "C of C"),
        ("coc", "C of C"),
        ("C OF C", "C of C"),
        ("c of c", "C of C"),
        ("Certificate of Conformity C of C", "C of C"),
        ("CAA", "CAA UK"),
        ("uk caa", "CAA UK"),
        ("FAA/EASA dual", "FAA 8130-3"),  # first rule in SPEC order wins
        ("EASA + OEM", "EASA Form 1"),
        ("OEM COC", "OEM Cert"),
    ],
)
def test_map_cert(text: str, cert: str) -> None:
    assert map_cert(text) == cert


@pytest.mark.parametrize("text", [None, "", "   ", "unknown", "none", "JAA"])
def test_map_cert_default(text: Any) -> None:
    assert map_cert(text) == "FAA 8130-3"


# --- status ------------------------------------------------------------------------------


def test_status_fetched() -> None:
    row = row_for()
    assert row["status"] == "fetched"
    assert row["status_reason"] is None


def test_status_fetched_with_only_net_price() -> None:
    row = row_for(listPrice=None, netPrice="3.00")
    assert row["status"] == "fetched"


def test_status_fetched_with_only_list_price() -> None:
    row = row_for(listPrice="3.00", netPrice=None)
    assert row["status"] == "fetched"


@pytest.mark.parametrize(("list_price", "net_price"), [(None, None), (0, "0.00"), ("abc", None)])
def test_status_blocked_no_price(list_price: Any, net_price: Any) -> None:
    row = row_for(listPrice=list_price, netPrice=net_price)
    assert row["status"] == "blocked"
    assert row["status_reason"] == "no price from Boeing"


def test_status_no_price_is_checked_before_stock() -> None:
    row = row_for(listPrice=None, netPrice=None, quantity=0, locationAvailabilities=[])
    assert row["status_reason"] == "no price from Boeing"


def test_status_blocked_out_of_stock() -> None:
    row = row_for(quantity=0, locationAvailabilities=[{"location": "A", "availQuantity": 0}])
    assert row["status"] == "blocked"
    assert row["status_reason"] == "out of stock"


def test_status_out_of_stock_even_if_in_stock_flag_true() -> None:
    row = row_for(inStock=True, quantity=0, locationAvailabilities=[])
    assert row["inventory_status"] == "in_stock"
    assert row["status_reason"] == "out of stock"


def test_status_out_of_stock_is_checked_before_mapped_location() -> None:
    row = row_for(quantity=0, locationAvailabilities=[], location_map={"Dallas Central": "gid://1"})
    assert row["status_reason"] == "out of stock"


def test_status_fetched_with_stock_at_a_mapped_location() -> None:
    row = row_for(location_map={"Chicago": "gid://shopify/Location/2"})
    assert row["status"] == "fetched"
    assert row["status_reason"] is None


def test_status_blocked_no_stock_at_a_mapped_location() -> None:
    row = row_for(location_map={"Miami": "gid://shopify/Location/9"})
    assert row["status"] == "blocked"
    assert row["status_reason"] == "no stock at a mapped location"


def test_status_mapped_location_with_zero_stock_is_blocked() -> None:
    row = row_for(
        quantity=10,
        locationAvailabilities=[
            {"location": "Dallas Central", "availQuantity": 0},
            {"location": "Chicago", "availQuantity": 10},
        ],
        location_map={"Dallas Central": "gid://shopify/Location/1"},
    )
    assert row["status_reason"] == "no stock at a mapped location"


def test_status_top_level_quantity_without_locations_and_a_map_is_blocked() -> None:
    row = row_for(quantity=10, locationAvailabilities=[], location_map={"Dallas Central": "gid://1"})
    assert row["inventory_quantity"] == 10
    assert row["status_reason"] == "no stock at a mapped location"


def test_status_mapped_location_match_is_exact() -> None:
    row = row_for(location_map={"dallas central": "gid://1"})
    assert row["status_reason"] == "no stock at a mapped location"


@pytest.mark.parametrize("location_map", [None, {}])
def test_status_no_location_map_means_any_stock(location_map: Any) -> None:
    row = row_for(
        locationAvailabilities=[{"location": "Nowhere", "availQuantity": 3}],
        quantity=None,
        location_map=location_map,
    )
    assert row["status"] == "fetched"


def test_status_several_boeing_locations_mapped_to_one_shop_location() -> None:
    row = row_for(location_map={"Dallas Central": "gid://1", "Chicago": "gid://1"})
    assert row["status"] == "fetched"


# --- match_items ----------------------------------------------------------------------------


def test_match_by_aviall_part_number() -> None:
    item = {"aviallPartNumber": "ABC-1", "productCode": "ZZZ"}
    assert match_items(["ABC-1"], [item]) == {"ABC-1": item}


def test_match_by_product_code() -> None:
    item = {"aviallPartNumber": "ZZZ", "productCode": "ABC-1"}
    assert match_items(["ABC-1"], [item]) == {"ABC-1": item}


def test_match_by_product_code_in_other_case() -> None:
    item = {"aviallPartNumber": None, "productCode": "abc-1"}
    assert match_items(["ABC-1"], [item]) == {"ABC-1": item}


def test_match_by_aviall_part_number_in_other_case_and_spaces() -> None:
    item = {"aviallPartNumber": "  wf338109=k3 "}
    assert match_items(["WF338109=K3"], [item]) == {"WF338109=K3": item}


def test_match_ignores_items_not_asked() -> None:
    asked_item = {"aviallPartNumber": "A"}
    other = {"aviallPartNumber": "B", "productCode": "B"}
    assert match_items(["A"], [other, asked_item]) == {"A": asked_item}


def test_match_first_item_wins() -> None:
    first = {"productCode": "A", "name": "first"}
    second = {"aviallPartNumber": "A", "name": "second"}
    assert match_items(["A"], [first, second])["A"] is first


def test_match_missing_part_is_absent() -> None:
    assert match_items(["A", "B"], [{"productCode": "A"}]).keys() == {"A"}


def test_match_suffix_must_match_whole() -> None:
    assert match_items(["WF338109=K3"], [{"aviallPartNumber": "WF338109"}]) == {}
    assert match_items(["WF338109"], [{"aviallPartNumber": "WF338109=K3"}]) == {}


def test_match_one_item_for_two_asked_parts() -> None:
    item = {"aviallPartNumber": "A", "productCode": "B"}
    assert match_items(["A", "B"], [item]) == {"A": item, "B": item}


def test_match_skips_non_object_items_and_missing_codes() -> None:
    good = {"productCode": "A"}
    assert match_items(["A"], ["A", None, {}, {"aviallPartNumber": None}, good]) == {"A": good}


def test_match_nothing() -> None:
    assert match_items([], [{"productCode": "A"}]) == {}
    assert match_items(["A"], []) == {}


# --- normalize_response ---------------------------------------------------------------------


def test_response_rows_and_failures_in_asked_order() -> None:
    payload = {
        "currency": "USD",
        "lineItems": [
            boeing_item(aviallPartNumber="B", productCode="B"),
            boeing_item(aviallPartNumber="XX-NOT-ASKED", productCode="XX-NOT-ASKED"),
            boeing_item(aviallPartNumber="A", productCode="A"),
        ],
    }
    batch = normalize_response(["A", "MISSING", "B"], payload)
    assert isinstance(batch, NormalizedBatch)
    assert [row["part_number"] for row in batch.rows] == ["A", "B"]
    assert batch.failures == [PartFailure("MISSING", "not returned by Boeing")]


def test_response_matches_product_code_in_other_case() -> None:
    payload = {"lineItems": [boeing_item(aviallPartNumber=None, productCode="bacb30le3-4")]}
    batch = normalize_response(["BACB30LE3-4"], payload)
    assert [row["part_number"] for row in batch.rows] == ["BACB30LE3-4"]
    assert batch.failures == []


def test_response_currency_passed_to_rows() -> None:
    batch = normalize_response(["A"], {"currency": "CAD", "lineItems": [{"productCode": "A"}]})
    assert batch.rows[0]["currency"] == "CAD"


def test_response_currency_default() -> None:
    batch = normalize_response(["A"], {"lineItems": [{"productCode": "A"}]})
    assert batch.rows[0]["currency"] == "USD"


def test_response_suffixed_part() -> None:
    payload = {"lineItems": [boeing_item(aviallPartNumber="WF338109=K3", productCode="WF338109=K3")]}
    batch = normalize_response(["WF338109=K3"], payload)
    row = batch.rows[0]
    assert (row["part_number"], row["sku"], row["title"]) == ("WF338109=K3", "WF338109", "WF338109")


def test_response_rejected_item_becomes_failure() -> None:
    payload = {
        "lineItems": [
            boeing_item(aviallPartNumber="A", productCode="A", listPrice="-5"),
            boeing_item(aviallPartNumber="B", productCode="B"),
        ]
    }
    batch = normalize_response(["A", "B"], payload)
    assert [row["part_number"] for row in batch.rows] == ["B"]
    assert batch.failures == [PartFailure("A", "negative list_price -5.00")]


def test_response_blocked_rows_are_rows_not_failures() -> None:
    payload = {"lineItems": [boeing_item(aviallPartNumber="A", productCode="A", listPrice=None, netPrice=None)]}
    batch = normalize_response(["A"], payload)
    assert batch.failures == []
    assert batch.rows[0]["status"] == "blocked"
    assert batch.rows[0]["status_reason"] == "no price from Boeing"


def test_response_location_map_applies() -> None:
    payload = {"lineItems": [boeing_item(aviallPartNumber="A", productCode="A")]}
    batch = normalize_response(["A"], payload, location_map={"Elsewhere": "gid://1"})
    assert batch.rows[0]["status_reason"] == "no stock at a mapped location"
    batch = normalize_response(["A"], payload, location_map={"Chicago": "gid://1"})
    assert batch.rows[0]["status"] == "fetched"


@pytest.mark.parametrize("payload", [{"currency": "USD", "lineItems": None}, {"currency": "USD"}, {}])
def test_response_line_items_null_or_missing(payload: dict) -> None:
    batch = normalize_response(["A", "B"], payload)
    assert batch.rows == []
    assert batch.failures == [
        PartFailure("A", "not returned by Boeing"),
        PartFailure("B", "not returned by Boeing"),
    ]


def test_response_empty_line_items() -> None:
    batch = normalize_response(["A"], {"lineItems": []})
    assert batch.failures == [PartFailure("A", "not returned by Boeing")]


@pytest.mark.parametrize("payload", [None, [], "oops", 42, [{"productCode": "A"}]])
def test_response_malformed_payload(payload: Any) -> None:
    with pytest.raises(ValueError, match="^malformed Boeing answer: "):
        normalize_response(["A"], payload)


@pytest.mark.parametrize("line_items", ["oops", {"productCode": "A"}, 5])
def test_response_malformed_line_items(line_items: Any) -> None:
    with pytest.raises(ValueError, match="^malformed Boeing answer: "):
        normalize_response(["A"], {"lineItems": line_items})


def test_response_duplicates_in_asked_give_one_row() -> None:
    payload = {"lineItems": [{"productCode": "A"}]}
    batch = normalize_response(["A", "A", "B", "B"], payload)
    assert [row["part_number"] for row in batch.rows] == ["A"]
    assert batch.failures == [PartFailure("B", "not returned by Boeing")]


def test_response_nothing_asked() -> None:
    batch = normalize_response([], {"lineItems": [{"productCode": "A"}]})
    assert batch == NormalizedBatch(rows=[], failures=[])


def test_part_failure_and_batch_are_frozen() -> None:
    failure = PartFailure("A", "x")
    with pytest.raises(AttributeError):
        failure.reason = "y"  # type: ignore[misc]
    batch = NormalizedBatch(rows=[], failures=[])
    with pytest.raises(AttributeError):
        batch.rows = []  # type: ignore[misc]


def test_constants_match_spec_texts() -> None:
    assert norm.NOT_RETURNED == "not returned by Boeing"
    assert norm.REASON_NO_PRICE == "no price from Boeing"
    assert norm.REASON_OUT_OF_STOCK == "out of stock"
    assert norm.REASON_NO_MAPPED_STOCK == "no stock at a mapped location"


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
