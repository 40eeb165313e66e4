"""The alert client: receivers told apart by host, and a receiver that fails never fails the sender or shows the URL."""

import time

import pytest

import boeinghub_dagster.resources.alerts as alerts_module
from boeinghub_dagster.domain.alerts import detect_format, payload
from boeinghub_dagster.resources.alerts import Alerts
from boeinghub_dagster_tests.support.alert_receiver import Receiver

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


class Log:
    def __init__(self):
        self.lines: list[str] = []

    def warning(self, message: str) -> None:
        self.lines.append(message)


@pytest.fixture(autouse=True)
def receiver_up_again():
    yield
    alerts_module._down_until = 0.0  # one test's unreachable receiver is not the next one's


@pytest.mark.parametrize(
    "url,override,fmt",
    [
        ("https://hooks.slack.com/services/T0/B0/x", "", "slack"),
        ("https://contoso.webhook.office.com/webhookb2/x", "", "teams"),
        ("https://prod-12.westus.logic.azure.com:443/workflows/x", "", "teams"),
        ("https://alerts.example.com/hook", "", "json"),
        ("https://alerts.example.com/hook", "Slack", "slack"),
        ("https://hooks.slack.com/services/x", "bogus", "slack"),
    ],
)
def test_the_receiver_kind_is_told_by_host_unless_named(url, override, fmt, database_url):
    assert detect_format(url, override) == fmt


def test_each_receiver_gets_its_own_shape(database_url):
    fields = {"job": "extraction_job", "run": "https://hub/runs/1"}
    slack = payload("slack", "run_failed", "extraction_job run 1 failed", fields, "(+2 more)")
    assert slack["text"].startswith("Run failed: extraction_job run 1 failed") and "(+2 more)" in slack["text"]
    assert slack["blocks"][1]["fields"][0] == {"type": "mrkdwn", "text": "*job*\nextraction_job"}
    teams = payload("teams", "run_failed", "extraction_job run 1 failed", fields)
    card = teams["attachments"][0]
    assert teams["type"] == "message" and card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert (
        card["content"]["type"] == "AdaptiveCard"
        and {"title": "job", "value": "extraction_job"} in card["content"]["body"][2]["facts"]
    )
    plain = payload("json", "run_failed", "text", fields, key="run_failed:extraction_job")
    assert (plain["kind"], plain["key"], plain["fields"]) == ("run_failed", "run_failed:extraction_job", fields)


def test_a_receiver_that_refuses_loses_nothing_for_the_next_message(store, monkeypatch):
    receiver = Receiver(status=500)
    monkeypatch.setenv("BOEINGHUB_ALERT_WEBHOOK_URL", receiver.url)
    log = Log()
    try:
        assert Alerts.of(store, log).send("prices_held", "k", "first") is False
        assert log.lines == ["alert 'prices_held' (k) not sent: the alert receiver answered HTTP 500"]
        receiver.status = 200
        assert (
            Alerts.of(store, log).send("prices_held", "k", "second") is True
        )  # not grouped away: the first never arrived
        assert receiver.messages[-1]["note"].startswith("(+1 more like this")
    finally:
        receiver.stop()


def test_a_slow_or_unreachable_receiver_times_out_short_and_the_url_is_never_logged(store, monkeypatch):
    slow = Receiver(delay=10)
    monkeypatch.setenv("BOEINGHUB_ALERT_WEBHOOK_URL", slow.url)
    log = Log()
    try:
        started = time.monotonic()
        assert Alerts.of(store, log).send("run_failed", "a", "text") is False
        assert time.monotonic() - started < 8
        started = time.monotonic()  # the receiver is down: the next sends do not wait on it again
        assert Alerts.of(store, log).send("run_failed", "b", "text") is False and time.monotonic() - started < 1
    finally:
        slow.stop()
    monkeypatch.setenv("BOEINGHUB_ALERT_WEBHOOK_URL", f"ftp://user:{slow.token}@nowhere/")
    assert Alerts.of(store, log).send("run_failed", "c", "text") is False
    assert (
        len(log.lines) == 3 and "did not answer within seconds" in log.lines[0] and "not an http(s) URL" in log.lines[2]
    )
    assert not any(slow.token in line or "127.0.0.1" in line for line in log.lines)
