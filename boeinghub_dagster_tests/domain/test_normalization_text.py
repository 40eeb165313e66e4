"""docs/behaviour.md §5: text fields of the staging row: part number/sku/title, name, description,
body_html, supplier, currency, pma, condition and cert.
"""

from __future__ import annotations

from typing import Any

import pytest

from boeinghub_dagster.domain.normalization import map_cert, normalize_item
from boeinghub_dagster_tests.domain.normalization_support import body_lines, boeing_item, row_for

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


# --- currency ------------------------------------------------------------------


def test_currency_from_response() -> None:
    assert row_for(currency="EUR")["currency"] == "EUR"


@pytest.mark.parametrize("currency", [None, "", "  "])
def test_currency_defaults_to_usd(currency: Any) -> None:
    assert row_for(currency=currency)["currency"] == "USD"


# --- pma -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "pma"),
    [
        ("PMA", True),
        ("pma", True),
        (" Pma ", True),
        ("TSO", False),
        ("PMA2", False),
        ("NOT PMA", False),
        ("", False),
        (None, False),
    ],
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
        ("FAA/EASA dual", "FAA 8130-3"),  # first rule in docs/behaviour.md §5 order wins
        ("EASA + OEM", "EASA Form 1"),
        ("OEM COC", "OEM Cert"),
    ],
)
def test_map_cert(text: str, cert: str) -> None:
    assert map_cert(text) == cert


@pytest.mark.parametrize("text", [None, "", "   ", "unknown", "none", "JAA"])
def test_map_cert_default(text: Any) -> None:
    assert map_cert(text) == "FAA 8130-3"
