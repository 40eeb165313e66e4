"""Fixtures for the object store: one moto S3 server per session, a fresh bucket per test."""

from __future__ import annotations

import pytest

from boeinghub_dagster_tests.support.s3 import new_bucket, s3_server


@pytest.fixture(scope="session")
def s3_endpoint():
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3_store(s3_endpoint):
    return new_bucket(s3_endpoint)
