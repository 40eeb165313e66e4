"""The operator's console in Chromium against the running hub: a pasted part list, a canceled batch, and
every launch path of the asset graph held by the run queue's `boeinghub/api` limits.

Named to run after test_operator_flows.py on a shared hub: its tests read the hub as the operator batch
left it (sync_hashes never materialized; few events on the asset pages), which these tests change.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import dagster as dg
from playwright.sync_api import expect

from boeinghub_dagster_tests.browser.conftest import shoot, wait_for

MATERIALIZE = re.compile(r"^\s*Materialize\s*$")
ACTIVE = {dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED}
LAUNCH_BACKFILL = """mutation($params: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: $params) {
  __typename ... on LaunchBackfillSuccess { backfillId } ... on PythonError { message } ... on Error { message } } }"""


def launch_from_the_launchpad(page, job: str, config: dict) -> str:
    """Open the job's launchpad, replace its config with `config` (JSON is YAML), launch; the new run's id."""
    page.goto(f"/locations/boeinghub/jobs/{job}/playground")
    editor = page.locator(".CodeMirror").first
    expect(editor).to_be_visible(timeout=30_000)
    editor.evaluate("(el, text) => el.CodeMirror.setValue(text)", json.dumps(config))
    launch = page.get_by_role("button", name="Launch Run")
    expect(launch).to_be_enabled(timeout=30_000)
    launch.click()
    page.wait_for_url(re.compile(r"/runs/[0-9a-f-]{36}"))
    return re.search(r"/runs/([0-9a-f-]{36})", page.url).group(1)


def batch_row(page, name: str) -> str:
    """The batch view's row for `name`, after the operator refreshes the view."""
    page.goto("/assets/intake_batch_report")
    page.locator("button", has_text=MATERIALIZE).click()
    page.wait_for_timeout(4000)
    page.reload()
    expect(page.get_by_text("batches_shown")).to_be_visible()
    if page.get_by_text("[Show Markdown]").count():
        page.get_by_text("[Show Markdown]").first.click()
    row = page.locator("tr", has_text=name)
    return row.last.inner_text() if row.count() else ""


def test_a_pasted_200_part_scattered_list_is_one_full_run(page, hub, published_batch, tmp_path):
    registered = [f"NAS1149C{i:04d}R" for i in range(600)]
    hub.instance.add_dynamic_partitions("part_numbers", registered)
    picked = registered[::3]  # 200 parts, no two next to each other in partition order
    before = hub.boeing.stats()
    run_id = launch_from_the_launchpad(
        page, "intake_part_list", {"ops": {"record_part_list_op": {"config": {"part_numbers": "\n".join(picked)}}}}
    )
    expect(page.get_by_text("Success", exact=True).first).to_be_visible(timeout=90_000)
    assert hub.finished(run_id, 120).status == dg.DagsterRunStatus.SUCCESS
    batch = next(b for b in hub.store.intake().report() if b["file_name"] == f"pasted list (run {run_id[:8]})")
    assert batch["accepted"] == 200

    def chunk_runs():
        runs = hub.instance.get_runs(filters=dg.RunsFilter(tags={"boeinghub/intake-batch": str(batch["id"])}))
        return runs if runs and all(r.is_finished for r in runs) else None

    runs = wait_for(chunk_runs, 180, "the pasted list's chunk runs")
    assert [r.status for r in runs] == [dg.DagsterRunStatus.SUCCESS]  # one run for 200 scattered parts, not 200
    assert "dagster/asset_partition_range_start" not in runs[0].tags  # never a range over the 400 parts between
    stats = hub.boeing.stats()
    assert (
        stats["price_calls"] - before["price_calls"] == 20
        and stats["codes_requested"] - before["codes_requested"] == 200
    )
    page.goto(f"/runs/{runs[0].run_id}")
    expect(page.get_by_text("extraction: 200 asked").first).to_be_visible(timeout=30_000)
    shoot(page, tmp_path, "pasted-list-run")


