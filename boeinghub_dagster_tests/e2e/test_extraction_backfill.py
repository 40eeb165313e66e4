"""The backbone end to end: part partitions -> Boeing sandbox over HTTP -> staging, on SQLite and PostgreSQL."""

import threading

import pytest
from sqlalchemy import select

from boeinghub_dagster.resources.store.schema import boeing_raw_responses, product_staging
from boeinghub_dagster_tests.conftest import make_boeing_resource
from boeinghub_dagster_tests.support.expected import expected_staging, part_list
from boeinghub_dagster_tests.support.runs import check_metadata, materialize_parts
from boeinghub_dagster_tests.support.waiting import wait_until


def _staged(store) -> dict[str, str]:
    with store.engine().connect() as conn:
        return {
            pn: status for pn, status in conn.execute(select(product_staging.c.part_number, product_staging.c.status))
        }


def _raw_part_lists(store) -> list[list[str]]:
    with store.engine().connect() as conn:
        return [list(p) for p in conn.execute(select(boeing_raw_responses.c.part_numbers)).scalars()]


def test_25_part_backfill_stages_exactly_the_expected_rows(store, boeing, boeing_sandbox, instance):
    parts = part_list(25)
    expected = expected_staging(parts)
    result = materialize_parts(instance, parts, {"store": store, "boeing": boeing})
    assert result.success
    assert _staged(store) == expected
    assert boeing_sandbox.stats()["price_calls"] == 3  # 25 parts in batches of 10
    meta = check_metadata(result, "raw_answers_cover_parts_asked")
    assert meta["parts_asked"] == 25 and meta["calls_made"] == 3
    staged_meta = check_metadata(result, "staged_products_cover_parts_asked")
    assert staged_meta["parts_staged"] == len(expected)
    assert "| part_number |" in staged_meta["sample"]
    failures = {f["part_number"]: f["reason"] for f in store.staging().failures(run_id=result.run_id)}
    assert failures["UNKNOWN-77"] == "not returned by Boeing"
    assert failures["NEGPRICE-1"].startswith("negative")


@pytest.mark.parametrize("boeing_sandbox", [{"rate_per_min": 600, "burst": 2}], indirect=True)
def test_429_storm_and_token_expiry_mid_run_still_stage_every_known_part(store, boeing_sandbox, instance):
    parts = part_list(40)
    boeing = make_boeing_resource(store, boeing_sandbox, batch_size=2)
    boeing_sandbox.admin(storm_429=4, storm_retry_after=1)

    def expire_tokens_mid_run():
        wait_until(lambda: boeing_sandbox.stats()["price_calls"] >= 10, 180, "10 price calls", every=0.05)
        boeing_sandbox.admin(expire_tokens=True)

    saboteur = threading.Thread(target=expire_tokens_mid_run)
    saboteur.start()
    result = materialize_parts(instance, parts, {"store": store, "boeing": boeing})
    saboteur.join()
    assert result.success
    assert _staged(store) == expected_staging(parts)
    stats = boeing_sandbox.stats()
    assert stats["over_limit"] == 0
    assert stats["responses_429"] == 4
    assert stats["status_counts"].get("401", 0) == 1 and stats["token_calls"] == 2


def test_failed_parts_are_visible_on_their_partitions(store, boeing, boeing_sandbox, instance):
    import dagster as dg

    result = materialize_parts(instance, ["UNKNOWN-1", "BACB30LH3-4"], {"store": store, "boeing": boeing})
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert checks["raw_answers_cover_parts_asked"].passed is False
    assert checks["staged_products_cover_parts_asked"].passed is False
    assert checks["staged_rows_have_sku"].passed and checks["staged_prices_non_negative"].passed
    records = instance.fetch_observations(dg.AssetKey("boeing_raw_responses"), limit=10).records
    observed = {
        r.event_log_entry.dagster_event.partition: r.asset_observation.metadata["reason"].value for r in records
    }
    assert observed == {"UNKNOWN-1": "not returned by Boeing"}
    for key in ("boeing_raw_responses", "staged_products"):  # the failed part is not a silent green partition
        assert instance.get_materialized_partitions(dg.AssetKey(key)) == {"BACB30LH3-4"}


@pytest.mark.parametrize("boeing_sandbox", [{"outage": True}], indirect=True)
def test_a_run_that_cannot_reach_boeing_fails_loudly(store, boeing_sandbox, instance):
    boeing = make_boeing_resource(store, boeing_sandbox, max_attempts=2)
    result = materialize_parts(instance, ["BACB30LH3-4"], {"store": store, "boeing": boeing}, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "HTTP 503" in str(failure.step_failure_data.error)
    assert _staged(store) == {}


def test_staging_alone_restages_stored_answers_without_calling_boeing(store, boeing, boeing_sandbox, instance):
    import dagster as dg

    parts = part_list(12)
    materialize_parts(instance, parts, {"store": store, "boeing": boeing})
    calls = boeing_sandbox.stats()["price_calls"]
    with store.engine().begin() as conn:
        conn.execute(product_staging.delete())
    again = materialize_parts(
        instance, parts, {"store": store, "boeing": boeing}, selection=[dg.AssetKey("staged_products")]
    )
    assert again.success
    assert boeing_sandbox.stats()["price_calls"] == calls
    assert _staged(store) == expected_staging(parts)
