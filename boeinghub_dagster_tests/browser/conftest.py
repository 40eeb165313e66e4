"""Operator flows in a real browser: Playwright driving Debian's Chromium against one running hub.

The hub (`dagster dev` on a temporary instance from deploy/dagster.postgres.yaml, store on the same
PostgreSQL server, both sandboxes and the files server, the environment `scripts/hub` sets, random
credentials) starts once per session and is shared with the secrets scan; Boeing answers at 600
calls a minute so runs finish in seconds, under the fault knobs of `support/operator_batch.py`. Nothing is
downloaded at test time: the browser is `/usr/bin/chromium` (`.ci/run` installs it); without it these tests
skip, except in CI, where they fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from boeinghub_dagster_tests.support.live_hub import shared_live_hub
from boeinghub_dagster_tests.support.operator_batch import start_operator_batch, wait_published
from boeinghub_dagster_tests.support.waiting import wait_until as wait_for  # noqa: F401 - the tests use it

CHROMIUM = Path("/usr/bin/chromium")
# Generous on purpose: on a busy machine the UI's bundle, its GraphQL answers and the runs behind them all
# take longer. A wait only lasts this long when something is wrong; the tests wait for events, not time.
UI_TIMEOUT_MS = 90_000  # Playwright actions, navigations and `expect` assertions (its own default is 5 s)
RUN_TIMEOUT_S = 300  # a run the test launched to reach a state (queued, started, finished)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install chromium; .ci/run does)")
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def hub(tmp_path_factory, pg_admin_url):
    with shared_live_hub(tmp_path_factory, pg_admin_url, on_start=start_operator_batch) as live:
        yield live


@pytest.fixture(scope="module")  # not session: Playwright's sync loop must be gone before other tests use asyncio
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=UI_TIMEOUT_MS)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, hub):
    """A fresh browser context (no stored UI state) on a 1600×1000 window."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, base_url=hub.url)
    context.set_default_timeout(UI_TIMEOUT_MS)
    context.set_default_navigation_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def shoot(page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    print(f"screenshot: {path}")
    return path


@pytest.fixture(scope="session")
def published_batch(hub):
    """The publish-target file dropped when the hub started, extracted and published by the sensors:
    (file name, fetched parts, the unknown part)."""
    return wait_published(hub, timeout=2 * RUN_TIMEOUT_S)
