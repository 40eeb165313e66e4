"""Knobs and rate limiter of the Boeing PNA sandbox (see `boeing.py`).

`BoeingKnobs` holds every behaviour switch, `_COERCE` the type each one is coerced to
when set through `/_admin`; `TokenBucket` is the server-side rate limit on `/pna/price`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass
class BoeingKnobs:
    """Behaviour switches; all of them appear in `/_stats` under `config` (no secrets here)."""

    rate_per_min: float = 2.0  # <= 0 disables the limiter
    burst: int = 2
    error_rate: float = 0.0
    latency_ms: float = 0.0
    malformed_rate: float = 0.0
    token_ttl: float = 3600.0
    outage: bool = False
    storm_429: int = 0
    storm_retry_after: int = 1
    hour: int | None = None
    max_codes: int = 20
    seed: int = 0
    withheld: str = ""  # comma-separated part numbers Boeing stops returning (a part that vanished)
    repriced: str = ""  # comma-separated part numbers whose prices Boeing answers doubled (a sudden jump)


_COERCE = {
    "rate_per_min": float,
    "burst": int,
    "error_rate": float,
    "latency_ms": float,
    "malformed_rate": float,
    "token_ttl": float,
    "outage": bool,
    "storm_429": int,
    "storm_retry_after": int,
    "max_codes": int,
    "seed": int,
    "hour": int,
    "withheld": str,
    "repriced": str,
}


class TokenBucket:
    """Capacity `burst`, one token every 60/rate_per_min s; a refused call takes no token."""

    def __init__(self, rate_per_min: float, burst: int):
        self.reset(rate_per_min, burst)

    def reset(self, rate_per_min: float, burst: int) -> None:
        self.interval = 60.0 / rate_per_min if rate_per_min > 0 else 0.0
        self.capacity = max(1, int(burst))
        self.tokens = float(self.capacity)
        self.last = time.monotonic()

    def take(self) -> float | None:
        """None when the call may pass, else seconds until a token is available."""
        if self.interval <= 0:
            return None
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.last) / self.interval)
        self.last = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return None
        return (1.0 - self.tokens) * self.interval
