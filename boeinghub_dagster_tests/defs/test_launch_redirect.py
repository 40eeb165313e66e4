"""A launch cannot redirect a secret (issue 14, item 1): every job of the Definitions, launched with one
endpoint field changed in its run config to point at a recording server on 127.0.0.1, fails before any
request with a message naming the field, the recorder sees no connection, and no secret is in the run's
events or stored run config.

The resources are the production ones (`dg.EnvVar` from this process's environment, random credentials);
the environment's endpoints point at a second recorder, which must see nothing either: the refusal comes
at resource initialization, before any client exists.
"""

from __future__ import annotations

import secrets

import dagster as dg
import pytest

from boeinghub_dagster.resources.launch_guard import ALLOWED_HOSTS_VAR
from boeinghub_dagster_tests.support.recorder import recording_server

ENDPOINTS = {
    "boeing": ("oauth_token_url", "pna_oauth_url", "pna_price_url"),
    "shopify": ("shop_url",),
    "store": ("database_url",),
}
OP_CONFIG = {
    "sync_part_now": {"sync_one_part": {"config": {"part_number": "BACB30LH3-4"}}},
    "approve_prices": {"approve_held_prices": {"config": {"part_numbers": ["BACB30LH3-4"]}}},
    "reactivate_parts": {"reactivate_selected": {"config": {"part_numbers": ["BACB30LH3-4"]}}},
    "resume_intake_batch": {"resume_intake_batch_op": {"config": {"batch_id": 1}}},
    "cancel_intake_batch": {"cancel_intake_batch_op": {"config": {"batch_id": 1}}},
    "intake_part_list": {"record_part_list_op": {"config": {"part_numbers": "BACB30LH3-4"}}},
    "set_price_overrides": {"set_overrides": {"config": {"overrides": [{"part_number": "BACB30LH3-4", "price": 9.5}]}}},
}
PART, HOUR = "BACB30LH3-4", "2026-12-01-10:00"
SECRETS = {
    "BOEING_CLIENT_SECRET": "csec-" + secrets.token_urlsafe(18),
    "BOEING_PASSWORD": "pw-" + secrets.token_urlsafe(18),
    "SHOPIFY_ACCESS_TOKEN": "shpat_" + secrets.token_hex(16),
    "SUPABASE_S3_SECRET_ACCESS_KEY": secrets.token_hex(20),
}


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """(Definitions, the hostile recorder, the environment's recorder) under a production-like environment."""
    tmp = tmp_path_factory.mktemp("launch")
    with recording_server() as evil, recording_server() as legit, pytest.MonkeyPatch.context() as mp:
        env = {
            "BOEINGHUB_DATABASE_URL": f"sqlite:///{tmp / 'store.db'}",
            "BOEINGHUB_INBOX": str(tmp / "inbox"),
            "BOEING_CLIENT_ID": "cid",
            "BOEING_USERNAME": "usr",
            "BOEING_SCOPE": "scope",
            "BOEING_OAUTH_TOKEN_URL": f"{legit.url}/oauth/token",
            "BOEING_PNA_OAUTH_URL": f"{legit.url}/pna/oauth",
            "BOEING_PNA_PRICE_URL": f"{legit.url}/pna/price",
            "SHOPIFY_SHOP_URL": legit.url,
            "BOEINGHUB_STORAGE": "s3",
            "SUPABASE_S3_ENDPOINT": legit.url,
            "SUPABASE_S3_BUCKET": "images",
            "SUPABASE_S3_ACCESS_KEY_ID": "AKIDTEST",
            **SECRETS,
        }
        for name, value in env.items():
            mp.setenv(name, value)
        mp.delenv(ALLOWED_HOSTS_VAR, raising=False)
        from boeinghub_dagster.definitions import defs

        yield defs(), evil, legit


def _launch(job: dg.JobDefinition, instance, resources: dict | None = None, **kwargs):
    run_config = {"resources": resources or {}}
    if job.name in OP_CONFIG:
        run_config["ops"] = OP_CONFIG[job.name]
    if PART not in instance.get_dynamic_partitions("part_numbers"):
        instance.add_dynamic_partitions("part_numbers", [PART])
    if job.partitions_def is not None:
        kwargs["partition_key"] = HOUR if isinstance(job.partitions_def, dg.TimeWindowPartitionsDefinition) else PART
    return job.execute_in_process(run_config=run_config, instance=instance, raise_on_error=False, **kwargs)


def _override(job: dg.JobDefinition, key: str, field: str, value: str) -> dict:
    """What the launchpad's scaffold holds for the resource, with one field changed."""
    config = dict(job.resource_defs[key].config_schema.as_field().default_value)
    config[field] = value
    return {key: {"config": config}}


