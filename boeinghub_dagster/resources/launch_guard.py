"""Resource config cannot be changed at launch (docs/operations.md §9: what UI access allows).

Dagster lets whoever opens the launchpad replace a top-level resource's config in the run's
config, and a secret read through `EnvVar` goes wherever the endpoint field points: launching
`shopify_setup` with another `shop_url` sent the live access token there. So every hub resource
checks, when a run (or a sensor) initializes it and before any request is sent, that each of its
fields holds the value the Definitions gave it: an `EnvVar` resolved from this process's
environment, or the literal a test constructed it with. A URL field may point elsewhere only
when its host is listed in `BOEINGHUB_ALLOWED_HOSTS` (comma-separated `host` or `host:port`);
a credential never may. The refusal names the field and never echoes a value.

Nested resources (the Boeing resource's store, the images' object store) take no run config at
all: Dagster refuses such config entries before the run starts.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import urlsplit

import dagster as dg

ALLOWED_HOSTS_VAR = "BOEINGHUB_ALLOWED_HOSTS"


class LaunchRefused(Exception):
    """A run's config changed a resource field that only the environment may set."""


def allowed_hosts() -> set[str]:
    """`BOEINGHUB_ALLOWED_HOSTS`, read when called: lower-case `host` or `host:port` entries."""
    return {h.strip().lower() for h in os.environ.get(ALLOWED_HOSTS_VAR, "").split(",") if h.strip()}


def host_allowed(url: str, allowed: set[str]) -> bool:
    """True when the URL's host (or host:port) is on the allow-list; a URL without scheme is https."""
    try:
        parts = urlsplit(url.strip() if "://" in url else "https://" + url.strip())
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return False
    return bool(host) and (host in allowed or (port is not None and f"{host}:{port}" in allowed))


def _resolve(value: Any) -> Any:
    """A definition's config value as this process sees it: `{"env": NAME}` is the variable's value."""
    if isinstance(value, Mapping) and set(value) == {"env"}:
        return os.environ.get(str(value["env"]))
    return value


def _source(value: Any) -> str:
    if isinstance(value, Mapping) and set(value) == {"env"}:
        return f"the environment variable {value['env']}"
    return "the hub's definitions"


def changed_fields(
    resource: dg.ConfigurableResource, defaults: Mapping[str, Any], url_fields: frozenset[str], allowed: set[str]
) -> list[tuple[str, str]]:
    """(field, where its value must come from) for every field that differs from its definition."""
    out = []
    for name, info in type(resource).model_fields.items():
        value = getattr(resource, name, None)
        if isinstance(value, dg.ConfigurableResource):
            continue  # nested resources take no run config; each checks itself
        given = defaults.get(name, info.default)
        if value == _resolve(given):
            continue
        if name in url_fields and isinstance(value, str) and host_allowed(value, allowed):
            continue
        out.append((name, _source(given)))
    return out


def _resource_key(context: dg.InitResourceContext) -> str | None:
    defs = getattr(context, "all_resource_defs", None) or {}
    return next((key for key, d in defs.items() if d is context.resource_def), None)


class PinnedResource(dg.ConfigurableResource):
    """A resource whose config only the environment (through the Definitions) sets; see the module."""

    url_fields: ClassVar[frozenset[str]] = frozenset()

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        refuse_changed_config(self, context)


def refuse_changed_config(resource: PinnedResource, context: dg.InitResourceContext) -> None:
    """Raise `LaunchRefused` when the run's config changed a field the Definitions set."""
    try:
        definition = context.resource_def
    except dg.DagsterInvariantViolationError:  # an unbound context: initialized by hand, outside any run
        return
    if definition is None or getattr(definition, "configurable_resource_cls", None) is not type(resource):
        return  # built outside a run, or nested in another resource (no run config reaches it)
    schema = definition.config_schema.as_field()
    defaults = schema.default_value if schema.default_provided and isinstance(schema.default_value, Mapping) else {}
    changed = changed_fields(resource, defaults, resource.url_fields, allowed_hosts())
    if not changed:
        return
    key = _resource_key(context) or type(resource).__name__
    fields = "; ".join(f"resources.{key}.config.{name} (must come from {source})" for name, source in changed)
    hint = (
        f" An endpoint may point at another host only when that host is listed in {ALLOWED_HOSTS_VAR} "
        "where the hub runs."
        if any(name in resource.url_fields for name, _ in changed)
        else ""
    )
    raise LaunchRefused(
        f"Launch refused before any request was sent: the run's config changed {fields}. Endpoints and credentials "
        f"come from the environment and cannot be changed at launch.{hint}"
    )
