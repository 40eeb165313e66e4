"""What an operator does and reads in the Dagster UI, in Chromium, against the running hub.

Each test saves a screenshot of what it asserted under its tmp dir (printed; `pytest -s` shows it).
Tests wait for events (a run's end, a materialization in the instance, a row in the store) with generous
deadlines, then read the UI once; the UI's own waits are Playwright's, 90 s (`conftest.py`).
"""

from __future__ import annotations

import re
import time

import dagster as dg
from dagster._core.execution.backfill import BulkActionStatus
from playwright.sync_api import expect

from boeinghub_dagster_tests.browser.conftest import RUN_TIMEOUT_S, shoot, wait_for
from boeinghub_dagster_tests.support.expected import expected_staging, part_list

NUX_TEXT = "Join the Dagster community"  # the sign-up modal Dagster shows when `nux` is on
MATERIALIZE = re.compile(r"^\s*Materialize\s*$")


def test_ui_opens_on_the_operators_work_without_the_sign_up_modal(page, hub, tmp_path):
    assert hub.graphql("{ shouldShowNux }")["shouldShowNux"] is False
    page.goto("/overview")
    expect(page.get_by_role("link", name="Catalog")).to_be_visible()
    page.wait_for_timeout(3000)  # the modal, when on, opens once the page settled
    expect(page.get_by_text(NUX_TEXT)).to_have_count(0)
    expect(page.get_by_role("dialog")).to_have_count(0)
    page.goto("/locations/boeinghub/jobs/extraction_job")
    expect(page.get_by_text("Fetch Boeing price and availability")).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)
    shoot(page, tmp_path, "ui-no-nux")


def test_asset_graph_shows_raw_then_staged_then_shopify_products_then_sync_hashes(page, tmp_path):
    page.goto("/assets/sync_hashes?view=lineage&lineageScope=upstream&lineageDepth=5")
    chain = ["boeing_raw_responses", "staged_products", "shopify_products", "sync_hashes"]
    boxes = []
    for name in chain:
        node = page.get_by_text(name, exact=True).last
        expect(node).to_be_visible()
        boxes.append(node.bounding_box())
    shoot(page, tmp_path, "asset-graph")
    xs = [b["x"] for b in boxes]
    assert xs == sorted(xs) and len(set(xs)) == 4, (
        f"not laid out upstream → downstream: {dict(zip(chain, xs, strict=False))}"
    )
    assert max(b["y"] for b in boxes) - min(b["y"] for b in boxes) < 40, "the four assets are not one chain"


def test_operator_adds_two_parts_and_backfills_just_them_from_the_ui(page, hub, tmp_path):
    candidates = part_list(12, "BACB30OP")
    expected = expected_staging(candidates)
    parts = [p for p in candidates if expected.get(p) == "fetched"][:2]
    before = {b.backfill_id for b in hub.instance.get_backfills()}

    page.goto("/locations/boeinghub/jobs/extraction_job")
    page.get_by_role("button", name="Materialize all").first.click()
    launch = page.get_by_role("dialog").filter(has_text="Launch runs to materialize 2 assets")
    for n, part in enumerate(parts, 1):
        launch.get_by_text("Add a partition").click()
        add = page.get_by_role("dialog").filter(has_text="Add a partition for part_numbers")
        add.get_by_placeholder("name").fill(part)
        add.get_by_role("button", name="Save").click()
        expect(add).to_be_hidden()
        # the new partition is selected once the dialog reloaded the partition list
        expect(launch.get_by_text(f"{n} partition{'s' if n > 1 else ''}", exact=True)).to_be_visible()
        page.wait_for_timeout(1000)
    expect(launch.get_by_text("2 partitions")).to_be_visible()
    launch.get_by_role("button", name="Launch backfill").click()
    expect(launch).to_be_hidden()

    backfill_id = wait_for(
        lambda: next(iter({b.backfill_id for b in hub.instance.get_backfills()} - before), None),
        RUN_TIMEOUT_S,
        "the backfill launched from the UI",
    )
    backfill = hub.instance.get_backfill(backfill_id)
    if backfill.asset_backfill_data is not None:
        targeted = backfill.asset_backfill_data.target_subset.get_partitions_subset(
            dg.AssetKey("staged_products")
        ).get_partition_keys()
    else:  # launched from the job page: a job backfill over the named partitions
        targeted = backfill.partition_names
    assert sorted(targeted) == sorted(parts)
    done = lambda: hub.instance.get_backfill(backfill_id).status != BulkActionStatus.REQUESTED  # noqa: E731
    wait_for(done, RUN_TIMEOUT_S, "the backfill to finish")
    runs = hub.instance.get_run_records(filters=dg.RunsFilter(tags={"dagster/backfill": backfill_id}))
    assert [r.dagster_run.status for r in runs] == [dg.DagsterRunStatus.SUCCESS]
    tags = runs[0].dagster_run.tags  # one run over exactly those two parts, added one after the other
    assert (tags["dagster/asset_partition_range_start"], tags["dagster/asset_partition_range_end"]) == tuple(parts)
    assert {r["part_number"] for r in hub.store.staging().rows(parts)} == set(parts)

    page.goto(f"/runs/b/{backfill_id}?tab=runs")
    expect(page.get_by_text("Succeeded", exact=True)).to_be_visible()  # the backfill
    expect(page.get_by_text("2 partitions", exact=True)).to_be_visible()
    expect(page.get_by_text("Success", exact=True)).to_have_count(1)  # its one run
    expect(page.get_by_text(runs[0].dagster_run.run_id[:8], exact=True)).to_be_visible()
    shoot(page, tmp_path, "backfill-two-parts")


