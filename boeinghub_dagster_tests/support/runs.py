"""Materialize part partitions in one run, as a single-run backfill would."""

from __future__ import annotations

import dagster as dg

from boeinghub_dagster.defs.extraction.assets import extraction
from boeinghub_dagster.defs.partitions import part_numbers


def add_parts(instance: dg.DagsterInstance, parts: list[str]) -> None:
    existing = set(instance.get_dynamic_partitions(part_numbers.name))
    instance.add_dynamic_partitions(part_numbers.name, [p for p in parts if p not in existing])


def check_metadata(result, check_name: str) -> dict:
    """The metadata values of one check evaluation in a run result."""
    evaluation = next(e for e in result.get_asset_check_evaluations() if e.check_name == check_name)
    return {k: v.value for k, v in evaluation.metadata.items()}


def materialize_parts(
    instance, parts: list[str], resources: dict, assets=None, raise_on_error=True, run_config=None, selection=None
):
    """One run over exactly `parts` (added as partitions first, contiguous in partition order)."""
    add_parts(instance, parts)
    keys = instance.get_dynamic_partitions(part_numbers.name)
    index = sorted(keys.index(p) for p in parts)
    assert index == list(range(index[0], index[0] + len(parts))), "parts must be contiguous partitions"
    return dg.materialize(
        assets or [extraction],
        instance=instance,
        resources=resources,
        tags={
            "dagster/asset_partition_range_start": keys[index[0]],
            "dagster/asset_partition_range_end": keys[index[-1]],
        },
        raise_on_error=raise_on_error,
        run_config=run_config,
        selection=selection,
    )
