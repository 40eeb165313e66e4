"""Which run-queue limit a run falls under, told by the assets it materializes (pure).

dagster.yaml limits runs by their `boeinghub/api` tag. Jobs carry it; a run launched from
the asset graph (the implicit `__ASSET_JOB`) carries no job tags, so the tag follows from
its assets instead. One run has one value: a run that spans two limits queues under the
scarcer one (Boeing extraction, then the sync's Boeing slot, then Shopify).
"""

from __future__ import annotations

from collections.abc import Iterable

API_TAG = "boeinghub/api"
BOEING, BOEING_SYNC, SHOPIFY = "boeing", "boeing-sync", "shopify"
ASSET_APIS = {
    "boeing_raw_responses": BOEING,
    "staged_products": BOEING,  # computed by the same op as the raw answers
    "shopify_products": SHOPIFY,
    "sync_hashes": BOEING_SYNC,
}
PRECEDENCE = (BOEING, BOEING_SYNC, SHOPIFY)

# The tags jobs carry. dagster.yaml lets one `boeing` run, one `boeing-sync` run (beside, never queued
# behind, the extraction runs) and two `shopify` runs be in flight at a time.
BOEING_RUN_TAGS = {API_TAG: BOEING}
SYNC_RUN_TAGS = {API_TAG: BOEING_SYNC}
SHOPIFY_RUN_TAGS = {API_TAG: SHOPIFY}
JOB_FOR = {
    BOEING: "`extraction_job` (a range of parts), or `intake_part_list` (a list of parts, in a few full runs)",
    BOEING_SYNC: "`hourly_sync_job`",
    SHOPIFY: "`publish_job`",
}


def api_for(asset_names: Iterable[str]) -> str | None:
    """The `boeinghub/api` value a run of these assets must carry, or None when no limit applies."""
    apis = {ASSET_APIS[name] for name in asset_names if name in ASSET_APIS}
    return next((api for api in PRECEDENCE if api in apis), None)
