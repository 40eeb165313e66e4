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
The key's codes live in each mutation's own error enum (`InventorySetQuantitiesUserErrorCode`);
a mutation whose payload has plain `UserError`s (inventoryActivate) gets the message without a code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from graphql import GraphQLError
from graphql.execution.values import get_directive_values

from .shopify_context import UserErrors, ctx, user_error
from .shopify_store import now_iso

DIRECTIVE_REQUIRED = "The @idempotent directive is required for this mutation but was not provided."
BLANK_KEY = "The idempotency key cannot be an empty string or whitespace only."
MISMATCH = "The same idempotency key cannot be used with different operation parameters."


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


def run_idempotent(info, params: dict, work: Callable[[], dict], failed: dict, codes: bool = True) -> dict:
    """The payload of `work()` (run in one transaction) under the call's idempotency key.

    `failed` is the payload's shape on refusal; `codes` says whether its user errors carry a `code`.
    """
    c = ctx(info)
    key = idempotency_key(info)
    digest = _digest(info.field_name, params)
    try:
        with c.store.transaction():
            row = c.store.one("SELECT params_hash, payload FROM idempotency_keys WHERE key = ?", (key,))
            if row is not None:
                if row["params_hash"] != digest:
                    code = "IDEMPOTENCY_KEY_PARAMETER_MISMATCH" if codes else None
                    raise UserErrors([user_error(MISMATCH, None, code)])
                c.count("idempotent_replays")
                return json.loads(row["payload"])
            payload = work()
            c.store.execute("INSERT INTO idempotency_keys (key, params_hash, status, payload, created_at)"
                            " VALUES (?, ?, 'succeeded', ?, ?)", (key, digest, json.dumps(payload), now_iso()))
            return payload
    except UserErrors as exc:
        c.count("user_errors", len(exc.errors))
        return {**failed, "userErrors": [e if codes else {k: v for k, v in e.items() if k != "code"}
                                         for e in exc.errors]}
