"""The asset graph as a reviewer reads it: a renamed key, a moved group or a retargeted job shows as a JSON diff.

`defs_snapshot.json` beside this file holds asset keys, groups, dependencies, partitions, jobs,
schedules, sensors and checks. A change to any of them fails this test until the JSON is rewritten
on purpose: `UPDATE_DEFS_SNAPSHOT=1 .venv/bin/python -m pytest boeinghub_dagster_tests/defs/test_defs_snapshot.py`.
"""

import json
import os
from pathlib import Path

import dagster as dg

from boeinghub_dagster_tests.defs.test_definitions import ENV

SNAPSHOT = Path(__file__).with_name("defs_snapshot.json")


def _partitions(pdef) -> dict | None:
    if pdef is None:
        return None
    out = {"type": type(pdef).__name__}
    if getattr(pdef, "name", None):
        out["name"] = pdef.name
    if isinstance(pdef, dg.TimeWindowPartitionsDefinition):
        out.update(cron=pdef.cron_schedule, start=pdef.start.isoformat(), timezone=pdef.timezone)
    return out


def names(keys) -> list[str]:
    return sorted(k.to_user_string() for k in keys)


def snapshot(defs: dg.Definitions) -> dict:
    graph = defs.resolve_asset_graph()
    assets = {}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "deps": names(node.parent_keys),
            "partitions": _partitions(node.partitions_def),
            "kinds": sorted(node.kinds),
            "automation": node.automation_condition is not None,
        }
    checks = sorted(f"{k.asset_key.to_user_string()}:{k.name}" for k in graph.asset_check_keys)
    jobs = {}
    for job in defs.resolve_all_job_defs():
        if job.name.startswith("__"):
            continue
        selected = job.asset_layer.selected_asset_keys if job.asset_layer else ()
        jobs[job.name] = {
            "assets": names(selected),
            "ops": sorted(job.graph.node_names()),
            "tags": dict(job.tags),
            "partitions": _partitions(job.partitions_def),
        }
    schedules = {s.name: {"cron": s.cron_schedule, "job": s.job_name} for s in defs.schedules or ()}
    sensors = {}
    for s in defs.sensors or ():
        entry = {"type": type(s).__name__, "jobs": sorted(t.job_name for t in s.targets if t.job_name)}
        if isinstance(s, dg.AutomationConditionSensorDefinition):
            entry["assets"] = names(s.asset_selection.resolve(graph))
        sensors[s.name] = entry
    return {
        "assets": dict(sorted(assets.items())),
        "checks": checks,
        "jobs": dict(sorted(jobs.items())),
        "schedules": dict(sorted(schedules.items())),
        "sensors": dict(sorted(sensors.items())),
    }


def test_the_asset_graph_matches_its_snapshot(monkeypatch):
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("SYNC_MODE", raising=False)  # the hourly schedule's cron follows it
    from boeinghub_dagster.definitions import defs as load

    now = snapshot(load())
    if os.environ.get("UPDATE_DEFS_SNAPSHOT") == "1":
        SNAPSHOT.write_text(json.dumps(now, indent=1, sort_keys=False) + "\n")
    assert now == json.loads(SNAPSHOT.read_text()), (
        "the asset graph changed: if you meant it, rewrite the snapshot with UPDATE_DEFS_SNAPSHOT=1 and review its diff"
    )
