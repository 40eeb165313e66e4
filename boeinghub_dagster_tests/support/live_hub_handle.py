"""`LiveHub`, what a test holds of a running hub (`live_hub.start_live_hub`): GraphQL and launches as
the UI sends them, inbox drops, run records, the sandboxes' issued tokens; apart from how it is started."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import httpx

from boeinghub_dagster_tests.support.sandboxes import BoeingSandbox, ShopifySandbox
from boeinghub_dagster_tests.support.waiting import wait_until

LAUNCH_RUN = """mutation($params: ExecutionParams!) { launchRun(executionParams: $params) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } ... on Error { message } } }"""


@dataclass
class LiveHub:
    tmp: Path
    url: str
    home: Path
    inbox: Path
    database_url: str
    boeing: BoeingSandbox
    shopify: ShopifySandbox
    credentials: dict[str, str]
    env: dict[str, str] = field(repr=False)
    dagster_pg_url: str | None = None
    instance_db_url: str | None = None  # the plain postgresql:// URL of the Dagster instance's database

    @cached_property
    def instance(self):
        import dagster as dg

        if self.dagster_pg_url:
            os.environ["DAGSTER_PG_URL"] = self.dagster_pg_url  # the instance file reads it, here too
        return dg.DagsterInstance.from_config(str(self.home))

    @cached_property
    def store(self):
        from boeinghub_dagster.resources.store import StoreResource

        return StoreResource(database_url=self.database_url)

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        r = httpx.post(f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, timeout=120)
        r.raise_for_status()
        body = r.json()
        if body.get("errors"):
            raise RuntimeError(f"GraphQL errors: {body['errors']}")
        return body["data"]

    def launch(self, params: dict) -> str:
        """`launchRun` as the UI sends it (ExecutionParams); the new run's id, once Dagster took it."""
        result = self.graphql(LAUNCH_RUN, {"params": params})["launchRun"]
        assert result["__typename"] == "LaunchRunSuccess", result
        return result["run"]["runId"]

    def launch_job(self, job: str, run_config: dict) -> str:
        """The launchpad's *Launch Run* of `job` with `run_config`; the new run's id."""
        return self.launch(
            {
                "selector": {"repositoryLocationName": "boeinghub", "repositoryName": "__repository__", "jobName": job},
                "runConfigData": run_config,
            }
        )

    def finished(self, run_id: str, timeout: float):
        """The run, once it has finished (whatever its status)."""
        return wait_until(
            lambda: (r := self.instance.get_run_by_id(run_id)) and r.is_finished and r,
            timeout,
            f"run {run_id} to finish",
            every=1.0,
        )

    def drop(self, name: str, parts: list[str], folder: str = "") -> float:
        """Write `inbox/<folder>/<name>` atomically (dotfile, then rename); return the drop time."""
        target = self.inbox / folder if folder else self.inbox
        target.mkdir(parents=True, exist_ok=True)
        (target / f".{name}").write_text("\n".join(parts) + "\n")
        dropped = time.time()
        os.replace(target / f".{name}", target / name)
        return dropped

    def runs(self, since: float, **tags: str) -> list:
        import dagster as dg

        after = datetime.fromtimestamp(since - 1, UTC)
        return list(self.instance.get_run_records(filters=dg.RunsFilter(created_after=after, tags=tags or None)))

    def issued_tokens(self) -> list[str]:
        """Every token the sandboxes handed out so far (`GET /_issued_tokens`)."""
        out = []
        for url in (self.boeing.url, self.shopify.url):
            r = httpx.get(f"{url}/_issued_tokens", timeout=10)
            r.raise_for_status()
            out += r.json()["tokens"]
        return out
