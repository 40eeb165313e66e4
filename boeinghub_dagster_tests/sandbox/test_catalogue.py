"""The sandbox catalogue is deterministic, drifts per hour, and shows the real API's quirks."""

from __future__ import annotations

from boeinghub_dagster.sandbox.catalogue import LOCATIONS, current_hour, is_known, item_for, known_parts, line_items

HOUR = 480_000
PARTS = [f"BAC{i:05d}-{i % 7}" for i in range(2_000)]
FIELDS = {
    "aviallPartNumber",
    "productCode",
    "name",
    "description",
    "supplierName",
    "listPrice",
    "netPrice",
    "quantity",
    "inStock",
    "baseUOM",
    "countryOfOrigin",
    "dim",
    "dimUOM",
    "weight",
    "weightUOM",
    "productImage",
    "thumbnailImage",
    "hazmatCode",
    "faaApprovalCode",
    "eccn",
    "scheduleBCode",
    "locationAvailabilities",
}


def _items(hour: int = HOUR) -> list[dict]:
    return [i for i in (item_for(p, hour) for p in PARTS) if i is not None]


def test_same_part_and_hour_give_identical_items():
    assert [item_for(p, HOUR) for p in PARTS[:200]] == [item_for(p, HOUR) for p in PARTS[:200]]
    assert item_for("abc-123", HOUR) == item_for("ABC-123", HOUR)


def test_a_later_hour_drifts_some_prices_and_stock_but_not_identity():
    now, later = _items(HOUR), _items(HOUR + 1)
    assert [i["aviallPartNumber"] for i in now] == [i["aviallPartNumber"] for i in later]
    changed = sum(a != b for a, b in zip(now, later, strict=False))
    assert changed > len(now) // 2
    for a, b in zip(now, later, strict=False):
        assert a["name"] == b["name"] and a["productCode"] == b["productCode"]
        if isinstance(a["listPrice"], (int, float)) and isinstance(b["listPrice"], (int, float)):
            assert abs(a["listPrice"] - b["listPrice"]) <= 0.07 * a["listPrice"] + 0.01


def test_about_five_percent_are_unknown_and_stable_across_hours():
    unknown = [p for p in PARTS if item_for(p, HOUR) is None]
    assert 0.02 <= len(unknown) / len(PARTS) <= 0.09
    assert all(item_for(p, HOUR + 5) is None for p in unknown)
    assert len(known_parts(PARTS)) == len(PARTS) - len(unknown)
    assert item_for("UNKNOWN-42", HOUR) is None and not is_known("unknown-1")


def test_special_prefixes():
    assert item_for("NOPRICE-1", HOUR)["listPrice"] is None and item_for("NOPRICE-1", HOUR)["netPrice"] is None
    no_stock = item_for("NOSTOCK-1", HOUR)
    assert no_stock["quantity"] == 0 and no_stock["inStock"] is False
    assert all(loc["availQuantity"] == 0 for loc in no_stock["locationAvailabilities"])
    assert float(item_for("NEGPRICE-1", HOUR)["listPrice"]) < 0


def test_every_item_has_every_field_and_sane_values():
    for item in _items():
        assert set(item) == FIELDS
        assert item["aviallPartNumber"].upper() == item["productCode"].upper()
        locs = item["locationAvailabilities"]
        assert 1 <= len(locs) <= 3 and all(loc["location"] in LOCATIONS and loc["availQuantity"] >= 0 for loc in locs)
        total = sum(loc["availQuantity"] for loc in locs)
        assert item["quantity"] in (None, 0, total)
        assert item["inStock"] in (None, total > 0)
        lp, np_ = item["listPrice"], item["netPrice"]
        if lp is not None:
            assert 5 <= float(lp) <= 5000 and np_ is not None and float(np_) <= float(lp)
        if np_ is not None:
            assert 5 <= float(np_) <= 5000


def test_the_quirks_consumers_must_survive_all_occur():
    items = _items()
    kinds = {type(i["listPrice"]) for i in items}
    assert str in kinds and float in kinds and type(None) in kinds
    assert any(i["listPrice"] is None and i["netPrice"] is not None for i in items)
    assert any(i["productCode"] != i["aviallPartNumber"] for i in items)
    assert any(
        i["quantity"] in (None, 0) and sum(x["availQuantity"] for x in i["locationAvailabilities"]) > 0 for i in items
    )
    assert any(i["inStock"] is None for i in items)
    assert any(all(x["availQuantity"] == 0 for x in i["locationAvailabilities"]) for i in items)
    dims = [i["dim"] for i in items]
    assert None in dims and any(d and len(d.lower().split("x")) == 2 for d in dims)
    assert {"EA", "EACH", "PC", "IN", "LB", "PK", "BX", None} == {i["baseUOM"] for i in items}


def test_line_items_dedupe_ignoring_case_and_keep_order():
    items = line_items(["abc-123", "UNKNOWN-1", "WF338109=K3", "ABC-123"], HOUR)
    assert [i["aviallPartNumber"] for i in items] == ["ABC-123", "WF338109=K3"]


def test_current_hour_is_the_epoch_hour():
    import time

    assert abs(current_hour() - time.time() / 3600) < 1
