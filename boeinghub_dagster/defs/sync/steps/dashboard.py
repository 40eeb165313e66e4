"""The sync dashboard's figures and Markdown (docs/behaviour.md §8 History and dashboard), from store rows,
and the daily report's day.

Pure: rows and history in, tables and a chart out; the clock and the Boeing capacity come in
as arguments.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from boeinghub_dagster.domain.charts import data_uri, sync_chart_svg
from boeinghub_dagster.domain.reporting import markdown_table
from boeinghub_dagster.domain.slots import HOURS, bucket_state, slot_efficiency
from boeinghub_dagster.domain.sync_rules import STATUSES

OUTCOMES = ("unchanged", "changed", "held", "failed")


def recheck_days(active: int, per_day: int) -> float:
    """Days one pass over the active catalogue takes at `per_day` parts a day, one decimal, at least 1."""
    return max(1.0, round(active / max(1, per_day), 1))


def every(days: float) -> str:
    """'every 1 day', 'every 1.7 days'."""
    return f"every {days:g} day" + ("" if days == 1 else "s")


def yesterday(now: datetime) -> tuple[datetime, datetime]:
    """The UTC day before `now`'s, as (start, end): the day `sync_daily_report` reports."""
    start = now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
    return start, start + timedelta(days=1)


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M") if at else "never"


def figures(rows: list[dict], history: list[dict], now: datetime, per_day: int, batch: int = 10) -> dict:
    counts, active_counts = [0] * HOURS, [0] * HOURS
    for r in rows:
        counts[r["hour_bucket"]] += 1
        active_counts[r["hour_bucket"]] += bool(r["is_active"])
    active = [r for r in rows if r["is_active"]]
    start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=23)
    hours = [start + timedelta(hours=i) for i in range(24)]
    per_hour = {h: Counter() for h in hours}
    for h in history:
        slot = h["at"].replace(minute=0, second=0, microsecond=0)
        if slot in per_hour:
            per_hour[slot][h["outcome"]] += 1
    attempts = sum(sum(c.values()) for c in per_hour.values())
    good = attempts - sum(c["failed"] for c in per_hour.values())
    days = recheck_days(len(active), per_day)
    older = [r for r in active if r["last_sync_at"] is None or r["last_sync_at"] < now - timedelta(days=days)]
    return {
        "counts": counts,
        "active_counts": active_counts,
        "hours": hours,
        "per_hour": per_hour,
        "status": Counter(r["sync_status"] for r in rows),
        "total": len(rows),
        "active": len(active),
        "inactive": len(rows) - len(active),
        "three_plus": [r for r in rows if r["consecutive_failures"] >= 3],
        "failures": [r for r in rows if r["sync_status"] == "failed" or not r["is_active"]],
        "success_rate": round(good / attempts * 100, 1) if attempts else None,
        "slot_efficiency": round(slot_efficiency(counts, batch), 1),
        "recheck_days": days,
        "older": older,
        "per_day": per_day,
    }


def markdown(f: dict, batch: int = 10) -> str:
    state = [bucket_state(c, batch) for c in f["counts"]]
    slots = [
        {"hour": f"{h:02d}:00", "parts": f["counts"][h], "active_parts": f["active_counts"][h], "state": state[h]}
        for h in range(HOURS)
    ]
    statuses = [{"status": s, "parts": f["status"].get(s, 0)} for s in STATUSES] + [
        {"status": "inactive", "parts": f["inactive"]}
    ]
    outcomes = [
        {"hour": h.strftime("%m-%d %H:00"), **{o: f["per_hour"][h].get(o, 0) for o in OUTCOMES}} for h in f["hours"]
    ]
    failures = [
        {
            "sku": r["sku"],
            "part_number": r["part_number"],
            "failures": r["consecutive_failures"],
            "last_error": r["last_error"],
            "last_sync": _when(r["last_sync_at"]),
            "bucket": r["hour_bucket"],
            "active": r["is_active"],
        }
        for r in f["failures"]
    ]
    totals = [
        {"figure": k, "value": v}
        for k, v in (
            ("parts scheduled", f["total"]),
            ("active", f["active"]),
            ("inactive", f["inactive"]),
            ("parts with ≥ 3 failures", len(f["three_plus"])),
            ("success rate, last 24 h", "n/a" if f["success_rate"] is None else f"{f['success_rate']} %"),
            ("slot efficiency", f"{f['slot_efficiency']} %"),
            ("Boeing re-check capacity", f"{f['per_day']:,} parts a day"),
            ("effective re-check period", every(f["recheck_days"])),
            (f"active parts not synced for {f['recheck_days']:g} days", len(f["older"])),
        )
    ]
    buckets = [
        {s: (f["counts"][h] if s == state[h] else 0) for s in ("active", "filling", "dormant")} for h in range(HOURS)
    ]
    svg = sync_chart_svg(
        buckets,
        [h.strftime("%H") for h in f["hours"]],
        [{o: f["per_hour"][h].get(o, 0) for o in OUTCOMES} for h in f["hours"]],
    )
    older = [
        {
            "part_number": r["part_number"],
            "sku": r["sku"],
            "last_sync": _when(r["last_sync_at"]),
            "bucket": r["hour_bucket"],
        }
        for r in f["older"]
    ]
    return "\n\n".join(
        [
            "## Sync dashboard",
            f"![parts per hour bucket and last 24 hours' outcomes]({data_uri(svg)})",
            "### Totals",
            markdown_table(totals, ["figure", "value"], 20),
            "### Status counts",
            markdown_table(statuses, ["status", "parts"], 10),
            "### Slot distribution (UTC hour buckets)",
            markdown_table(slots, ["hour", "parts", "active_parts", "state"], 24),
            "### Outcomes per hour, last 24 hours",
            markdown_table(outcomes, ["hour", *OUTCOMES], 24),
            "### Current failures",
            markdown_table(
                failures, ["sku", "part_number", "failures", "last_error", "last_sync", "bucket", "active"], 50
            ),
            "### Parts with ≥ 3 failures",
            markdown_table(
                [{"sku": r["sku"], "failures": r["consecutive_failures"]} for r in f["three_plus"]],
                ["sku", "failures"],
                50,
            ),
            f"### Active parts older than the re-check period ({f['recheck_days']:g} days)",
            markdown_table(older, ["part_number", "sku", "last_sync", "bucket"], 50),
        ]
    )
