"""The hub's own database (docs/behaviour.md §10) as a Dagster resource."""

from __future__ import annotations

from pydantic import Field
from sqlalchemy import Engine

from boeinghub_dagster.resources.launch_guard import PinnedResource

from .engine import get_engine
from .chunks import ChunkStore
from .extraction import ExtractionStore, StagingStore
from .idempotency import IdempotencyStore
from .intake import IntakeStore
from .publishing import PublishingStore
from .requests import RequestStore
from .sync import SyncStore


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