def test_cancelling_a_running_batch_shows_it_canceled(page, hub, published_batch, tmp_path):
    parts = [f"MS20426AD{i:04d}-4" for i in range(2000)]
    hub.boeing.admin(latency_ms=1500)  # each Boeing call takes 1.5 s: the batch runs for minutes
    try:
        hub.drop("cancel-me.txt", parts)
        batch = wait_for(
            lambda: next(
                (b for b in hub.store.intake().report() if b["file_name"] == "cancel-me.txt" and b["answered"] >= 10),
                None,
            ),
            180,
            "the batch running, with answers",
        )
        running = [
            r
            for r in hub.instance.get_runs(filters=dg.RunsFilter(tags={"boeinghub/intake-batch": str(batch["id"])}))
            if r.status in ACTIVE
        ]
        assert running, "no chunk run in flight"
        run_id = launch_from_the_launchpad(
            page, "cancel_intake_batch", {"ops": {"cancel_intake_batch_op": {"config": {"batch_id": batch["id"]}}}}
        )
        assert hub.finished(run_id, 120).status == dg.DagsterRunStatus.SUCCESS
        for run in running:
            assert hub.finished(run.run_id, 90).status == dg.DagsterRunStatus.CANCELED
    finally:
        hub.boeing.admin(latency_ms=0)
    wait_for(lambda: hub.store.requests().open_parts(parts) == set(), 60, "the batch's parts out of the Boeing queue")
    seen = {"row": ""}

    def canceled():
        seen["row"] = batch_row(page, "cancel-me.txt")
        return "\tcanceled\t" in seen["row"]

    wait_for(canceled, 90, "the batch's row, canceled, in intake_batch_report", every=0)
    shoot(page, tmp_path, "batch-canceled")
    recorded = [f["reason"] for r in running for f in hub.store.staging().failures(run_id=r.run_id)]
    assert not [r for r in recorded if r.startswith("run canceled")]  # withdrawn on purpose, not failed
    after = len(hub.instance.get_runs(filters=dg.RunsFilter(tags={"boeinghub/intake-batch": str(batch["id"])})))
    page.wait_for_timeout(12_000)  # two inbox sensor ticks: nothing asks for the canceled chunks again
    assert len(hub.instance.get_runs(filters=dg.RunsFilter(tags={"boeinghub/intake-batch": str(batch["id"])}))) == after


def _asset_job(assets: list[str], tags: list[dict]) -> dict:
    return {
        "selector": {
            "repositoryLocationName": "boeinghub",
            "repositoryName": "__repository__",
            "jobName": "__ASSET_JOB",
            "assetSelection": [{"path": [a]} for a in assets],
        },
        "executionMetadata": {"tags": tags},
        "runConfigData": {},
    }


def test_asset_graph_runs_and_backfills_carry_their_run_queue_tag(hub, published_batch):
    _, fetched, _ = published_batch
    hour = datetime.now(UTC).strftime("%Y-%m-%d-%H:00")
    launched = hub.launch(_asset_job(["sync_hashes"], [{"key": "dagster/partition", "value": hour}]))
    sync_run = hub.instance.get_run_by_id(launched)
    assert (sync_run.job_name, sync_run.tags["boeinghub/api"]) == ("__ASSET_JOB", "boeing-sync")

    backfills = {}
    for assets, parts in (
        (["boeing_raw_responses", "staged_products"], fetched[:2]),
        (["shopify_products"], fetched[:1]),
    ):
        params = {"partitionNames": parts, "assetSelection": [{"path": [a]} for a in assets], "title": "asset graph"}
        result = hub.graphql(LAUNCH_BACKFILL, {"params": params})["launchPartitionBackfill"]
        assert result["__typename"] == "LaunchBackfillSuccess", result
        backfills[result["backfillId"]] = "shopify" if assets == ["shopify_products"] else "boeing"

    def backfill_runs():  # submitted: the coordinator tags a run when it queues it, just after the daemon creates it
        runs = {b: hub.instance.get_runs(filters=dg.RunsFilter(tags={"dagster/backfill": b})) for b in backfills}
        submitted = all(r.status != dg.DagsterRunStatus.NOT_STARTED for rs in runs.values() for r in rs)
        return runs if all(runs.values()) and submitted else None

    for backfill_id, runs in wait_for(backfill_runs, 120, "the backfills' runs").items():
        assert {(r.job_name, r.tags.get("boeinghub/api")) for r in runs} == {("__ASSET_JOB", backfills[backfill_id])}
    assert hub.finished(sync_run.run_id, 120).status == dg.DagsterRunStatus.SUCCESS  # held by the queue, then run
