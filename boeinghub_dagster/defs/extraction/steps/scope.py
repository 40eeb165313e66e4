"""Which parts one extraction run answers for, and since when an answer counts as its own.

An intake run carries its batch and chunk (its exact parts: contiguous in partition order,
so its planned partitions are exactly them, or scattered, and then the run has no range). A backfill run counts answers
fetched since its backfill was launched, and puts the whole backfill's parts in the
request queue up front: Dagster splits a scattered selection into one run per
contiguous range, and the first of those runs then packs full calls for all of them.
"""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg

from boeinghub_dagster.defs.extraction.steps.report import RAW
from boeinghub_dagster.defs.partitions import part_numbers
from boeinghub_dagster.domain.clock import aware, utcnow
from boeinghub_dagster.resources.store import StoreResource

BACKFILL_TAG = "dagster/backfill"


def run_parts(
    context: dg.AssetExecutionContext, batch_id: int, chunk: int, store: StoreResource
) -> tuple[list[str], datetime]:
    """(parts, asked since) for this run."""
    if batch_id and chunk:
        if store.chunks().status(batch_id, chunk) == "canceled":  # canceled with its batch before this run started
            context.log.warning(
                f"batch {batch_id} chunk {chunk} was canceled by the operator: this run asks Boeing nothing"
            )
            return [], utcnow()
        parts, asked_since = store.chunks().parts(batch_id, chunk)
        return parts, asked_since or utcnow()
    if batch_id:  # a whole batch, as launched before batches were cut into chunks
        return store.intake().parts(batch_id), aware(store.intake().get(batch_id)["created_at"])
    backfill = _backfill(context)
    since = datetime.fromtimestamp(backfill.backfill_timestamp, UTC) if backfill else utcnow()
    return list(context.partition_keys), since


def _backfill(context: dg.AssetExecutionContext):
    backfill_id = context.run.tags.get(BACKFILL_TAG)
    return context.instance.get_backfill(backfill_id) if backfill_id else None


def backfill_parts(context: dg.AssetExecutionContext) -> tuple[str, list[str]] | None:
    """(requester name, every part the run's backfill targets), or None outside a backfill."""
    backfill = _backfill(context)
    if backfill is None:
        return None
    if backfill.is_asset_backfill and backfill.asset_backfill_data is not None:
        subset = backfill.asset_backfill_data.target_subset.partitions_subsets_by_asset_key.get(RAW)
        if subset is None:
            return None
        keys = _subset_keys(subset, context.instance)
    else:
        keys = list(backfill.partition_names or [])
    return f"backfill:{backfill.backfill_id}", keys


def _subset_keys(subset, instance) -> list[str]:
    """The subset's keys in partition order (a subset is a set): runs in flight get theirs first."""
    order = {k: i for i, k in enumerate(instance.get_dynamic_partitions(part_numbers.name))}
    ranges = getattr(subset, "key_ranges", None)
    if ranges is None:
        return sorted(subset.get_partition_keys(), key=lambda k: order.get(k, len(order)))
    out: list[str] = []
    for key_range in ranges:
        with dg.partition_loading_context(dynamic_partitions_store=instance):
            out += part_numbers.get_partition_keys_in_range(key_range)
    return out
