"""`@idempotent(key:)` in the Shopify sandbox, for the mutations Shopify documents as idempotent.

From Shopify's Admin schema (2026-07):
- the directive "Enables idempotent mutation execution using a provided key. Only supported on
  mutations that explicitly document idempotency support"; the key "cannot be an empty string or
  whitespace only";
- `inventorySetQuantities` and `inventoryActivate`: "As of 2026-04, the idempotency key is required",
  so a call without it fails (a top-level BAD_REQUEST error, the mutation's data null);
- a repeated request with the same key and the same parameters is executed once: the retry gets
  the first answer back and changes nothing;
- `IDEMPOTENCY_KEY_PARAMETER_MISMATCH`: "The same idempotency key cannot be used with different
  operation parameters."
- `IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED`: "A previous request with this idempotency key failed. Retry
  with a new idempotency key." An attempt that ended in user errors (or a top-level error while
  running) marks its key failed; every later use of the key gets this, nothing is run.
- `IDEMPOTENCY_CONCURRENT_REQUEST`: "This request is currently in progress, please try again." A key
  is in flight from the moment its request arrives until it is answered (the `latency_ms` knob makes
  that long enough to overlap); another request with the key meanwhile gets this and may retry it.
The key's codes live in each mutation's own error enum (`InventorySetQuantitiesUserErrorCode`);
a mutation whose payload has plain `UserError`s (inventoryActivate) gets the message without a code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from graphql import GraphQLError, VariableNode, parse
from graphql.execution.values import get_directive_values

from boeinghub_dagster.sandbox.shopify_context import UserErrors, ctx, user_error
from boeinghub_dagster.sandbox.shopify_store import now_iso

DIRECTIVE_REQUIRED = "The @idempotent directive is required for this mutation but was not provided."
BLANK_KEY = "The idempotency key cannot be an empty string or whitespace only."
MISMATCH = "The same idempotency key cannot be used with different operation parameters."
PREVIOUS_FAILED = "A previous request with this idempotency key failed. Retry with a new idempotency key."
CONCURRENT = "This request is currently in progress, please try again."


def keys_in(query: str, variables: dict) -> list[str]:
    """The @idempotent keys a document's root fields carry (literal or variable), read before it runs."""
    try:
        document = parse(query, no_location=True)
    except GraphQLError:
        return []
    keys = []
    for definition in document.definitions:
        for selection in getattr(getattr(definition, "selection_set", None), "selections", ()):
            for directive in getattr(selection, "directives", ()) or ():
                if directive.name.value != "idempotent":
                    continue
                for arg in directive.arguments:
                    value = arg.value
                    key = (
                        variables.get(value.name.value)
                        if isinstance(value, VariableNode)
                        else getattr(value, "value", None)
                    )
                    if arg.name.value == "key" and isinstance(key, str) and key.strip():
                        keys.append(key)
    return keys


def hold_keys(in_flight: dict[str, int], raw: bytes, request_id: int) -> list[str]:
    """Mark the request's keys in flight (those no other request holds); returns the ones it now holds."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return []
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("query"), str)
        or not isinstance(body.get("variables") or {}, dict)
        or "idempotent" not in body["query"]
    ):
        return []  # (most documents carry no key: no second parse for them)
    held = []
    for key in keys_in(body["query"], body.get("variables") or {}):
        if in_flight.setdefault(key, request_id) == request_id:
            held.append(key)
    return held


def idempotency_key(info) -> str:
    directive = info.schema.get_directive("idempotent")
    for node in info.field_nodes:
        values = get_directive_values(directive, node, info.variable_values)
        if values is not None:
            if not str(values.get("key") or "").strip():
                raise GraphQLError(BLANK_KEY, extensions={"code": "BAD_REQUEST"})
            return values["key"]
    raise GraphQLError(DIRECTIVE_REQUIRED, extensions={"code": "BAD_REQUEST"})


def _digest(field_name: str, params: dict) -> str:
    """The operation's identity: the mutation and its arguments (a key is shop-wide, not per mutation)."""
    text = json.dumps({"mutation": field_name, "arguments": params}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class _KeyRefused(UserErrors):
    """The key itself is refused (mismatch, earlier failure, in flight): the attempt ran nothing."""


def _refuse(c, counter: str, message: str, code: str, codes: bool) -> _KeyRefused:
    c.count(counter)
    return _KeyRefused([user_error(message, None, code if codes else None)])


def run_idempotent(info, params: dict, work: Callable[[], dict], failed: dict, codes: bool = True) -> dict:
    """The payload of `work()` (run in one transaction) under the call's idempotency key.

    `failed` is the payload's shape on refusal; `codes` says whether its user errors carry a `code`.
    """
    c = ctx(info)
    key = idempotency_key(info)
    digest = _digest(info.field_name, params)
    try:
        if c.in_flight.get(key, c.request_id) != c.request_id:
            raise _refuse(c, "idempotency_concurrent", CONCURRENT, "IDEMPOTENCY_CONCURRENT_REQUEST", codes)
        with c.store.transaction():
            row = c.store.one("SELECT params_hash, status, payload FROM idempotency_keys WHERE key = ?", (key,))
            if row is not None:
                if row["params_hash"] != digest:
                    raise _refuse(c, "idempotency_mismatches", MISMATCH, "IDEMPOTENCY_KEY_PARAMETER_MISMATCH", codes)
                if row["status"] == "failed":
                    raise _refuse(
                        c, "idempotency_previous_failed", PREVIOUS_FAILED, "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED", codes
                    )
                c.count("idempotent_replays")
                return json.loads(row["payload"])
            payload = work()
            c.store.execute(
                "INSERT INTO idempotency_keys (key, params_hash, status, payload, created_at)"
                " VALUES (?, ?, 'succeeded', ?, ?)",
                (key, digest, json.dumps(payload), now_iso()),
            )
            return payload
    except UserErrors as exc:
        if not isinstance(exc, _KeyRefused):
            _mark_failed(c, key, digest)
        c.count("user_errors", len(exc.errors))
        return {
            **failed,
            "userErrors": [e if codes else {k: v for k, v in e.items() if k != "code"} for e in exc.errors],
        }
    except GraphQLError:
        _mark_failed(c, key, digest)
        raise


def _mark_failed(c, key: str, digest: str) -> None:
    """Remembered after the attempt's own writes were rolled back: the key stays spent."""
    c.store.execute(
        "INSERT OR IGNORE INTO idempotency_keys (key, params_hash, status, payload, created_at)"
        " VALUES (?, ?, 'failed', NULL, ?)",
        (key, digest, now_iso()),
    )
