"""Idempotency keys for Shopify's `@idempotent(key:)` mutations that survive failures and crashes
(docs/behaviour.md §7a).

A key is derived, never random: sha256 of the call's kind, what it changes (its input, and
for stock the state it changes from) and an attempt number kept in the store. So:

- a retry of a call whose answer was lost (timeout, 5xx) sends the same key: Shopify replays
  the first result instead of applying the change twice, and so does a run resumed after a
  crash, which reads the same attempt number;
- `IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED` ("retry with a new idempotency key") and any answer
  whose change failed advance the attempt in the store first, then the call goes again with
  the next key;
- `IDEMPOTENCY_KEY_PARAMETER_MISMATCH` (the key was used with other parameters: the input
  is part of the key, so another change collided with it) advances the attempt too;
- `IDEMPOTENCY_CONCURRENT_REQUEST` (the same key still in flight, e.g. our own retry after a
  timeout) waits and sends the same key again: a new key there could apply the change twice.
A mutation whose errors carry no code (`inventoryActivate` has plain `UserError`s) cannot say
which of these it met: it is sent once more under the next key, then its failure stands.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from boeinghub_dagster.domain.hashing import sha256_hex
from boeinghub_dagster.resources.shopify_answers import ShopifyResult
from boeinghub_dagster.resources.store.idempotency import IdempotencyStore

PREVIOUS_ATTEMPT_FAILED = "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED"
PARAMETER_MISMATCH = "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"
CONCURRENT_REQUEST = "IDEMPOTENCY_CONCURRENT_REQUEST"
NEW_KEYS = 2  # fresh keys one call may take after failed ones
CONCURRENT_WAITS = (0.5, 1.0, 2.0, 4.0)  # seconds; then the part fails for now and the next run tries again


def key_for(kind: str, base: str, attempt: int) -> str:
    return f"boeinghub-{kind}-" + sha256_hex(f"{base}|{attempt}")[:40]


@dataclass
class IdempotentCalls:
    """Sends idempotent calls with derived keys; one per thread or shared (it only counts)."""

    store: IdempotencyStore
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    new_keys: int = 0  # keys advanced after a failed attempt (run metadata, tests)

    def call(self, kind: str, material: str, send: Callable[[str], ShopifyResult]) -> ShopifyResult:
        """`send(key)` under the key for (`kind`, `material`) and its current attempt; see the module doc."""
        base = sha256_hex(f"{kind}|{material}")
        attempt = self.store.attempt(base)
        waits = list(CONCURRENT_WAITS)
        fresh = NEW_KEYS
        while True:
            result = send(key_for(kind, base, attempt))
            codes = result.codes()
            if CONCURRENT_REQUEST in codes and waits:
                self.sleep(waits.pop(0))
                continue
            if result.ok or CONCURRENT_REQUEST in codes:
                return result
            attempt = self.store.advance(base, attempt, result.problem())  # this key failed for good
            self.new_keys += 1
            about_the_key = bool({PREVIOUS_ATTEMPT_FAILED, PARAMETER_MISMATCH} & codes) or not (codes - {""})
            if not about_the_key or fresh == 0:
                return result  # the change itself failed: the next run tries it under the next key
            fresh -= 1
