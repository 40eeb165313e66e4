"""The run coordinator of the hub's instance: Dagster's queue, plus the `boeinghub/api` tag from a run's assets.

Every way a run is launched (a job's page, the asset graph's *Materialize*, a backfill, a
sensor, a schedule, a re-execution) reaches the instance's run coordinator. Dagster has no
run tags per asset (dagster-io/dagster#8979, #15752, #33430 are open), so a run of the implicit
`__ASSET_JOB` over our Boeing or Shopify assets would carry no `boeinghub/api` tag and escape
dagster.yaml's `tag_concurrency_limits`. This subclass sets the tag from the run's asset
selection just before the run enters the queue; the queue's limits then hold it like any
job's run. Limits stay in `concurrency:` (a subclass is not Dagster's `QueuedRunCoordinator`
by class name, so Dagster accepts the two together).

Cost: the webserver and the daemon import this module, so they must run where the package is
installed. `scripts/hub` (both shapes) and the tests do; on Kubernetes the chart's stock webserver
and daemon images do not, so deploy/k8s/values.yaml leaves Dagster's coordinator in place and the
hub's assets refuse an untagged run at once instead (resources/queue_guard.py). Imports nothing of the
definitions: only Dagster and `domain/run_queue.py`.
"""

from __future__ import annotations

from dagster._core.run_coordinator import QueuedRunCoordinator, SubmitRunContext
from dagster._core.storage.dagster_run import DagsterRun

from boeinghub_dagster.domain.run_queue import API_TAG, api_for


def queue_tags(run: DagsterRun) -> dict[str, str]:
    """The tag the queue needs on `run` and it lacks (or has wrong), from its asset selection."""
    wanted = api_for(key.to_user_string() for key in run.asset_selection or ())
    return {API_TAG: wanted} if wanted and run.tags.get(API_TAG) != wanted else {}


class TaggedRunCoordinator(QueuedRunCoordinator):
    """`QueuedRunCoordinator` that tags each run for the queue from its assets before queuing it."""

    def submit_run(self, context: SubmitRunContext) -> DagsterRun:
        run = context.dagster_run
        tags = queue_tags(run)
        if tags:
            self._instance.add_run_tags(run.run_id, tags)
            run = self._instance.get_run_by_id(run.run_id) or run.with_tags({**run.tags, **tags})
            context = SubmitRunContext(run, context.workspace)
        return super().submit_run(context)
