"""Looking parts up in the Dagster UI (issue 15 item 1), in Chromium against the running hub: one run, one table.

The operator opens `lookup_parts`' launchpad with a pasted list (a fine part, one Boeing does not know, one
whose price the guard holds, and a value that is not a part number), launches it, and reads each part's
row in the run's Markdown table. A screenshot of the table is saved under the test's tmp dir.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import dagster as dg
from playwright.sync_api import expect

from boeinghub_dagster_tests.browser.conftest import shoot, wait_for

RUN_URL = re.compile(r"/runs/([0-9a-f-]{36})")


def test_operator_looks_up_a_fine_an_unknown_and_a_held_part_in_one_table(page, hub, published_batch, tmp_path):
    _, fetched, unknown = published_batch
    fine, held = fetched[1], fetched[2]
    hub.boeing.admin(repriced=held)  # Boeing's price for `held` doubles: its sync now is held for approval
    try:
        sync = hub.launch_job("sync_part_now", {"ops": {"sync_one_part": {"config": {"part_number": held}}}})
        assert hub.finished(sync, 120).status == dg.DagsterRunStatus.SUCCESS
    finally:
        hub.boeing.admin(repriced="")
    assert hub.store.publishing().holds([held])[held]["approved_at"] is None

    lines = "".join(f"        {value}\n" for value in (fine, unknown, held, "NOT|A-PART"))
    config = f"ops:\n  look_up_parts:\n    config:\n      text: |\n{lines}"
    page.goto(f"/locations/boeinghub/jobs/lookup_parts/playground/setup?config={quote(config)}")
    launch = page.get_by_role("button", name="Launch Run")
    expect(launch).to_be_enabled()
    launch.click()
    page.wait_for_url(RUN_URL)
    run_id = RUN_URL.search(page.url).group(1)
    assert hub.finished(run_id, 120).status == dg.DagsterRunStatus.SUCCESS

    page.goto(f"/runs/{run_id}?logs=type:STEP_OUTPUT")  # the run's log, filtered to its output (the table)

    def table_shown():
        if page.get_by_text("[Show Markdown]").count():
            return True
        page.reload()
        return False

    try:
        wait_for(table_shown, 60, "the lookup's table in the run's log", every=2.0)
    finally:
        shoot(page, tmp_path, "lookup-run")
    page.get_by_text("[Show Markdown]").first.click()
    dialog = page.get_by_role("dialog")
    rows = {part: dialog.locator("tr", has_text=part).first for part in (fine, unknown, held, "NOT|A-PART")}
    for row in rows.values():
        expect(row).to_be_visible()
    text = {part: row.inner_text() for part, row in rows.items()}
    shoot(page, tmp_path, "lookup-table")
    assert "fetched" in text[fine] and "ACTIVE" in text[fine] and "Online Store" in text[fine], text[fine]
    assert "nothing" in text[fine] and "slot" in text[fine]  # nothing waits on it; it has a sync slot
    assert "not returned by Boeing" in text[unknown] and "not on Shopify" in text[unknown], text[unknown]
    assert "extraction: not returned by Boeing" in text[unknown]  # its failure, one click from the run
    assert "price held since" in text[held] and "approve_prices" in text[held], text[held]
    assert "not a part number" in text["NOT|A-PART"]
    link = rows[fine].locator("a").first
    assert link.get_attribute("href").startswith(f"{hub.shopify.url}/admin/products/")  # its admin page
