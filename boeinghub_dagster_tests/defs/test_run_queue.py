"""Every run of a limited asset carries its `boeinghub/api` tag, however it was launched, or stops before any call.

The live path (the webserver's GraphQL, as the asset graph's *Materialize* and backfills send it, queued by the
daemon) is in browser/test_operator_console.py; here are the pieces, in-process.
"""

import shutil

import dagster as dg
import pytest
from dagster._core.events import DagsterEventType

from boeinghub_dagster.defs.extraction.assets import extraction
from boeinghub_dagster.defs.extraction.jobs import extraction_job
from boeinghub_dagster.defs.publishing.jobs import publish_job
from boeinghub_dagster.defs.sync.jobs import hourly_sync_job
from boeinghub_dagster.domain.run_queue import API_TAG, api_for
from boeinghub_dagster.run_queue import TaggedRunCoordinator, queue_tags
from boeinghub_dagster_tests.support.dagster_instances import LOCAL_YAML

RAW, STAGED, PRODUCTS, HASHES = "boeing_raw_responses", "staged_products", "shopify_products", "sync_hashes"


def _run(*assets: str, tags: dict | None = None, job: str = "__ASSET_JOB") -> dg.DagsterRun:
    return dg.DagsterRun(job_name=job, asset_selection={dg.AssetKey(a) for a in assets} or None, tags=tags or {})


@pytest.mark.parametrize(
    "assets,wanted",
    [
        ((RAW, STAGED), "boeing"),
        ((STAGED,), "boeing"),
        ((PRODUCTS,), "shopify"),
        ((HASHES,), "boeing-sync"),
        ((RAW, STAGED, PRODUCTS), "boeing"),
        ((PRODUCTS, HASHES), "boeing-sync"),
        (("intake_batch_report",), None),
    ],
)
def test_a_run_is_tagged_from_its_assets_the_scarcer_limit_first(assets, wanted):
    assert api_for(assets) == wanted
    assert queue_tags(_run(*assets)) == ({API_TAG: wanted} if wanted else {})
    assert queue_tags(_run(*assets, tags={API_TAG: "anything"})) == (
        {API_TAG: wanted} if wanted else {}
    )  # the queue's rule
    assert queue_tags(_run(job="extraction_job", tags={API_TAG: "boeing"})) == {}  # a whole job's run: its own tags


def test_the_jobs_carry_the_tag_their_assets_call_for():
    for job, assets in ((extraction_job, (RAW, STAGED)), (publish_job, (PRODUCTS,)), (hourly_sync_job, (HASHES,))):
        assert job.tags[API_TAG] == api_for(assets), job.name


def test_the_instance_files_queue_runs_through_the_tagging_coordinator(tmp_path, pg_instance):
    shutil.copy(LOCAL_YAML, tmp_path / "dagster.yaml")
    local = dg.DagsterInstance.from_config(str(tmp_path))
    try:
        for instance in (local, pg_instance):
            assert isinstance(instance.run_coordinator, TaggedRunCoordinator)
            limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
            assert {(li["value"], li["limit"]) for li in limits} == {("boeing", 4), ("boeing-sync", 1), ("shopify", 2)}
    finally:
        local.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_untagged_asset_graph_run_stops_before_any_boeing_call_naming_the_job(
    store, boeing, boeing_sandbox, instance
):
    defs = dg.Definitions(assets=[extraction], resources={"store": store, "boeing": boeing})
    job = defs.resolve_implicit_global_asset_job_def()
    assert job.name == "__ASSET_JOB"
    instance.add_dynamic_partitions("part_numbers", ["BACB30LH3-4"])
    result = job.execute_in_process(instance=instance, partition_key="BACB30LH3-4", raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type == DagsterEventType.STEP_FAILURE)
    text = failure.step_failure_data.user_failure_data.description
    assert "`boeinghub/api=boeing` limit" in text and "`extraction_job`" in text and "`intake_part_list`" in text
    assert boeing_sandbox.stats()["price_calls"] == 0
    tagged = job.execute_in_process(instance=instance, partition_key="BACB30LH3-4", tags={API_TAG: "boeing"})
    assert tagged.success and boeing_sandbox.stats()["price_calls"] == 1