def _hostile(field: str, evil) -> str:
    return f"postgresql://user:pw@{evil.netloc}/db" if field == "database_url" else f"{evil.url}/x"


def _errors(instance, run_id: str) -> str:
    out = []
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        error = getattr(event.event_specific_data, "error", None) if event else None
        if error is not None:
            out.append(error.to_string())
    return "\n".join(out)


def _assert_no_secret_stored(instance, run_id: str) -> None:
    stored = dg.serialize_value(instance.get_run_by_id(run_id).run_config)
    events = "\n".join(dg.serialize_value(e) for e in instance.all_logs(run_id))
    for name, value in SECRETS.items():
        assert value not in stored and value not in events, f"{name} stored with run {run_id}"


def _jobs(defs: dg.Definitions) -> list[dg.JobDefinition]:
    return sorted(defs.get_repository_def().get_all_jobs(), key=lambda j: j.name)


def test_every_job_refuses_every_changed_endpoint_before_any_request(hub, instance):
    defs, evil, legit = hub
    launched = []
    for job in _jobs(defs):
        for key, fields in ENDPOINTS.items():
            if key not in job.required_resource_keys:
                continue
            for field in fields:
                result = _launch(job, instance, _override(job, key, field, _hostile(field, evil)))
                errors = _errors(instance, result.run_id)
                assert not result.success, (job.name, key, field)
                assert f"resources.{key}.config.{field}" in errors, (job.name, field, errors[-2000:])
                assert "come from the environment and cannot be changed at launch" in errors
                assert evil.received == [] and legit.received == [], (job.name, key, field)
                _assert_no_secret_stored(instance, result.run_id)
                launched.append((job.name, key, field))
    jobs = {name for name, _, _ in launched}
    print(f"\nlaunch redirect: {len(launched)} launches over {len(jobs)} jobs, each refused, 0 connections received")
    assert {"extraction_job", "hourly_sync_job", "sync_part_now", "shopify_setup", "publish_job"} <= jobs
    assert len(jobs) == len([j for j in _jobs(defs) if set(ENDPOINTS) & set(j.required_resource_keys)])
    assert len(launched) >= 40


def test_asset_graph_launches_and_credentials_are_guarded_too(hub, instance):
    """*Materialize* from the asset graph (`__ASSET_JOB`), a credential moved to another variable, the API version."""
    defs, evil, legit = hub
    asset_job = defs.resolve_implicit_global_asset_job_def()
    dashboard = [dg.AssetKey("sync_dashboard")]
    for key, field, value in (
        ("boeing", "pna_price_url", f"{evil.url}/price"),
        ("boeing", "client_id", {"env": "SHOPIFY_ACCESS_TOKEN"}),  # a secret sent to Boeing
        ("store", "database_url", f"postgresql://u:p@{evil.netloc}/db"),
    ):
        result = _launch(asset_job, instance, _override(asset_job, key, field, value), asset_selection=dashboard)
        assert not result.success and f"resources.{key}.config.{field}" in _errors(instance, result.run_id)
    setup = defs.resolve_job_def("shopify_setup")
    for field, value in (("api_version", "2020-01"), ("access_token", {"env": "BOEING_CLIENT_SECRET"})):
        result = _launch(setup, instance, _override(setup, "shopify", field, value))
        assert not result.success and f"resources.shopify.config.{field}" in _errors(instance, result.run_id)
        _assert_no_secret_stored(instance, result.run_id)
    assert evil.received == [] and legit.received == []


def test_nested_object_store_takes_no_run_config(hub, instance):
    defs, evil, legit = hub
    publish = defs.resolve_job_def("publish_job")
    storage = {"storage": {"config": {"endpoint_url": evil.url, "bucket": "x"}}}
    with pytest.raises(dg.DagsterInvalidConfigError, match="storage"):
        _launch(publish, instance, {"product_images": {"config": storage}})
    assert evil.received == [] and legit.received == []


def test_an_allow_listed_host_is_reached_which_is_what_the_guard_stops(hub, instance, monkeypatch):
    """The control: with the recorder's host allowed, the same launch reaches it carrying the live token."""
    defs, evil, _ = hub
    monkeypatch.setenv(ALLOWED_HOSTS_VAR, f"example.com, {evil.netloc}")
    setup = defs.resolve_job_def("shopify_setup")
    result = _launch(setup, instance, _override(setup, "shopify", "shop_url", evil.url))
    assert not result.success  # the recorder answers 401
    assert len(evil.received) >= 1 and evil.saw(SECRETS["SHOPIFY_ACCESS_TOKEN"])
    evil.received.clear()
