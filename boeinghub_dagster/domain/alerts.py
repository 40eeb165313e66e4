"""What an alert says, and how each kind of receiver wants it (pure: no I/O).

Three receivers take an HTTP POST of JSON: a Slack incoming webhook (`text` plus Block Kit
sections), a Microsoft Teams webhook (a Workflows "post to a channel" webhook, or a legacy
connector: a message with one Adaptive Card attachment), and any other JSON endpoint (the
alert's fields as they are). The kind is told by the webhook's host unless
BOEINGHUB_ALERT_FORMAT names it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

KINDS = {
    "run_failed": "Run failed",
    "chunk_given_up": "Intake chunk given up",
    "batch_finished": "Intake batch finished",
    "part_deactivated": "Parts deactivated by the sync",
    "prices_held": "Prices held for approval",
    "sync_overran": "Hourly sync ran past its hour",
}
FORMATS = ("slack", "teams", "json")
TEAMS_HOSTS = (".webhook.office.com", ".office.com", ".logic.azure.com", ".powerplatform.com", ".powerautomate.com")
MAX_FIELDS = 10  # Slack takes at most 10 fields in a section
MAX_VALUE = 500


def detect_format(url: str, override: str = "") -> str:
    """`slack`, `teams` or `json`: the override when it names one, else by the webhook's host."""
    wanted = override.strip().lower()
    if wanted in FORMATS:
        return wanted
    host = (urlsplit(url).hostname or "").lower()
    if host == "hooks.slack.com" or host.endswith(".slack.com"):
        return "slack"
    if host.endswith(TEAMS_HOSTS):
        return "teams"
    return "json"


def subject_key(kind: str, *subject: object) -> str:
    """The grouping key of one subject of one kind; long subjects (a list of parts) are hashed."""
    text = ":".join(str(s) for s in subject)
    if len(text) > 120:
        text = hashlib.sha256(text.encode()).hexdigest()[:32]
    return f"{kind}:{text}"


def listing(items: Sequence[str], limit: int = 10) -> str:
    """`A, B, C` or `A, B, … and 12 more`."""
    shown = ", ".join(items[:limit])
    return f"{shown} and {len(items) - limit} more" if len(items) > limit else shown


def grouped_note(grouped: int, window_minutes: float) -> str:
    if not grouped:
        return ""
    return f"(+{grouped} more like this in the last {window_minutes:g} min, grouped into this message)"


def _fields(fields: Mapping[str, object] | None) -> list[tuple[str, str]]:
    out = []
    for name, value in list((fields or {}).items())[:MAX_FIELDS]:
        text = str(value)
        out.append((str(name), text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"))
    return out


def payload(
    fmt: str, kind: str, text: str, fields: Mapping[str, object] | None = None, note: str = "", key: str = ""
) -> dict:
    """The JSON body one receiver of format `fmt` takes for one alert."""
    title = KINDS.get(kind, kind)
    body = f"{text}\n{note}".strip()
    pairs = _fields(fields)
    if fmt == "slack":
        blocks: list[dict] = [{"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}*\n{body}"[:3000]}}]
        if pairs:
            blocks.append({"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{n}*\n{v}"} for n, v in pairs]})
        return {"text": f"{title}: {body}"[:3000], "blocks": blocks}
    if fmt == "teams":
        card = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": [
                {"type": "TextBlock", "text": title, "weight": "Bolder", "wrap": True},
                {"type": "TextBlock", "text": body, "wrap": True},
            ]
            + ([{"type": "FactSet", "facts": [{"title": n, "value": v} for n, v in pairs]}] if pairs else []),
        }
        return {
            "type": "message",
            "summary": f"{title}: {text}"[:200],
            "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}],
        }
    return {
        "source": "boeinghub",
        "kind": kind,
        "title": title,
        "key": key,
        "text": text,
        "note": note,
        "fields": dict(pairs),
    }
