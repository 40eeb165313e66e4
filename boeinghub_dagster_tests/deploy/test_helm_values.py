"""deploy/k8s/values.yaml against Dagster's Helm chart values schema (vendored, deploy/k8s/schema/).

Helm validates values merged over the chart's defaults, so `required` is not checked here (the
defaults hold every required key); every other keyword is. The chart's schema rejects unknown keys
only in some objects, so `unknown_keys` walks our values and names any key the schema does not
define at its place: a misspelled key fails either way.
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml
from dagster._core.errors import DagsterInvalidConfigError
from dagster._core.instance.config import dagster_instance_config

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
VALUES = yaml.safe_load((K8S / "values.yaml").read_text())
CHART_SCHEMA = json.loads((K8S / "schema" / "dagster.values.schema.json").read_text())
SUBCHART_SCHEMA = json.loads((K8S / "schema" / "dagster-user-deployments.values.schema.json").read_text())
SUBCHART = "dagster-user-deployments"
MAPS = ("properties", "definitions")  # keywords whose value maps names to schemas


def offline(node, in_map: bool = False):
    """The schema without `required` and without its Kubernetes `$ref`s (kubernetesjsonschema.dev)."""
    if isinstance(node, list):
        return [offline(x) for x in node]
    if not isinstance(node, dict):
        return node
    if in_map:
        return {name: offline(sub) for name, sub in node.items()}
    return {
        k: offline(v, in_map=k in MAPS)
        for k, v in node.items()
        if not (k == "required" and isinstance(v, list)) and not (k == "$ref" and v.startswith("http"))
    }


def schema_errors(values: dict, schema: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(offline(schema))
    return [f"{'.'.join(map(str, e.absolute_path)) or '<top>'}: {e.message}" for e in validator.iter_errors(values)]


def _alternatives(node: dict, root: dict) -> list[dict]:
    """`node` with local `$ref`s followed and anyOf/oneOf/allOf flattened."""
    ref = node.get("$ref", "")
    if ref.startswith("#/definitions/"):
        return _alternatives(root["definitions"][ref.split("/")[-1]], root)
    out = [node]
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in node.get(key, []):
            out += _alternatives(sub, root)
    return out


def unknown_keys(value, node: dict, root: dict, path: str = "") -> list[str]:
    """Paths of keys in `value` that the schema `node` does not name (free-form objects excepted)."""
    alts = _alternatives(node, root)
    if isinstance(value, list):
        return [
            p
            for i, item in enumerate(value)
            for alt in alts
            if isinstance(alt.get("items"), dict)
            for p in unknown_keys(item, alt["items"], root, f"{path}[{i}]")
        ]
    if not isinstance(value, dict):
        return []
    objects = [a for a in alts if a.get("type") == "object" or "properties" in a]
    free_form = any(
        a.get("additionalProperties") not in (None, False)
        or not a.get("properties")
        or str(a.get("$ref", "")).startswith("http")
        for a in objects
    )
    out = []
    for key, sub in value.items():
        defined = [a["properties"][key] for a in objects if key in a.get("properties", {})]
        if not defined and not free_form:
            out.append(f"{path}{key}")
        for d in defined:
            out += unknown_keys(sub, d, root, f"{path}{key}.")
    return sorted(set(out))


def subchart_values(values: dict) -> dict:
    """What the subchart receives: its block (less the parent's switches) and the globals."""
    sub = {k: v for k, v in values[SUBCHART].items() if k not in ("enabled", "enableSubchart")}
    return {**sub, "global": values["global"]}


def problems(values: dict) -> list[str]:
    return (
        schema_errors(values, CHART_SCHEMA)
        + unknown_keys(values, CHART_SCHEMA, CHART_SCHEMA)
        + schema_errors(subchart_values(values), SUBCHART_SCHEMA)
        + unknown_keys(subchart_values(values), SUBCHART_SCHEMA, SUBCHART_SCHEMA)
    )


def test_values_pass_the_chart_and_subchart_schemas():
    assert problems(VALUES) == []
    assert VALUES["runLauncher"]["type"] == "K8sRunLauncher"
    assert VALUES["postgresql"]["enabled"] is False and VALUES["generatePostgresqlPasswordSecret"] is False
    assert [d["name"] for d in VALUES[SUBCHART]["deployments"]] == ["boeinghub"]


def _misspell(path: tuple, wrong: str) -> dict:
    values = copy.deepcopy(VALUES)
    node = values
    for step in path[:-1]:
        node = node[step]
    node[wrong] = node.pop(path[-1])
    return values


@pytest.mark.parametrize(
    ("path", "wrong", "schema_alone_rejects"),
    [
        (("dagsterWebserver", "replicaCount"), "replicaCoun", True),  # a strict object: the schema itself says no
        (("runLauncher", "config", "k8sRunLauncher", "envSecrets"), "envSecret", True),
        (("postgresql", "postgresqlHost"), "postgresqlHots", False),  # not strict: only the key walk catches it
        (("telemetry",), "telemetri", False),
        ((SUBCHART, "deployments", 0, "codeServerArgs"), "codeServerArg", False),
    ],
)
def test_a_misspelled_key_fails(path, wrong, schema_alone_rejects):
    values = _misspell(path, wrong)
    found = problems(values)
    assert found and all(wrong in p for p in found), found
    assert bool(schema_errors(values, CHART_SCHEMA)) is schema_alone_rejects


def test_a_wrong_type_or_enum_fails():
    values = copy.deepcopy(VALUES)
    values["dagsterWebserver"]["replicaCount"] = "one"
    values["runLauncher"]["type"] = "K8sLauncher"
    found = schema_errors(values, CHART_SCHEMA)
    assert any("dagsterWebserver.replicaCount" in p for p in found) and any("runLauncher.type" in p for p in found), (
        found
    )


def test_run_queue_monitoring_and_pools_are_those_of_dagster_yaml():
    local = yaml.safe_load((ROOT / "dagster.yaml").read_text())
    extra = VALUES["additionalInstanceConfig"]
    assert extra["concurrency"] == local["concurrency"] and extra["nux"] == local["nux"]
    assert VALUES["dagsterDaemon"]["runCoordinator"] == {"enabled": False}  # limits in one place only
    monitoring = VALUES["dagsterDaemon"]["runMonitoring"]
    assert (monitoring["enabled"], monitoring["freeSlotsAfterRunEndSeconds"]) == (
        local["run_monitoring"]["enabled"],
        local["run_monitoring"]["free_slots_after_run_end_seconds"],
    )
    retries = VALUES["dagsterDaemon"]["runRetries"]
    assert {
        "enabled": retries["enabled"],
        "max_retries": retries["maxRetries"],
        "retry_on_asset_or_op_failure": retries["retryOnAssetOrOpFailure"],
    } == local["run_retries"]
    assert (
        local["run_retries"] == yaml.safe_load((ROOT / "deploy" / "dagster.postgres.yaml").read_text())["run_retries"]
    )


def rendered_instance(values: dict) -> dict:
    """dagster.yaml as the chart's configmap-instance template writes it from `values` (the parts we set)."""
    pg, daemon = values["postgresql"], values["dagsterDaemon"]
    postgres_db = {
        "username": pg["postgresqlUsername"],
        "password": {"env": "DAGSTER_PG_PASSWORD"},
        "hostname": pg["postgresqlHost"],
        "db_name": pg["postgresqlDatabase"],
        "port": pg["service"]["port"],
        "params": pg["postgresqlParams"],
        "scheme": pg["postgresqlScheme"],
    }
    monitoring = daemon["runMonitoring"]
    instance = {
        "run_storage": {
            "module": "dagster_postgres.run_storage",
            "class": "PostgresRunStorage",
            "config": {"postgres_db": postgres_db},
        },
        "run_monitoring": {
            "enabled": monitoring["enabled"],
            "start_timeout_seconds": monitoring["startTimeoutSeconds"],
            "poll_interval_seconds": monitoring["pollIntervalSeconds"],
            "free_slots_after_run_end_seconds": monitoring["freeSlotsAfterRunEndSeconds"],
        },
        "telemetry": values["telemetry"],
    }
    retries = daemon.get("runRetries", {})
    if retries.get("enabled"):
        instance["run_retries"] = {
            "enabled": True,
            "max_retries": retries["maxRetries"],
            "retry_on_asset_or_op_failure": retries["retryOnAssetOrOpFailure"],
        }
    if daemon["runCoordinator"]["enabled"]:
        queue = daemon["runCoordinator"]["config"]["queuedRunCoordinator"]
        instance["run_coordinator"] = {
            "module": "dagster.core.run_coordinator",
            "class": "QueuedRunCoordinator",
            "config": {"max_concurrent_runs": queue["maxConcurrentRuns"]},
        }
    return {**instance, **values["additionalInstanceConfig"]}


def test_the_instance_the_chart_renders_passes_dagster_validation(tmp_path, monkeypatch):
    from dagster._config import process_config
    from dagster_postgres import PostgresRunStorage
    from dagster_postgres.utils import pg_url_from_config

    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump(rendered_instance(VALUES)))
    config, _ = dagster_instance_config(str(tmp_path))
    assert config["concurrency"]["runs"]["max_concurrent_runs"] == 8
    assert config["nux"] == {"enabled": False}
    assert config["run_retries"] == {"enabled": True, "max_retries": 2, "retry_on_asset_or_op_failure": False}
    monkeypatch.setenv("DAGSTER_PG_PASSWORD", "from-the-secret")
    storage = process_config(PostgresRunStorage.config_type(), config["run_storage"]["config"])
    assert storage.success, storage.errors
    assert pg_url_from_config(storage.value) == (
        "postgresql+psycopg2://dagster:from-the-secret@postgres.boeinghub.internal:5432/dagster?sslmode=require"
    )

    # Run limits in the chart's run coordinator as well is what Dagster refuses (why it is off).
    both = copy.deepcopy(VALUES)
    both["dagsterDaemon"]["runCoordinator"] = {
        "enabled": True,
        "type": "QueuedRunCoordinator",
        "config": {"queuedRunCoordinator": {"maxConcurrentRuns": 8}},
    }
    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump(rendered_instance(both)))
    with pytest.raises(DagsterInvalidConfigError, match="incompatible with the `concurrency > runs` config"):
        dagster_instance_config(str(tmp_path))


