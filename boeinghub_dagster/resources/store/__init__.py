"""The hub's own database (docs/behaviour.md §10) as a Dagster resource."""

from __future__ import annotations

from pydantic import Field
from sqlalchemy import Engine

from boeinghub_dagster.resources.launch_guard import PinnedResource
from boeinghub_dagster.resources.store.chunks import ChunkStore
from boeinghub_dagster.resources.store.engine import get_engine
from boeinghub_dagster.resources.store.extraction import ExtractionStore, StagingStore
from boeinghub_dagster.resources.store.idempotency import IdempotencyStore
from boeinghub_dagster.resources.store.intake import IntakeStore
from boeinghub_dagster.resources.store.publishing import PublishingStore
from boeinghub_dagster.resources.store.requests import RequestStore
from boeinghub_dagster.resources.store.sync import SyncStore


class StoreResource(PinnedResource):
    """SQLite file by default, PostgreSQL/Supabase by `BOEINGHUB_DATABASE_URL`; migrated on first use."""

    url_fields = frozenset({"database_url"})

    database_url: str = Field(description="SQLAlchemy URL; postgres:// and Supabase pooler URLs accepted")

    def engine(self) -> Engine:
        return get_engine(self.database_url)

    def extraction(self) -> ExtractionStore:
        return ExtractionStore(self.engine())

    def staging(self) -> StagingStore:
        return StagingStore(self.engine())

    def intake(self) -> IntakeStore:
        return IntakeStore(self.engine())

    def chunks(self) -> ChunkStore:
        return ChunkStore(self.engine())

    def requests(self) -> RequestStore:
        return RequestStore(self.engine())

    def publishing(self) -> PublishingStore:
        return PublishingStore(self.engine())

    def sync(self) -> SyncStore:
        return SyncStore(self.engine())

    def idempotency(self) -> IdempotencyStore:
        return IdempotencyStore(self.engine())
