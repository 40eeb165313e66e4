"""What the Boeing and Shopify clients share about retrying: an error that says how long the
server wants us to wait, how to read that from `Retry-After`, and how long to wait otherwise
(the server's figure plus jitter, else exponential backoff with jitter, via tenacity)."""

from __future__ import annotations

import random

import httpx
from tenacity import RetryCallState, wait_exponential_jitter


class ServerAskedToWait(Exception):
    """A retryable failure; `retry_after` is the server's own wait in seconds, when it gave one."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


def retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("retry-after", "")))
    except ValueError:
        return None


def backoff(state: RetryCallState, initial: float, maximum: float) -> float:
    """The server's `retry_after` plus a little jitter, else exponential backoff with jitter."""
    exc = state.outcome.exception()
    if isinstance(exc, ServerAskedToWait) and exc.retry_after is not None:
        return exc.retry_after + random.uniform(0, 0.2)
    return wait_exponential_jitter(initial=initial, max=maximum)(state)
