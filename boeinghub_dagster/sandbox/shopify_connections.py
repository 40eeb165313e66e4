"""Relay connections of the Shopify sandbox: every list field pages the way Shopify's do."""

from __future__ import annotations

import base64
import json


def _cursor(pk: int) -> str:
    return base64.b64encode(json.dumps({"last_id": pk}).encode()).decode()


def _uncursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        return int(json.loads(base64.b64decode(cursor))["last_id"])
    except (ValueError, KeyError, TypeError):
        return None


def connection(
    items: list[dict], first=None, after=None, last=None, before=None, reverse=False, key=lambda o: o["_pk"]
) -> dict:
    """Relay connection over `items` (already filtered and ordered ascending)."""
    if reverse:
        items = items[::-1]
    keys = [key(o) for o in items]
    start, end = 0, len(items)
    if (a := _uncursor(after)) is not None and a in keys:
        start = keys.index(a) + 1
    if (b := _uncursor(before)) is not None and b in keys:
        end = keys.index(b)
    window = items[start:end]
    has_next, has_prev = end < len(items), start > 0
    if first is not None:
        has_next = has_next or len(window) > first
        window = window[: max(first, 0)]
    if last is not None:
        has_prev = has_prev or len(window) > last
        window = window[len(window) - max(last, 0) :] if last else []
    edges = [{"cursor": _cursor(key(o)), "node": o} for o in window]
    return {
        "edges": edges,
        "nodes": window,
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": has_prev,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def page_args(args: dict) -> dict:
    return {k: args.get(k) for k in ("first", "after", "last", "before", "reverse")}
