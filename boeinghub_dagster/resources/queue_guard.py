"""The last line of the run queue's limits: an untagged asset-graph run of a limited asset stops at once.

With `boeinghub_dagster.run_queue.TaggedRunCoordinator` in the instance (dagster.yaml and
deploy/dagster.postgres.yaml) every run carries its `boeinghub/api` tag and this never fires.
Where the instance keeps Dagster's own coordinator (Kubernetes with the chart's stock webserver
and daemon images), a run of the implicit asset job reaches its step untagged, having skipped the
queue's limits: the step fails before any Boeing or Shopify call, naming the job to launch instead.
"""

import dagster as dg

from boeinghub_dagster.domain.run_queue import API_TAG, JOB_FOR, api_for

IMPLICIT_ASSET_JOB = "__ASSET_JOB"  # dagster._core.definitions.assets.job.asset_job.IMPLICIT_ASSET_JOB_NAME


def refuse_untagged(context: dg.AssetExecutionContext) -> None:
    run = context.run
    if run.job_name != IMPLICIT_ASSET_JOB or run.tags.get(API_TAG):
        return
    names = sorted(k.to_user_string() for k in context.selected_asset_keys)
    wanted = api_for(names)
    if wanted is None:
        return
    raise dg.Failure(
        description=(
            f"{', '.join(names)} launched from the asset graph runs outside the run queue's `{API_TAG}={wanted}` "
            "limit (this instance's run coordinator does not tag asset-graph runs). "
            f"Launch {JOB_FOR[wanted]} instead: same assets, same partitions, inside the limit. "
            "Nothing was asked of Boeing or Shopify."
        ),
        metadata={"wanted_tag": f"{API_TAG}={wanted}", "assets": dg.MetadataValue.json(names)},
    )
