"""The streaming publish intake: staged parts of publish-target files become one exact publishing run."""

from datetime import UTC

import dagster as dg

from boeinghub_dagster.defs.publishing.sensors import publish_intake_sensor
from boeinghub_dagster.defs.publishing.steps.publisher import STREAM_TAG
from boeinghub_dagster_tests.support.expected import expected_staging, part_list
from boeinghub_dagster_tests.support.publishing import publish, stage

COUNTS = {"lines": 0, "accepted": 0, "rejected": 0, "duplicates": 0}


def _tick(instance, store, cursor=None):
    context = dg.build_sensor_context(instance=instance, resources={"store": store}, cursor=cursor)
    return publish_intake_sensor(context)


def _covered(instance, result) -> list[str]:
    order = instance.get_dynamic_partitions("part_numbers")
    covered = []
    for request in result.run_requests:
        start, end = (
            request.tags["dagster/asset_partition_range_start"],
            request.tags["dagster/asset_partition_range_end"],
        )
        covered += order[order.index(start) : order.index(end) + 1]
        assert request.tags[STREAM_TAG] == "1" and request.tags["boeinghub/api"] == "shopify"
    return covered


def test_staged_parts_of_a_publish_file_get_one_run_over_its_quiet_parts_then_nothing(store, resources, instance):
    parts = part_list(12)  # ends with unknown, blocked and rejected parts, then a fetched one
    fetched = [p for p in parts if expected_staging([p]).get(p) == "fetched"]
    other = ["BACB30NN1-2", "BACB30NN2-3", "BACB30NN3-4"]
    stage(instance, parts + other, resources)  # `other` is staged but came from an extraction-only file
    store.intake().record_batch("parts.csv", "a" * 64, "publish", {**COUNTS, "accepted": len(parts)}, parts)
    store.intake().record_batch("other.csv", "b" * 64, "extraction", {**COUNTS, "accepted": 3}, other)
    assert fetched[-1] == parts[-1] and set(parts[-5:-1]).isdisjoint(fetched)

    result = _tick(instance, store)
    assert len(result.run_requests) == 1  # exact slices would stop at every part that is not fetched
    covered = _covered(instance, result)
    assert covered == parts[parts.index(fetched[0]) :]  # never another file's part
    assert set(fetched) <= set(covered)

    publish(instance, parts, resources)  # what the requested run does
    again = _tick(instance, store, result.cursor)
    assert again.run_requests == [] and "no staged part" in again.skip_reason.skip_message


def test_deferred_parts_whose_day_came_are_published_whatever_file_they_came_from(store, resources, instance):
    from datetime import datetime, timedelta

    parts = ["BACB30DF1-2", "BACB30DF2-3"]
    stage(instance, parts, resources)  # extraction-only: not due by themselves
    assert _tick(instance, store).run_requests == []
    now = datetime.now(UTC)
    store.publishing().defer({parts[0]: "variant throttle"}, now - timedelta(minutes=1))
    store.publishing().defer({parts[1]: "variant throttle"}, now + timedelta(hours=3))
    result = _tick(instance, store)
    assert [
        (r.tags["dagster/asset_partition_range_start"], r.tags["dagster/asset_partition_range_end"])
        for r in result.run_requests
    ] == [(parts[0], parts[0])]


def test_a_stream_run_skips_parts_not_staged_in_its_range_without_failing_them(store, resources, instance):
    from boeinghub_dagster.defs.extraction.assets import extraction
    from boeinghub_dagster.defs.publishing.assets import publishing
    from boeinghub_dagster_tests.support.publishing import SHOPIFY_PRODUCTS, materialized

    parts = ["BACB30SK1-2", "UNKNOWN-9", "BACB30SK3-4"]  # the middle one never gets a staging row
    stage(instance, parts, resources)
    store.intake().record_batch("stream.csv", "c" * 64, "publish", {**COUNTS, "accepted": 3}, parts)
    assert [r.tags["dagster/asset_partition_range_end"] for r in _tick(instance, store).run_requests] == [parts[-1]]
    tags = {
        STREAM_TAG: "1",
        "dagster/asset_partition_range_start": parts[0],
        "dagster/asset_partition_range_end": parts[-1],
    }
    result = dg.materialize(
        [extraction, publishing], instance=instance, resources=resources, tags=tags, selection=[SHOPIFY_PRODUCTS]
    )
    assert result.success
    assert materialized(instance) == {parts[0], parts[2]}
    assert not [f for f in store.staging().failures(run_id=result.run_id) if f["part_number"] == parts[1]]