def _materialized_since(hub, asset: str, since: float):
    """The newest materialization of `asset` recorded after `since` (epoch seconds), or None."""
    record = hub.instance.get_latest_materialization_event(dg.AssetKey(asset))
    return record if record is not None and record.timestamp > since else None


def _batch_row(hub, name: str) -> dict | None:
    return next((r for r in hub.store.intake().report(limit=50) if r["file_name"] == f"publish/{name}"), None)


def test_dropped_intake_file_appears_in_the_batch_view(page, hub, published_batch, tmp_path):
    name, fetched, unknown = published_batch
    # Events first: the batch is done in the store (its chunk runs ended), then the operator refreshes the
    # view once, and the refresh run's materialization lands; only then is the UI read.
    wait_for(lambda: (_batch_row(hub, name) or {}).get("status") == "done", RUN_TIMEOUT_S, "the batch to be done")
    page.goto("/assets/intake_batch_report")
    clicked = time.time()
    page.locator("button", has_text=MATERIALIZE).click()
    wait_for(
        lambda: _materialized_since(hub, "intake_batch_report", clicked),
        RUN_TIMEOUT_S,
        "the batch view refreshed after the batch was done",
    )
    page.reload()
    expect(page.get_by_text("batches_shown")).to_be_visible()
    if page.get_by_text("[Show Markdown]").count():  # a long table is behind a link, in a dialog
        page.get_by_text("[Show Markdown]").first.click()
    row = page.locator("tr", has_text=f"publish/{name}").last  # last: the Markdown table's own row
    expect(row).to_contain_text("done")
    row.scroll_into_view_if_needed()
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    shoot(page, tmp_path, "batch-view")
    # id, file_name, status, accepted, answered, staged, failed, left, ...
    assert cells[1:8] == [
        f"publish/{name}",
        "done",
        str(len(fetched) + 1),
        str(len(fetched) + 1),
        str(len(fetched)),
        "1",
        "0",
    ], cells
    assert "not returned by Boeing" in row.inner_text()


def test_sync_dashboard_shows_its_chart(page, hub, published_batch, tmp_path):
    page.goto("/assets/sync_dashboard")
    clicked = time.time()
    page.locator("button", has_text=MATERIALIZE).click()
    page.get_by_role("button", name="Confirm").click()  # sync_hashes has not run yet: Dagster asks first
    wait_for(lambda: _materialized_since(hub, "sync_dashboard", clicked), RUN_TIMEOUT_S, "the sync_dashboard run")
    page.reload()
    expect(page.get_by_text("parts_scheduled")).to_be_visible()
    page.get_by_text("[Show Markdown]").click()
    dialog = page.get_by_role("dialog")
    chart = dialog.locator("img[src^='data:image/svg+xml']")
    expect(chart).to_have_count(1)
    chart.scroll_into_view_if_needed()
    page.wait_for_function("e => e.complete && e.naturalWidth > 0", arg=chart.element_handle())  # decoded
    width, height, complete = chart.evaluate("e => [e.naturalWidth, e.naturalHeight, e.complete]")
    shoot(page, tmp_path, "sync-dashboard-chart")
    assert complete and width >= 700 and height >= 300, (width, height)
    assert dialog.get_by_text("parts scheduled").count() == 1


def test_failed_part_shows_its_reason_on_its_partition(page, published_batch, tmp_path):
    _, _, unknown = published_batch
    page.goto(f"/assets/boeing_raw_responses?view=partitions&partition={unknown}")
    expect(page.get_by_text("Latest materialization")).to_be_visible()
    expect(page.get_by_role("button", name="View all historical events (1)")).to_be_visible()  # its observation
    assert page.get_by_text("None").count() >= 1  # never materialized: no silent green partition

    page.goto(f"/assets/boeing_raw_responses?view=events&partition={unknown}")
    page.get_by_text(unknown, exact=True).first.click()
    expect(page.get_by_text(re.compile(rf"Partition\s+{unknown}\s+observed in run"))).to_be_visible()
    reason = page.locator("tr", has_text="reason")
    expect(reason).to_contain_text("not returned by Boeing")
    expect(page.locator("tr", has_text="status").first).to_contain_text("failed")
    shoot(page, tmp_path, "failed-part-reason")
