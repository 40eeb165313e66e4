"""The operator's side of the Boeing PNA sandbox: knobs set through `/_admin`, counters read from `/_stats`."""

from __future__ import annotations

import json
import random
from dataclasses import asdict, fields, replace

from boeinghub_dagster.sandbox.boeing_limits import _COERCE, BoeingKnobs


def fresh_stats() -> dict:
    return {
        "price_calls": 0,
        "over_limit": 0,
        "responses_429": 0,
        "token_calls": 0,
        "part_token_calls": 0,
        "status_counts": {},
        "codes_requested": 0,
        "items_returned": 0,
        "first_price_call_at": None,
        "last_price_call_at": None,
    }


class BoeingOperator:
    """Mixed into BoeingSandbox (boeing.py), which holds knobs, tokens, bucket, rng, stats and lock."""

    def configure(self, changes: dict) -> dict:
        """Apply a subset of knobs (raises ValueError on unknown names or bad values)."""
        known = {f.name for f in fields(BoeingKnobs)} | {"expire_tokens"}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown knobs: {', '.join(unknown)}")
        with self.lock:
            new = replace(self.knobs)  # validate on a copy so a bad request changes nothing
            for name, value in changes.items():
                if name == "expire_tokens":
                    continue
                if name == "hour" and value is None:
                    new.hour = None
                elif value is None or isinstance(value, bool) != (name == "outage"):
                    raise ValueError(f"{name}: bad value {value!r}")
                else:
                    setattr(new, name, _COERCE[name](value))
            for rate in ("error_rate", "malformed_rate"):
                if not 0.0 <= getattr(new, rate) <= 1.0:
                    raise ValueError(f"{rate} must be within 0..1")
            if new.burst < 1 or new.max_codes < 1 or new.token_ttl <= 0 or new.latency_ms < 0:
                raise ValueError("burst and max_codes must be >= 1, token_ttl > 0, latency_ms >= 0")
            self.knobs = new
            if changes.get("expire_tokens"):  # one-shot: every token issued so far stops working
                self.access_tokens.clear()
                self.part_tokens.clear()
            if {"rate_per_min", "burst"} & set(changes):
                self.bucket.reset(new.rate_per_min, new.burst)
            if "seed" in changes:
                self.rng = random.Random(new.seed)
            return asdict(new)

    def reset_stats(self) -> None:
        """Zero the counters and refill the bucket, keeping every knob."""
        with self.lock:
            self.stats = fresh_stats()
            self.asked.clear()
            self.bucket.reset(self.knobs.rate_per_min, self.knobs.burst)

    def snapshot(self) -> dict:
        with self.lock:
            out = json.loads(json.dumps(self.stats))
            out["codes_distinct"] = len(self.asked)
            out["codes_repeated"] = dict(sorted((c, n) for c, n in self.asked.items() if n > 1)[:500])
            out["config"] = asdict(self.knobs)
            return out
