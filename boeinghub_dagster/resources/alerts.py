"""Alerts: one short message to a chat channel when something needs a person.

Off unless BOEINGHUB_ALERT_WEBHOOK_URL is set: a Slack incoming webhook, a Microsoft Teams
webhook, or any endpoint taking JSON (BOEINGHUB_ALERT_FORMAT=slack|teams|json overrides the
guess by host). The URL is a secret: it is read from the environment when a message is sent
(never resource or run config, so a launchpad cannot redirect it), and no log line, metadata
entry or error message ever holds it.

    Alerts.of(store).send("chunk_given_up", subject_key("chunk_given_up", 12, 3), "batch 12 …", {"run": link})

Messages about one subject (kind + key) within BOEINGHUB_ALERT_WINDOW_MINUTES (10) are grouped
through the store (`store/alerts.py`), so every process agrees: the first goes out, the rest are
counted and reported by the next message or by the digest `alerts_digest_sensor` sends. Sending
never fails its caller: a short timeout, and a warning in the log instead of an exception.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from datetime import timedelta

import httpx
from dagster import get_dagster_logger
from sqlalchemy import Engine

from boeinghub_dagster.domain.alerts import KINDS, detect_format, grouped_note, listing, payload, subject_key
from boeinghub_dagster.resources.store.alerts import AlertStore

WEBHOOK_ENV, FORMAT_ENV = "BOEINGHUB_ALERT_WEBHOOK_URL", "BOEINGHUB_ALERT_FORMAT"
UI_ENV, WINDOW_ENV = "BOEINGHUB_UI_URL", "BOEINGHUB_ALERT_WINDOW_MINUTES"
DEFAULT_WINDOW_MINUTES = 10.0
TIMEOUT = httpx.Timeout(4.0, connect=3.0)
DOWN_SECONDS = 60.0  # after an unreachable receiver, this process stops trying for a minute (sensor ticks stay short)
HINTS = {
    "part_deactivated": "their products are DRAFT; put them back with reactivate_parts",
    "prices_held": "approve them with approve_prices (config part_numbers)",
}

_down_until = 0.0


def ui_url() -> str:
    """The Dagster UI's address for links: BOEINGHUB_UI_URL, else the local webserver's."""
    explicit = os.environ.get(UI_ENV, "").strip().rstrip("/")
    return explicit or f"http://127.0.0.1:{os.environ.get('BOEINGHUB_UI_PORT', '').strip() or '3000'}"


def run_link(run_id: str) -> str:
    return f"{ui_url()}/runs/{run_id}"


def window_minutes() -> float:
    raw = os.environ.get(WINDOW_ENV, "").strip()
    try:
        value = float(raw) if raw else DEFAULT_WINDOW_MINUTES
    except ValueError:
        value = DEFAULT_WINDOW_MINUTES
    return value if value >= 0 else DEFAULT_WINDOW_MINUTES


class Alerts:
    """Sends alerts for one store (the grouping state lives there)."""

    def __init__(self, engine_factory, log=None):
        self._engine_factory = engine_factory
        self.log = log or get_dagster_logger("boeinghub.alerts")

    @classmethod
    def of(cls, store, log=None) -> Alerts:
        """For a StoreResource (or anything with `engine()`); the engine is built only when alerts are on."""
        return cls(store.engine, log)

    @staticmethod
    def enabled() -> bool:
        return bool(os.environ.get(WEBHOOK_ENV, "").strip())

    def _store(self) -> AlertStore:
        engine: Engine = self._engine_factory()
        return AlertStore(engine)

    def send(self, kind: str, key: str, text: str, fields: Mapping[str, object] | None = None) -> bool:
        """Post one alert unless it is grouped into one already sent; True when a message went out."""
        url = os.environ.get(WEBHOOK_ENV, "").strip()
        if not url:
            return False
        try:
            if not url.lower().startswith(("https://", "http://")):
                self.log.warning(f"{WEBHOOK_ENV} is not an http(s) URL: alert {kind!r} not sent")
                return False
            if time.monotonic() < _down_until:
                self.log.warning(f"alert {kind!r} ({key}) not sent: the alert receiver was unreachable a moment ago")
                return False
            store, window = self._store(), window_minutes()
            grouped = store.claim(key, kind, text, timedelta(minutes=window))
            if grouped is None:
                return False
            body = payload(
                detect_format(url, os.environ.get(FORMAT_ENV, "")),
                kind,
                text,
                fields,
                grouped_note(grouped, window),
                key,
            )
            if self._post(url, body, kind, key):
                return True
            store.release(key)
        except Exception as exc:  # an alert must never fail the run or tick that sends it
            said = str(exc).replace(url, "<webhook>")[:300]
            self.log.warning(f"alert {kind!r} ({key}) not sent: {type(exc).__name__}: {said}")
        return False

    def _post(self, url: str, body: dict, kind: str, key: str) -> bool:
        global _down_until
        try:
            response = httpx.post(url, json=body, timeout=TIMEOUT, follow_redirects=False)
        except httpx.TimeoutException:
            problem = "the alert receiver did not answer within seconds"
        except httpx.HTTPError as exc:  # its text can hold the URL: name the kind of error only
            problem = f"could not reach the alert receiver ({type(exc).__name__})"
        else:
            if response.is_success:
                return True
            self.log.warning(
                f"alert {kind!r} ({key}) not sent: the alert receiver answered HTTP {response.status_code}"
            )
            return False
        _down_until = time.monotonic() + DOWN_SECONDS
        self.log.warning(f"alert {kind!r} ({key}) not sent: {problem}")
        return False

    def flush(self) -> int:
        """Send the digest of each subject whose window passed with messages grouped; how many went out."""
        url = os.environ.get(WEBHOOK_ENV, "").strip()
        if not url:
            return 0
        sent, window = 0, window_minutes()
        try:
            for group in self._store().due_digests(timedelta(minutes=window)):
                n, title = group["carried"], KINDS.get(group["kind"], group["kind"])
                text = (
                    f"{n} more {title.lower()} message{'s' if n != 1 else ''} in the last {window:g} min; "
                    f"the latest: {group['pending_text'] or ''}"
                )
                fmt = detect_format(url, os.environ.get(FORMAT_ENV, ""))
                body = payload(fmt, group["kind"], text, None, "", group["key"])
                sent += self._post(url, body, group["kind"], group["key"])
        except Exception as exc:
            said = str(exc).replace(url, "<webhook>")[:300]
            self.log.warning(f"alert digests not sent: {type(exc).__name__}: {said}")
        return sent

    def sync_outcome(
        self,
        deactivated: Sequence[str],
        failed: Sequence[tuple[str, str]],
        held: Sequence[tuple[str, str]],
        source: str,
        run_id: str,
    ) -> None:
        """A sync pass's parts deactivated (with their last failure) and prices it held: one message each."""
        if self.enabled():
            reasons = dict(failed)
            why = [(p, reasons.get(p, "")) for p in deactivated]
            self.parts("part_deactivated", why, f"the sync ({source})", run_id)
            self.parts("prices_held", held, f"the sync ({source})", run_id)

    def sync_overran(self, partition: str, took: timedelta, taken: int, deferred: int, run_id: str) -> bool:
        """The hourly sync of `partition` took longer than its hour (the next hour's sync waited behind it)."""
        if took <= timedelta(hours=1) or not self.enabled():
            return False
        text = (
            f"the sync of hour {partition} took {took.total_seconds() / 60:.0f} min, past its hour: "
            f"{taken} parts taken, {deferred} deferred to their next slot; the next hour's sync waited behind it"
        )
        return self.send(
            "sync_overran",
            subject_key("sync_overran", partition),
            text,
            {"partition": partition, "minutes": round(took.total_seconds() / 60), "run": run_link(run_id)},
        )

    def parts(self, kind: str, parts: Sequence[str | tuple[str, str]], source: str, run_id: str | None = None) -> bool:
        """One message for a run's parts of one kind (deactivated, prices held): names, reasons, a hint, the run."""
        if not parts or not self.enabled():
            return False
        pairs = [p if isinstance(p, tuple) else (p, "") for p in parts]
        names = sorted(p for p, _ in pairs)
        shown = [f"{p} ({why})" if why else p for p, why in sorted(pairs)]
        noun = "part" if len(pairs) == 1 else "parts"
        text = f"{len(pairs)} {noun} in {source}: {listing(shown)}. {HINTS.get(kind, '')}".strip()
        fields = {"parts": len(pairs), "source": source, **({"run": run_link(run_id)} if run_id else {})}
        return self.send(kind, subject_key(kind, *names), text, fields)
