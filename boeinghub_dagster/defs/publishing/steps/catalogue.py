"""`catalogue_overview`'s figures and Markdown (issue 15 item 6): what the original hub's product lists showed.

Pure rendering of `resources/store/catalogue.py`'s rows: counts by stage and status, the
newest products and price changes, the price and stock distributions of the live products as
one SVG (`domain/charts.py`), and the parts waiting on a person.
"""

from __future__ import annotations

from boeinghub_dagster.domain.charts import bin_labels, bins, data_uri, histogram
from boeinghub_dagster.domain.lookup import money, when
from boeinghub_dagster.domain.reporting import markdown_table

PRICE_EDGES = (10, 50, 100, 500, 1000, 5000)
STOCK_EDGES = (1, 6, 21, 51, 101, 501)


def status_rows(c: dict) -> list[dict]:
    """One row per stage and status, in pipeline order."""
    rows = [{"stage": "staging", "status": s, "parts": n} for s, n in sorted(c["staged"].items())]
    rows.append({"stage": "extraction", "status": "not returned by Boeing", "parts": c["not_returned_by_boeing"]})
    rows += [{"stage": "shopify", "status": s, "parts": n} for s, n in sorted(c["products"].items())]
    rows += [
        {"stage": "publishing", "status": "price held", "parts": c["held"]},
        {"stage": "publishing", "status": "deferred", "parts": c["deferred"]},
        {"stage": "publishing", "status": "failed", "parts": c["failed_publishing"]},
        {"stage": "publishing", "status": "price override in force", "parts": c["overrides"]},
    ]
    rows += [{"stage": "sync", "status": s, "parts": n} for s, n in sorted(c["sync"].items())]
    rows.append({"stage": "sync", "status": "inactive", "parts": c["inactive"]})
    return rows


def distribution_svg(prices_and_stock: list[tuple]) -> str:
    prices = [p for p, _ in prices_and_stock if p is not None]
    stock = [q for _, q in prices_and_stock if q is not None]
    price_chart = histogram(
        "Shop prices of live products (USD)", bin_labels(PRICE_EDGES, "$"), bins(prices, PRICE_EDGES)
    )
    stock_chart = histogram("Stock of live products (units)", bin_labels(STOCK_EDGES), bins(stock, STOCK_EDGES))
    return f"![price distribution]({data_uri(price_chart)}) ![stock distribution]({data_uri(stock_chart)})"


def markdown(
    counts: dict,
    prices_and_stock: list[tuple],
    products: list[dict],
    changes: list[dict],
    waiting: dict[str, list[dict]],
) -> str:
    newest = [{**p, "price": money(p["price"]), "published_at": when(p["published_at"])} for p in products]
    moves = [
        {
            "part_number": h["part_number"],
            "at": when(h["at"]),
            "source": h["source"],
            "price": f"{money(h['old_price'])} → {money(h['new_price'])}",
            "stock": f"{h['old_quantity']} → {h['new_quantity']}",
        }
        for h in changes
    ]
    held = [
        {**h, "old_price": money(h["old_price"]), "new_price": money(h["new_price"]), "held_at": when(h["held_at"])}
        for h in waiting["held"]
    ]
    deferred = [{**d, "retry_after": when(d["retry_after"])} for d in waiting["deferred"]]
    failed = [{**f, "at": when(f["at"])} for f in waiting["failed_publishing"]]
    sync_columns = ["part_number", "sku", "sync_status", "is_active", "consecutive_failures", "last_error"]
    return "\n\n".join(
        [
            "## Catalogue",
            distribution_svg(prices_and_stock),
            "### Parts by stage and status",
            markdown_table(status_rows(counts), ["stage", "status", "parts"], 40),
            "### Waiting on a person",
            "#### Prices held (approve_prices)",
            markdown_table(held, ["part_number", "old_price", "new_price", "reason", "held_at"], 50),
            "#### Deferred by Shopify's variant throttle",
            markdown_table(deferred, ["part_number", "reason", "retry_after"], 50),
            "#### Publishing failed",
            markdown_table(failed, ["part_number", "reason", "at"], 50),
            "#### Failing or inactive in the sync",
            markdown_table(waiting["failing_sync"], sync_columns, 50),
            "### Newest products",
            markdown_table(newest, ["part_number", "sku", "price", "quantity", "status", "published_at"], 10),
            "### Newest price and stock changes",
            markdown_table(moves, ["part_number", "at", "source", "price", "stock"], 15),
        ]
    )
