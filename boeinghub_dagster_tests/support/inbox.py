"""Tick the real inbox sensor against a real instance, applying its partition requests as the daemon does."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import dagster as dg

from boeinghub_dagster.defs.intake.sensors import inbox_sensor
from boeinghub_dagster.resources.inbox import InboxResource


class Ticker:
    def __init__(self, instance: dg.DagsterInstance, inbox: InboxResource, store, record_runs: bool = True):
        self.instance, self.inbox, self.store, self.record_runs = instance, inbox, store, record_runs
        self.cursor: str | None = None
        self.launched: list = []
        self.logged: list[str] = []  # every message the sensor logged, all ticks

    def tick(self, persist: bool = True) -> dg.SensorResult:
        context = dg.build_sensor_context(
            instance=self.instance, cursor=self.cursor, resources={"inbox": self.inbox, "store": self.store}
        )
        context.log.addHandler(_Collect(self.logged))
        result = inbox_sensor(context)
        if persist:
            for request in result.dynamic_partitions_requests or []:
                self.instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
            self.cursor = result.cursor
            for request in (result.run_requests or []) if self.record_runs else []:
                self._record_run(request)
        return result

    def _record_run(self, request: dg.RunRequest) -> None:
        """What the daemon does with a request: one run per run key, never two."""
        from dagster._core.test_utils import create_run_for_test

        key = {"dagster/run_key": request.run_key}
        if not self.instance.get_runs(filters=dg.RunsFilter(tags=key), limit=1):
            self.launched.append(
                create_run_for_test(self.instance, job_name="extraction_job", tags={**request.tags, **key})
            )

    def settle(self) -> dg.SensorResult:
        """Two ticks: the first notes sizes, the second takes files that stopped growing."""
        self.tick()
        return self.tick()

    def drop(self, name: str, content: bytes) -> Path:
        path = Path(self.inbox.path) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return path


class _Collect(logging.Handler):
    """The sensor's log lines, which carry what a tick did even when it requests runs (and so has no skip reason)."""

    def __init__(self, into: list[str]):
        super().__init__()
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record.getMessage())


def xlsx_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def cursor_waiting(result: dg.SensorResult) -> dict:
    return json.loads(result.cursor)["waiting"]
