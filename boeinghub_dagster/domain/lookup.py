"""`lookup_parts` (issue 15 item 1): what the operator typed, read safely, and one table row per part. Stdlib only.

The entries come from the launchpad (a list, or pasted text split like an intake `.txt` file:
lines, `,` or `;`), so each is read as hostile: a value that is not a part number keeps its
row with the reason, clipped and escaped, and never stops the run. Each row's cells say in
words what the store and Shopify hold for the part; the facts come in as plain mappings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from boeinghub_dagster.domain.normalization import match_items
from boeinghub_dagster.domain.part_numbers import InvalidPartNumber, normalize_part_number
from boeinghub_dagster.domain.pricing import base_cost
from boeinghub_dagster.domain.reporting import markdown_table
from boeinghub_dagster.domain.units import parse_price, parse_quantity

MAX_LOOKUP = 500
SHOWN_RAW = 60  # characters of a bad entry shown in its row
COLUMNS = ["part", "boeing", "staged", "failures", "shopify", "sync", "batches", "override", "waiting", "price_changes"]
_SPLIT = re.compile(r"\r\n|\r|\n|,|;")


@dataclass(frozen=True)
class Entry:
    raw: str
    value: str | None  # the normalized part number or SKU
    reason: str | None = None  # why it is not one


def _shown(raw: str) -> str:
    return raw if len(raw) <= SHOWN_RAW else f"{raw[:SHOWN_RAW]}… ({len(raw)} characters)"


def parse_entries(items: Sequence[str], text: str = "", limit: int = MAX_LOOKUP) -> list[Entry]:
    """Every non-blank entry once, in order; ValueError when there are more than `limit`."""
    out: list[Entry] = []
    seen: set[str] = set()
    for chunk in [*items, text or ""]:
        for piece in _SPLIT.split(str(chunk)):
            raw = piece.strip(" \t")
            if not raw:
                continue
            try:
                entry = Entry(_shown(raw), normalize_part_number(raw))
            except InvalidPartNumber as exc:
                entry = Entry(_shown(raw), None, f"not a part number: {exc}")
            key = entry.value or f"\0{entry.raw}"
            if key not in seen:
                seen.add(key)
                out.append(entry)
    if len(out) > limit:
        raise ValueError(f"{len(out)} part numbers or SKUs asked; lookup_parts takes at most {limit} a run")
    return out


def when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M") if at else "never"


def money(value) -> str:
    return "—" if value is None else f"${value}"


def boeing_cell(part: str, raw: Mapping | None) -> str:
    """The last Boeing answer: when, price, stock per location."""
    if raw is None:
        return "never asked"
    at = when(raw["fetched_at"])
    if not raw["returned"]:
        return f"not returned by Boeing ({at})"
    payload = raw.get("payload")
    items = payload.get("lineItems") if isinstance(payload, Mapping) else None
    item = match_items([part], items if isinstance(items, list) else []).get(part)
    if item is None:
        return f"answered {at}, but the stored answer holds no item for it"
    cost = base_cost(parse_price(item.get("listPrice")), parse_price(item.get("netPrice")))
    stock = []
    for loc in item.get("locationAvailabilities") or []:
        if isinstance(loc, Mapping) and loc.get("location"):
            stock.append(f"{loc['location']} {max(parse_quantity(loc.get('availQuantity')) or 0, 0)}")
    return f"{at} · cost {money(cost)} · stock: {', '.join(stock) or 'none'}"


def staged_cell(row: Mapping | None) -> str:
    if row is None:
        return "not staged"
    if row["status"] == "fetched":
        return f"fetched · SKU {row['sku']}"
    return f"{row['status']}: {row.get('status_reason') or 'no reason recorded'}"


def failures_cell(failures: Sequence[Mapping]) -> str:
    """Every recorded failure: stage, reason, how often, the last time."""
    if not failures:
        return "none"
    return "; ".join(f"{f['stage']}: {f['reason']} (×{f['count']}, last {when(f['last_at'])})" for f in failures)


def shopify_cell(view: Mapping | None, url: str | None, note: str = "") -> str:
    """The product as Shopify has it now, or why there is none."""
    if view is None:
        return note or "not on Shopify"
    name = f"product {view['product_id'].rsplit('/', 1)[-1]}"
    link = f"[{name}]({url})" if url else name
    channels = ", ".join(view["channels"]) or "no sales channel"
    stock = "—" if view["quantity"] is None else view["quantity"]
    parts = [f"{link} {view['status']}", f"price {money(view['price'])}", f"{stock} sellable", channels]
    return " · ".join(parts) + (f" ({note})" if note else "")


def sync_cell(sched: Mapping | None, product: Mapping | None) -> str:
    if sched is None:
        if product is not None and product.get("retired_at") is not None:
            return "out of the sync (retired)"
        return "not in the sync"
    state = sched["sync_status"] if sched["is_active"] else f"inactive ({sched['sync_status']})"
    error = f" · last error: {sched['last_error']}" if sched.get("last_error") else ""
    return (
        f"slot {sched['hour_bucket']:02d}:00 UTC · {state} · last sync {when(sched.get('last_sync_at'))} · "
        f"{sched['consecutive_failures']} failures in a row{error}"
    )


def batches_cell(batches: Sequence[Mapping], shown: int = 5) -> str:
    cells = [f"#{b['id']} {b['file_name']} ({when(b['created_at'])})" for b in batches[:shown]]
    more = f" and {len(batches) - shown} more" if len(batches) > shown else ""
    return ("; ".join(cells) + more) or "none"


def override_cell(row: Mapping | None) -> str:
    """Who set what price, and when (a cleared override says who cleared it)."""
    if row is None:
        return "none"
    by = f"by {row['set_by']}, {when(row['set_at'])}"
    if row["cleared"]:
        return f"none (cleared {by})"
    if row["price"] is not None:
        return f"price {money(row['price'])} {by}"
    return f"markup × {format(Decimal(str(row['markup'])).normalize(), 'f')} {by}"


def waiting_cell(hold: Mapping | None, deferral: Mapping | None, product: Mapping | None) -> str:
    """What waits on a person or on a day: a held price, a deferral, a retirement."""
    out = []
    if hold is not None and hold.get("approved_at") is None:
        out.append(f"price held since {when(hold['held_at'])}: {hold['reason']} (approve_prices)")
    elif hold is not None:
        out.append(f"approved {money(hold['new_price'])} on {when(hold['approved_at'])}")
    if deferral is not None and deferral["state"] == "deferred":
        out.append(f"deferred until {when(deferral['retry_after'])}: {deferral['reason']}")
    if product is not None and product.get("retired_at") is not None:
        out.append(f"retired {when(product['retired_at'])}")
    return "; ".join(out) or "nothing"


def history_cell(history: Sequence[Mapping], shown: int = 3) -> str:
    """The last price and stock changes, newest first."""
    cells = []
    for h in list(history)[::-1][:shown]:
        price = "" if h["old_price"] == h["new_price"] else f"{money(h['old_price'])}→{money(h['new_price'])} "
        qty = ["—" if q is None else q for q in (h["old_quantity"], h["new_quantity"])]
        stock = "" if h["old_quantity"] == h["new_quantity"] else f"stock {qty[0]}→{qty[1]} "
        cells.append(f"{price}{stock}({h['source']}, {when(h['at'])})")
    return "; ".join(cells) or "none"


def table(rows: Sequence[Mapping]) -> str:
    return markdown_table(rows, COLUMNS, limit=max(1, len(rows)))
