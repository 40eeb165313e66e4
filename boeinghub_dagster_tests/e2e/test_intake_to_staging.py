"""A file dropped in the inbox ends, after its run executes, with its parts staged and counted in the batch view."""

import dagster as dg
import pytest

from boeinghub_dagster.defs.extraction.assets import extraction
from boeinghub_dagster.defs.extraction.jobs import extraction_job
from boeinghub_dagster.defs.intake.assets import COLUMNS, intake_batch_report
from boeinghub_dagster.resources.inbox import InboxResource
from boeinghub_dagster_tests.support.expected import expected_staging
from boeinghub_dagster_tests.support.inbox import Ticker
from boeinghub_dagster_tests.support.intake_runs import execute_requests, report_row


def test_dropped_file_is_staged_and_reported(tmp_path, store, boeing, boeing_sandbox, instance):
    inbox = InboxResource(path=str(tmp_path / "inbox"))
    defs = dg.Definitions(
        assets=[extraction, intake_batch_report],
        jobs=[extraction_job],
        resources={"store": store, "boeing": boeing, "inbox": inbox},
    )
    ticker = Ticker(instance, inbox, store, record_runs=False)
    instance.add_dynamic_partitions(
        "part_numbers", ["MS20470AD4-6"]
    )  # known before: the file's parts are not contiguous
    parts = ["BACB30LH3-4", "UNKNOWN-5", "MS20470AD4-6", "NOPRICE-1", "WF338109=K3"]
    ticker.drop("order-42.csv", ("part_number,qty\n" + "\n".join(f"{p},1" for p in parts) + "\nBAD|ONE,1\n").encode())

    requests = ticker.settle().run_requests
    assert len(requests) == 1  # the known part is next to the new ones in partition order: one exact run
    (result,) = execute_requests(defs, instance, requests)
    assert result.success
    staged = {r["part_number"]: r["status"] for r in store.staging().rows(parts)}
    assert staged == expected_staging(parts)
    assert instance.get_materialized_partitions(dg.AssetKey("staged_products")) == set(staged)

    assert ticker.tick().run_requests == []  # the run is seen: its chunk is done, nothing is asked again
    report = dg.materialize([intake_batch_report], instance=instance, resources={"store": store})
    table = report.asset_materializations_for_node("intake_batch_report")[0].metadata["batches"].value
    row = report_row(table, "order-42.csv", COLUMNS)
    assert {
        k: row[k] for k in ("status", "accepted", "answered", "staged", "failed", "left", "chunks", "lines", "rejected")
    } == {
        "status": "done",
        "accepted": "5",
        "answered": "5",
        "staged": str(len(staged)),
        "failed": "1",
        "left": "0",
        "chunks": "1 success",
        "lines": "6",
        "rejected": "1",
    }
    assert "not returned by Boeing" in row["failure_reasons"]
    assert row["run_id"] == result.run_id[:8]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_batch_report_shows_rejected_files(tmp_path, store, instance):
    ticker = Ticker(instance, InboxResource(path=str(tmp_path / "inbox")), store)
    ticker.drop("empty.txt", b"")
    ticker.settle()
    report = dg.materialize([intake_batch_report], instance=instance, resources={"store": store})
    meta = report.asset_materializations_for_node("intake_batch_report")[0].metadata
    assert meta["files_rejected"].value == 1
    assert "empty.txt" in meta["batches"].value and "rejected" in meta["batches"].value
