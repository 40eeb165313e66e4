"""Alerts to a local webhook receiver, from the real sensors, publishing and sync runs (both sandboxes over HTTP)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest
from dagster._core.events import DagsterEventType
from dagster._core.test_utils import create_run_for_test
from sqlalchemy import select, update

import boeinghub_dagster.defs.intake.steps.runs as runs_module
from boeinghub_dagster.defs.alerts.sensors import alerts_digest_sensor, run_failure_alert
from boeinghub_dagster.resources.alerts import Alerts
from boeinghub_dagster.resources.inbox import InboxResource
from boeinghub_dagster.resources.store.schema import alert_groups, product_staging
from boeinghub_dagster.resources.store.schema_publishing import product_sync_schedule
from boeinghub_dagster_tests.support.alert_receiver import Receiver
from boeinghub_dagster_tests.support.inbox import Ticker
from boeinghub_dagster_tests.support.publishing import publish
from boeinghub_dagster_tests.support.sync import fetched_parts, publish_parts, sync_hour

DAY = datetime(2026, 12, 1, tzinfo=UTC)
UI = "https://hub.example.com"


@pytest.fixture
def receiver(monkeypatch):
    r = Receiver()
    monkeypatch.setenv("BOEINGHUB_ALERT_WEBHOOK_URL", r.url)
    monkeypatch.setenv("BOEINGHUB_ALERT_FORMAT", "json")
    monkeypatch.setenv("BOEINGHUB_UI_URL", UI)
    yield r
    r.stop()


def chunk_run(instance, request, status=None):
    return create_run_for_test(
        instance,
        job_name="extraction_job",
        run_config=request.run_config,
        status=status,
        tags={**request.tags, "dagster/run_key": request.run_key},
    )


def failure_context(instance, store, run, name="run_failure_alert"):
    record = instance.get_records_for_run(run.run_id, of_type=DagsterEventType.RUN_FAILURE).records[0]
    return dg.build_run_status_sensor_context(
        sensor_name=name,
        dagster_instance=instance,
        dagster_run=instance.get_run_by_id(run.run_id),
        dagster_event=record.event_log_entry.dagster_event,
        resources={"store": store},
    ).for_run_failure()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_each_alert_kind_arrives_once_with_its_content(
    tmp_path, store, resources, boeing_sandbox, instance, receiver, monkeypatch
):
    monkeypatch.setattr(runs_module, "MAX_ATTEMPTS", 1)
    monkeypatch.setenv("INTAKE_CHUNK_PARTS", "1")
    ticker = Ticker(instance, InboxResource(path=str(tmp_path / "inbox")), store, record_runs=False)
    ticker.drop("a.txt", b"BACB30LH3-4\nMS20470AD4-6\n")
    ticker.drop("b.txt", b"NAS1149F0363P\n")
    requests = {
        (r.tags["boeinghub/intake-file"], r.tags["boeinghub/intake-chunk"]): r for r in ticker.settle().run_requests
    }
    failed = chunk_run(instance, requests[("a.txt", "1/2")])
    instance.report_run_failed(failed, "Boeing refused our credentials")
    chunk_run(instance, requests[("b.txt", "1/1")], status=dg.DagsterRunStatus.SUCCESS)
    run_failure_alert(failure_context(instance, store, failed))  # a failed run
    ticker.tick()  # a.txt's chunk 1 is given up (its only attempt); b.txt has finished; a.txt's chunk 2 still runs

    parts = fetched_parts(3, DAY)
    publish_parts(instance, parts, resources, DAY - timedelta(hours=2))
    with store.engine().begin() as conn:  # Boeing's price of parts[1] doubled: publishing holds it, twice
        conn.execute(
            update(product_staging)
            .where(product_staging.c.part_number == parts[1])
            .values(list_price=product_staging.c.list_price * 2, net_price=product_staging.c.net_price * 2)
        )
        conn.execute(
            update(product_sync_schedule)
            .where(product_sync_schedule.c.part_number == parts[0])
            .values(consecutive_failures=4)
        )
    for _ in range(2):
        publish(instance, parts, resources)
    boeing_sandbox.admin(withheld=parts[0])  # its 5th failed sync: deactivated
    assert sync_hour(instance, resources, DAY).success
    Alerts.of(store).sync_overran(
        "2026-12-01-00:00", timedelta(minutes=72), 1170, 40, failed.run_id
    )  # sync_hashes' hook

    assert sorted(receiver.kinds()) == sorted(
        ["run_failed", "chunk_given_up", "batch_finished", "prices_held", "part_deactivated", "sync_overran"]
    ), receiver.messages
    (run,) = receiver.of("run_failed")
    assert run["fields"]["job"] == "extraction_job" and run["fields"]["run"] == f"{UI}/runs/{failed.run_id}"
    assert "1 parts (batch 1, chunk 1/2, a.txt)" in run["text"] and "Boeing refused our credentials" in run["text"]
    (given_up,) = receiver.of("chunk_given_up")
    assert "batch 1 chunk 1/2" in given_up["text"] and "resume_intake_batch" in given_up["text"]
    (finished,) = receiver.of("batch_finished")
    assert "batch 2 (b.txt) done" in finished["text"] and finished["fields"]["accepted"] == "1"
    (held,) = receiver.of("prices_held")
    assert parts[1] in held["text"] and "approve_prices" in held["text"] and held["fields"]["parts"] == "1"
    (deactivated,) = receiver.of("part_deactivated")
    assert parts[0] in deactivated["text"] and "not returned by Boeing" in deactivated["text"]
    assert "reactivate_parts" in deactivated["text"]
    (overran,) = receiver.of("sync_overran")
    assert "took 72 min, past its hour" in overran["text"] and overran["fields"]["partition"] == "2026-12-01-00:00"
    assert all(receiver.token not in str(m) for m in receiver.messages)  # the URL is never in a message
    for run in instance.get_runs():  # nor in any run's config, tags, logs or metadata
        assert receiver.token not in str(run.run_config) + str(run.tags)
        assert all(receiver.token not in str(entry) for entry in instance.all_logs(run.run_id))


def test_a_burst_of_50_failures_of_one_run_is_one_message_and_one_digest(store, instance, receiver, monkeypatch):
    run = create_run_for_test(instance, job_name="publish_job", tags={"dagster/partition": "BACB30LH3-4"})
    instance.report_run_failed(run, "Shopify answered 502")
    contexts = [failure_context(instance, store, run) for _ in range(50)]
    with ThreadPoolExecutor(10) as pool:  # as several sensor processes would, at once
        list(pool.map(run_failure_alert, contexts))
    assert len(receiver.messages) == 1 and "partition BACB30LH3-4" in receiver.messages[0]["text"]
    with store.engine().connect() as conn:
        assert conn.execute(select(alert_groups.c.pending)).scalar_one() == 49

    monkeypatch.setenv("BOEINGHUB_ALERT_WINDOW_MINUTES", "0")  # the window has passed: the digest goes out once
    context = dg.build_sensor_context(instance=instance, resources={"store": store})
    assert "1 digest(s) sent" in alerts_digest_sensor(context).skip_message
    assert alerts_digest_sensor(context).skip_message == "no grouped alerts due"
    assert len(receiver.messages) == 2 and receiver.messages[1]["text"].startswith("49 more run failed messages")


def test_without_the_variable_nothing_is_sent_or_stored(store, instance, monkeypatch):
    monkeypatch.delenv("BOEINGHUB_ALERT_WEBHOOK_URL", raising=False)
    run = create_run_for_test(instance, job_name="publish_job")
    instance.report_run_failed(run, "boom")
    assert "alerts are off" in run_failure_alert(failure_context(instance, store, run)).skip_message
    assert Alerts.of(store).send("run_failed", "k", "text") is False
    with store.engine().connect() as conn:
        assert conn.execute(select(alert_groups)).all() == []
