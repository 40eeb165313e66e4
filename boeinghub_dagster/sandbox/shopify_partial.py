"""Partial answers in the Shopify sandbox: `data` and `errors` in one answer, as GraphQL allows.

The GraphQL specification (Response, "Errors"): a field that fails during execution is reported in
`errors` with its `path`, and the field is null in `data`; the other fields still answer. A failing
non-null field nulls its parent instead, up to `data` itself. Shopify answers an internal fault that
way, with `extensions.code = "INTERNAL_SERVER_ERROR"` and a request id in the message.
The `fail_field` knob makes one field fail like that on every call: a root field by name
(`"locations"`, `"productSet"`) or any field as `"Type.field"` (`"Product.media"`); "" turns it off.
"""

from __future__ import annotations

import uuid

from graphql import GraphQLError

INTERNAL_ERROR = (
    "Internal error. Looks like something went wrong on our end.\nRequest ID: {rid} (include this in support requests)."
)


def _matches(target: str, info) -> bool:
    if "." in target:
        type_name, field_name = target.split(".", 1)
        return info.parent_type.name == type_name and info.field_name == field_name
    roots = (info.schema.query_type, info.schema.mutation_type)
    return info.parent_type in roots and info.field_name == target


def failing_field(target: str):
    """graphql-core middleware failing the `target` field (see the module docstring); None when off."""
    if not target:
        return None

    def middleware(next_, root, info, **args):
        if _matches(target, info):
            info.context.count("field_errors_injected")
            rid = str(uuid.uuid4())
            raise GraphQLError(
                INTERNAL_ERROR.format(rid=rid), extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": rid}
            )
        return next_(root, info, **args)

    return middleware
