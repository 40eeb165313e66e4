"""The intake tests' ticker: the real inbox sensor over a temporary inbox, a real instance and store."""

from __future__ import annotations

import pytest

from boeinghub_dagster.resources.inbox import InboxResource
from boeinghub_dagster_tests.support.inbox import Ticker


@pytest.fixture
def ticker(tmp_path, instance, store) -> Ticker:
    return Ticker(instance, InboxResource(path=str(tmp_path / "inbox")), store)
