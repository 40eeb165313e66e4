"""API versions in the Shopify sandbox: which version answers a request, and the header that says so.

Shopify's versioning rules (shopify.dev, "About Shopify API versioning", and its community answers):
- versions are released quarterly (YYYY-01, -04, -07, -10) and each stable one is supported for at
  least twelve months; the supported ones are the `api_versions` knob;
- a request for a version that is not supported (retired, unknown, or not released) is still served,
  HTTP 200, by the oldest supported stable version: it falls forward instead of failing;
- every answer names the version that served it in the `X-Shopify-API-Version` response header, so a
  client can see that it is not getting the version it pinned.
`QueryRoot.publicApiVersions` lists them ("supported versions, the release candidate, and unstable").
"""

from __future__ import annotations

from boeinghub_dagster.sandbox.shopify_context import ctx


def served_version(requested: str, supported: tuple[str, ...]) -> str:
    return requested if requested in supported else min(supported)


def _next_quarter(version: str) -> str:
    year, month = int(version[:4]), int(version[5:])
    return f"{year + 1}-01" if month == 10 else f"{year}-{month + 3:02d}"


def public_api_versions(_root, info) -> list[dict]:
    versions = sorted(ctx(info).knobs.api_versions)
    out = [
        {"handle": v, "displayName": f"{v} (Latest)" if v == versions[-1] else v, "supported": True} for v in versions
    ]
    candidate = _next_quarter(versions[-1])
    out.append({"handle": candidate, "displayName": f"{candidate} (Release candidate)", "supported": False})
    out.append({"handle": "unstable", "displayName": "unstable", "supported": False})
    return out
