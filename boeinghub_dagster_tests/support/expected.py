"""What the sandbox catalogue says a staging run must produce, derived from the catalogue alone."""

from decimal import Decimal

from boeinghub_dagster.sandbox.catalogue import current_hour, item_for


def _price(value):
    if value in (None, ""):
        return None
    d = Decimal(str(value))
    return None if d == 0 else d


def expected_staging(parts: list[str], hour: int | None = None) -> dict[str, str]:
    """part -> expected staging status ('fetched'/'blocked'), for parts that should be staged."""
    hour = current_hour() if hour is None else hour
    out = {}
    for part in parts:
        item = item_for(part, hour)
        if item is None:
            continue
        prices = [_price(item["listPrice"]), _price(item["netPrice"])]
        if any(p is not None and p < 0 for p in prices):
            continue  # rejected: negative price
        qty = sum(int(loc["availQuantity"]) for loc in item["locationAvailabilities"])
        qty = int(item["quantity"]) if item["quantity"] not in (None, "") and int(item["quantity"]) > 0 else qty
        out[part] = "fetched" if any(p is not None for p in prices) and qty > 0 else "blocked"
    return out


def part_list(n: int, prefix: str = "BACB30LH") -> list[str]:
    """n realistic part numbers, with a few the catalogue treats specially."""
    special = ["UNKNOWN-77", "NOPRICE-5", "NOSTOCK-3", "NEGPRICE-1", "WF338109=K3"]
    parts = [f"{prefix}{i}-{i % 7 + 2}" for i in range(n - len(special))]
    return (parts + special)[:n]
