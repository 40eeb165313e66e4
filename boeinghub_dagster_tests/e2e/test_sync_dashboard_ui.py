"""The sync dashboard's chart renders in the Dagster UI: a real dagster-webserver, headless Chromium, a screenshot."""

import os
import shutil
import signal
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dagster as dg
import pytest

from boeinghub_dagster.defs.sync.assets import sync_dashboard
from boeinghub_dagster.domain.clock import utcnow
from boeinghub_dagster.resources.boeing import BoeingResource
from boeinghub_dagster.resources.store import StoreResource
from boeinghub_dagster_tests.defs.test_definitions import ENV
from boeinghub_dagster_tests.support.waiting import first_answer, free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium")  # Debian's; Playwright drives it, nothing is downloaded
pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")]


def _seed(store: StoreResource, n: int = 265) -> None:
    now = utcnow()
    rows = [
        {
            "part_number": f"P{i:04d}",
            "sku": f"P{i:04d}",
            "shopify_product_id": f"gid://shopify/Product/{i}",
            "shopify_variant_id": f"gid://shopify/ProductVariant/{i}",
            "inventory_item_id": f"gid://shopify/InventoryItem/{i}",
            "price": Decimal("11.00"),
            "cost": Decimal("10.00"),
            "quantity": 5,
            "image_url": "x",
            "payload_hash": "h",
            "status": "published",
        }
        for i in range(n)
    ]
    store.publishing().record_published(rows)
    outcomes = ("unchanged", "changed", "unchanged", "held", "failed")
    history = [
        {
            "part_number": r["part_number"],
            "sku": r["sku"],
            "at": now - timedelta(hours=i % 24, minutes=5),
            "outcome": outcomes[i % 5],
            "reason": None,
        }
        for i, r in enumerate(rows)
    ]
    updates = [
        {
            "part_number": h["part_number"],
            "sync_status": "failed" if h["outcome"] == "failed" else "success",
            "last_sync_at": h["at"],
        }
        for h in history
    ]
    store.sync().record(updates, history)


def test_the_dashboard_chart_renders_on_the_asset_page(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    store = StoreResource(database_url=db)
    _seed(store)
    boeing = BoeingResource(
        client_id="a",
        client_secret="b",
        username="c",
        password="d",
        oauth_token_url="http://x",
        pna_oauth_url="http://x",
        pna_price_url="http://x",
        store=store,
        rate_per_min=0.2,
        batch_size=10,
    )
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        assert dg.materialize([sync_dashboard], instance=instance, resources={"store": store, "boeing": boeing}).success
    finally:
        instance.dispose()

    port = free_port()
    env = {
        **os.environ,
        **ENV,
        "DAGSTER_HOME": str(home),
        "BOEINGHUB_DATABASE_URL": db,
        "SHOPIFY_SHOP_URL": "x",
        "SHOPIFY_ACCESS_TOKEN": "t",
        "BOEINGHUB_INBOX": str(tmp_path / "inbox"),
    }
    web = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "dagster-webserver"),
            "-w",
            "workspace.yaml",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        first_answer(
            f"http://127.0.0.1:{port}/server_info",
            web,
            240,
            "dagster-webserver",
            every=0.5,
            ok=lambda r: r.status_code == 200,
        )
        out = tmp_path / "sync_dashboard.png"
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1400, "height": 2200})
            page.set_default_timeout(90_000)
            page.goto(f"http://127.0.0.1:{port}/assets/sync_dashboard")
            page.get_by_text("[Show Markdown]").click()
            chart = page.locator("img[src^='data:image/svg+xml']")
            chart.wait_for(state="visible")
            assert chart.evaluate("img => img.complete && img.naturalWidth") >= 700  # the SVG decoded and laid out
            page.get_by_role("heading", name="Sync dashboard").scroll_into_view_if_needed()
            page.screenshot(path=str(out))
            browser.close()
        assert out.stat().st_size > 20_000
        if os.environ.get("SYNC_DASHBOARD_SCREENSHOT"):  # keep it to look at
            shutil.copy(out, os.environ["SYNC_DASHBOARD_SCREENSHOT"])
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(30)
