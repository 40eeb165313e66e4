"""A failed part stays findable on its own partition.

Each failed part gets an `AssetObservation` on its partition (the partition
page in the UI shows the reason) and a row in `part_failures`; its partition is
left unmaterialized rather than silently green.
"""

import dagster as dg


def failed_part_observations(
    context: dg.AssetExecutionContext, asset_key: dg.AssetKey, failures: list[tuple[str, str]]
) -> None:
    for part, reason in failures:
        context.log_event(
            dg.AssetObservation(
                asset_key=asset_key,
                partition=part,
                metadata={"status": "failed", "reason": reason, "run_id": context.run_id},
            )
        )
