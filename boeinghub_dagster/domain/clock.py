"""The hub's clock: every stored and compared time is timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(at: datetime) -> datetime:
    """SQLite hands timestamps back naive; they were written in UTC."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)