def _names(path: Path) -> dict[str, dict]:
    return {
        doc["metadata"]["name"]: doc.get("data") or doc.get("stringData")
        for doc in yaml.safe_load_all(path.read_text())
    }


def test_every_variable_the_code_reads_is_provided_and_no_value_is_written_down():
    env_files = _names(K8S / "boeinghub-env.example.yaml")
    deployment = VALUES[SUBCHART]["deployments"][0]
    assert [s["name"] for s in deployment["envSecrets"]] == ["boeinghub-secrets"]
    assert [c["name"] for c in deployment["envConfigMaps"]] == ["boeinghub-config"]
    assert VALUES["global"]["postgresqlSecretName"] in env_files
    assert all(value == "" for data in env_files.values() for value in data.values())  # names only
    secrets = set(env_files["boeinghub-secrets"])
    assert not secrets & set(deployment["env"])  # a credential never sits in values.yaml
    code = "\n".join(p.read_text() for p in (ROOT / "boeinghub_dagster").rglob("*.py"))
    read = set(re.findall(r'EnvVar\("([A-Z0-9_]+)"\)', code))
    provided = secrets | set(env_files["boeinghub-config"]) | set(deployment["env"])
    assert read and read <= provided, sorted(read - provided)


def test_the_inbox_is_a_bucket_prefix_so_no_pod_needs_a_volume():
    from boeinghub_dagster.resources.s3_client import parse_s3_url

    deployment = VALUES[SUBCHART]["deployments"][0]
    assert parse_s3_url(deployment["env"]["BOEINGHUB_INBOX"]) == ("boeinghub-intake", "inbox/")
    assert "volumes" not in deployment and "volumeMounts" not in deployment


def test_dockerfile_installs_the_pinned_project_and_serves_the_code_location():
    dockerfile = (K8S / "Dockerfile").read_text()
    pins = dict(line.split("==") for line in (K8S / "constraints.txt").read_text().split() if "==" in line)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for requirement in project["dependencies"]:
        name, version = re.match(r"([A-Za-z0-9_.-]+)(?:\[[^]]*])?==(.+)", requirement).groups()
        assert pins.get(name.lower().replace("_", "-")) == version, requirement  # the image gets what the tests ran
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.M)
    assert "--constraint deploy/k8s/constraints.txt" in dockerfile and "--editable ." in dockerfile
    module = VALUES[SUBCHART]["deployments"][0]["codeServerArgs"]
    assert module[:2] == ["--module-name", "boeinghub_dagster.definitions"]
    assert (
        '"boeinghub_dagster.definitions"' in dockerfile
        and f'"{VALUES[SUBCHART]["deployments"][0]["port"]}"' in dockerfile
    )
