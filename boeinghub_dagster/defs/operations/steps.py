"""`lookup_parts` as plain steps: entries -> the parts they name -> the store's facts and Shopify's view -> rows.

No Boeing call. Shopify is asked once per 50 known products and once per 40 other SKUs
(`resources/shopify_lookup.py`); a product the hub recorded that Shopify no longer has is
searched by its SKU in a second, small pass. When Shopify cannot be asked, every row still
says what the store knows, and why Shopify is missing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from boeinghub_dagster.domain import lookup as cells
from boeinghub_dagster.domain.charts import data_uri, sparkline
from boeinghub_dagster.domain.lookup import Entry
from boeinghub_dagster.domain.part_numbers import sku_of
from boeinghub_dagster.domain.shopify_api import admin_product_url
from boeinghub_dagster.resources.shopify import ShopifyClient
from boeinghub_dagster.resources.shopify_lookup import ShopLookup, lookup
from boeinghub_dagster.resources.store.lookup import LookupStore

MIN_CHART_POINTS = 3  # prices a sparkline needs to say anything
MAX_CHARTS = 50  # inline charts a run draws (each is about 0.6 KB of metadata)


@dataclass
class LookupResult:
    rows: list[dict] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    shopify_calls: int = 0
    shopify_errors: list[str] = field(default_factory=list)


def _shop(fact: dict, sku: str, shop: ShopLookup, shop_url: str) -> tuple[str, bool]:
    """The Shopify cell and whether Shopify holds a product for the part."""
    product = fact["product"]
    pid, key = product.get("shopify_product_id") if product else None, sku.upper()
    if pid and shop.by_id.get(pid) is not None:
        view = shop.by_id[pid]
        return cells.shopify_cell(vars(view), admin_product_url(shop_url, view.product_id)), True
    if key not in shop.by_sku:  # its batch failed, or Shopify could not be asked at all
        return f"Shopify not asked: {shop.errors[0] if shop.errors else 'no answer'}", False
    gone = f"the hub's product {pid.rsplit('/', 1)[-1]} is gone from Shopify" if pid else ""
    matches = shop.by_sku[key]
    if not matches:
        return f"not on Shopify ({gone + '; ' if gone else ''}no product holds SKU {sku})", False
    view = matches[0]
    note = "found by SKU" if view.part_number in (None, fact["part"]) else f"SKU held by part {view.part_number}"
    note = f"{gone}; {note}" if gone else note
    if len(matches) > 1:
        note += f"; {len(matches) - 1} more products hold this SKU"
    return cells.shopify_cell(vars(view), admin_product_url(shop_url, view.product_id), note), True


def _history(history: list[dict], charts: list[int]) -> str:
    text = cells.history_cell(history)
    prices = [h["new_price"] for h in history if h["new_price"] is not None]
    if len(prices) >= MIN_CHART_POINTS and charts[0] < MAX_CHARTS:
        charts[0] += 1
        text += f" ![price over its last {len(prices)} changes]({data_uri(sparkline(prices))})"
    return text


def look_up(
    entries: list[Entry], store: LookupStore, client: ShopifyClient | None, shop_url: str, keys: set[str]
) -> LookupResult:
    result = LookupResult()
    values = [e.value for e in entries if e.value]
    resolved = store.resolve(values)
    parts = list(dict.fromkeys(p for v in values for p in resolved[v]))
    facts = store.facts(parts)
    known_skus = store.skus(parts)
    skus = {p: known_skus.get(p) or sku_of(p) for p in parts}
    pid = {p: (facts[p]["product"] or {}).get("shopify_product_id") for p in parts}
    shop = ShopLookup(errors=["Shopify is not configured for this run"])
    if client is not None:
        shop = lookup(client, [i for i in pid.values() if i], [skus[p] for p in parts if not pid[p]])
        gone = [skus[p] for p in parts if pid[p] and pid[p] in shop.by_id and shop.by_id[pid[p]] is None]
        if gone:  # the hub's product was deleted on the shop: does another product hold its SKU?
            second = lookup(client, [], gone)
            shop.by_sku.update(second.by_sku)
            shop.errors += second.errors
            shop.calls += second.calls
    result.shopify_calls, result.shopify_errors = shop.calls, shop.errors
    charts = [0]
    for entry in entries:
        if entry.value is None:
            result.counts["invalid"] += 1
            result.rows.append({"part": entry.raw, "boeing": entry.reason})
            continue
        for part in resolved[entry.value]:
            fact = {**facts[part], "part": part}
            result.rows.append(_row(entry, part, fact, skus[part], shop, shop_url, keys, charts, result.counts))
    return result


def _row(
    entry: Entry,
    part: str,
    fact: dict,
    sku: str,
    shop: ShopLookup,
    shop_url: str,
    keys: set[str],
    charts: list[int],
    counts: Counter,
) -> dict:
    shopify, on_shop = _shop(fact, sku, shop, shop_url)
    label = part if entry.value == part else f"{part} (SKU {entry.value})"
    if part not in keys:
        label += " · no part_numbers key"
    raw, product, hold = fact["raw"], fact["product"], fact["hold"]
    counts["parts"] += 1
    counts["on_shopify" if on_shop else "not_on_shopify"] += 1
    counts["unknown_to_boeing"] += bool(raw and not raw["returned"])
    counts["never_asked"] += raw is None
    counts["held"] += bool(hold and hold.get("approved_at") is None)
    counts["retired"] += bool(product and product.get("retired_at"))
    counts["with_override"] += bool(fact["override"] and not fact["override"]["cleared"])
    return {
        "part": label,
        "boeing": cells.boeing_cell(part, raw),
        "staged": cells.staged_cell(fact["staging"]),
        "failures": cells.failures_cell(fact["failures"]),
        "shopify": shopify,
        "sync": cells.sync_cell(fact["schedule"], product),
        "batches": cells.batches_cell(fact["batches"]),
        "override": cells.override_cell(fact["override"]),
        "waiting": cells.waiting_cell(hold, fact["deferral"], product),
        "price_changes": _history(fact["history"], charts),
    }
