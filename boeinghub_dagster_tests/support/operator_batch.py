"""The shared live hub's opening state: fault knobs on, and one publish-target intake file dropped.

The file (five parts the sandbox answers `fetched`, and UNKNOWN-1, which it never returns) goes
through extraction and publishing while the first browser tests run, under Boeing token expiry
(401 → refresh), a 429 storm and a Shopify THROTTLED storm. The browser tests read the result in
the UI; the secrets scan runs after it.
"""

from __future__ import annotations

import time

from boeinghub_dagster_tests.support.expected import expected_staging, part_list

FILE_NAME = "operator-batch.txt"
UNKNOWN_PART = "UNKNOWN-1"  # the Boeing sandbox never returns UNKNOWN* parts
# Boeing tokens live 4 s (so runs meet expired tokens and refresh on 401); the next price calls
# are answered 429; the next Shopify calls THROTTLED.
BOEING_FAULTS = {"token_ttl": 4, "storm_429": 3, "storm_retry_after": 1}
SHOPIFY_FAULTS = {"throttle_storm": 3}


def fetched_parts() -> list[str]:
    candidates = part_list(20, "BACB30BV")
    expected = expected_staging(candidates)
    return [p for p in candidates if expected.get(p) == "fetched"][:5]


def start_operator_batch(hub) -> None:
    hub.boeing.admin(**BOEING_FAULTS)
    hub.shopify.admin(**SHOPIFY_FAULTS)
    hub.drop(FILE_NAME, [*fetched_parts(), UNKNOWN_PART], folder="publish")


def wait_published(hub, timeout: float = 240) -> tuple[str, list[str], str]:
    """(file name, fetched parts, the unknown part) once every fetched part is a Shopify product."""
    parts = fetched_parts()
    deadline = time.monotonic() + timeout
    while not set(parts) <= set(hub.shopify.stats()["products_per_part_number"]):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{parts} not published within {timeout:.0f} s")
        time.sleep(2)
    return FILE_NAME, parts, UNKNOWN_PART
