"""`boeinghub shopify-check`: read-only checks of a real shop before the first publish (issue 13).

One line per check, then a verdict; exit 0 when no check failed, 1 when one did, 2 when the
shop is not configured. Only queries are sent: nothing on the shop changes.

- token: it is accepted and holds the scopes the hub needs (`currentAppInstallation`);
- API version: the one Shopify served (`X-Shopify-API-Version`) is the pinned one;
- locations: every Shopify location `SHOPIFY_LOCATION_MAP` targets exists and is active;
- sales channels: every publication `SHOPIFY_PUBLICATIONS` names exists;
- metafield definitions: present with the hub's type, or missing (`shopify_setup` creates
  them); a wrong type, or `custom.boeing_part_number` without unique values, fails.

Reads SHOPIFY_SHOP_URL and SHOPIFY_ACCESS_TOKEN from the environment and never prints the
token. The few small reads go through the hub's client (retries, THROTTLED waits, the version
check) with a limiter of their own: the check needs no store, and runs before there is one.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from typing import TextIO

from boeinghub_dagster.domain.metafields import METAFIELD_DEFINITIONS, METAFIELD_NAMESPACE
from boeinghub_dagster.domain.shopify_api import PART_NUMBER_METAFIELD_KEY, SHOPIFY_API_VERSION

# What the hub's calls need; a `write_` scope grants its `read_` too.
NEEDED_SCOPES = {
    "write_products": "products, their metafields and definitions",
    "write_inventory": "stock, and stocking new locations",
    "read_locations": "the shop's locations",
    "write_publications": "sales channels",
}
EXIT_FAILED, EXIT_CONFIG = 1, 2


class UnsharedLimiter:
    """Paces nothing: a handful of small reads before any publish; THROTTLED is still waited out by the client."""

    waited_seconds = 0.0

    def acquire(self, cost: float):
        return None

    def observe(self, *args, **kwargs) -> None:
        return None


def missing_scopes(granted: list[str]) -> list[str]:
    have = set(granted)
    return [s for s in NEEDED_SCOPES if s not in have and not (s.startswith("read_") and "write_" + s[5:] in have)]


class Check:
    def __init__(self, client, out: TextIO):
        self.client, self.out = client, out
        self.failed: list[str] = []
        self.notes: list[str] = []

    def line(self, ok: bool | None, what: str, text: str) -> None:
        mark = "ok  " if ok else ("FAIL" if ok is False else "skip")
        if ok is False:
            self.failed.append(what)
        print(f"{mark}  {what}: {text}", file=self.out, flush=True)

    def token(self) -> None:
        granted = self.client.access_scopes()
        lacking = missing_scopes(granted)
        if lacking:
            needs = "; ".join(f"{s} ({NEEDED_SCOPES[s]})" for s in lacking)
            self.line(False, "token", f"accepted, but lacks {needs}; grant them in the app's configuration")
        else:
            self.line(True, "token", f"accepted; holds {', '.join(NEEDED_SCOPES)}")

    def version(self, served: str) -> None:
        if served == SHOPIFY_API_VERSION:
            self.line(True, "API version", f"{served} served, as pinned")
        else:
            self.line(
                False,
                "API version",
                f"{served or 'no version'} served, the hub is pinned to "
                f"{SHOPIFY_API_VERSION} (Shopify serves a retired version as its oldest supported one): "
                f"upgrade the hub",
            )

    def locations(self) -> None:
        from boeinghub_dagster.resources.settings import location_map_from_env

        try:
            wanted = sorted(set(location_map_from_env().values()))
        except ValueError as exc:
            self.line(False, "locations", f"SHOPIFY_LOCATION_MAP: {exc}")
            return
        shop = self.client.locations()
        active = ", ".join(shop) or "none"
        if not wanted:
            self.line(
                bool(shop),
                "locations",
                f"SHOPIFY_LOCATION_MAP unset: all stock goes to {next(iter(shop), '-')} (active: {active})",
            )
            return
        missing = [n for n in wanted if n not in shop]
        if missing:
            self.line(
                False,
                "locations",
                f"SHOPIFY_LOCATION_MAP names {_names(missing)}, not an active location of the shop (active: {active})",
            )
        else:
            self.line(True, "locations", f"{_names(wanted)} found (active: {active})")

    def channels(self) -> None:
        from boeinghub_dagster.resources.settings import publications_from_env
        from boeinghub_dagster.resources.shopify_setup import match_names

        wanted = publications_from_env()
        shop = self.client.publications()
        _, missing = match_names(wanted, shop)
        has = ", ".join(shop) or "none"
        if missing:
            self.line(
                False,
                "sales channels",
                f"SHOPIFY_PUBLICATIONS names {_names(missing)}, not a publication of the shop (it has: {has})",
            )
        else:
            self.line(True, "sales channels", f"{_names(wanted)} found (the shop has: {has})")

    def definitions(self) -> None:
        held = self.client.metafield_definitions(METAFIELD_NAMESPACE)
        wrong, missing = [], []
        for d in METAFIELD_DEFINITIONS:
            found = held.get(d.key)
            if found is None:
                missing.append(d.key)
                continue
            kind = (found.get("type") or {}).get("name")
            if kind != d.type:
                wrong.append(f"{METAFIELD_NAMESPACE}.{d.key} is {kind}, not {d.type}")
            unique = (((found.get("capabilities") or {}).get("uniqueValues")) or {}).get("enabled")
            if d.key == PART_NUMBER_METAFIELD_KEY and not unique:
                wrong.append(f"{METAFIELD_NAMESPACE}.{d.key} lacks unique values (publishing upserts by it)")
        present = len(METAFIELD_DEFINITIONS) - len(missing)
        summary = f"{present} of {len(METAFIELD_DEFINITIONS)} present"
        if wrong:
            self.line(False, "metafield definitions", f"{summary}; {'; '.join(wrong)}: delete or fix them in the admin")
        elif missing:
            self.line(True, "metafield definitions", f"{summary}, {len(missing)} missing (shopify_setup creates them)")
            self.notes.append("run the shopify_setup job once: it creates the missing metafield definitions")
        else:
            self.line(True, "metafield definitions", f"{summary}")


def _names(names) -> str:
    return ", ".join(f'"{n}"' for n in names)


def run(
    env: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    make_client: Callable[[str, str, str], object] | None = None,
) -> int:
    from boeinghub_dagster.resources.shopify import ShopifyError, ShopifyVersionError

    env = os.environ if env is None else env
    out = out or sys.stdout
    shop_url, token = env.get("SHOPIFY_SHOP_URL", "").strip(), env.get("SHOPIFY_ACCESS_TOKEN", "").strip()
    if not shop_url or not token:
        print("boeinghub shopify-check: set SHOPIFY_SHOP_URL and SHOPIFY_ACCESS_TOKEN", file=sys.stderr)
        return EXIT_CONFIG
    make_client = make_client or _client
    print(f"boeinghub shopify-check: {shop_url} (token from SHOPIFY_ACCESS_TOKEN, not shown)", file=out)
    check = Check(make_client(shop_url, token, SHOPIFY_API_VERSION), out)
    try:
        try:
            check.token()
            check.version(SHOPIFY_API_VERSION)
        except ShopifyVersionError as exc:  # the rest is read as served, only to report it
            check.client = make_client(shop_url, token, exc.served or SHOPIFY_API_VERSION)
            check.token()
            check.version(exc.served)
        for step in (check.locations, check.channels, check.definitions):
            step()
    except ShopifyError as exc:
        check.line(False, "shop", str(exc))
    if check.failed:
        print(
            f"verdict: NOT READY, {len(check.failed)} check(s) failed ({', '.join(check.failed)}); fix them before "
            f"the first publish",
            file=out,
        )
        return EXIT_FAILED
    print(f"verdict: ready to publish{'; ' + '; '.join(check.notes) if check.notes else ''}", file=out)
    return 0


def _client(shop_url: str, token: str, version: str):
    from boeinghub_dagster.resources.shopify import ShopifyClient, graphql_endpoint

    return ShopifyClient(
        endpoint=graphql_endpoint(shop_url),
        access_token=token,
        limiter=UnsharedLimiter(),
        api_version=version,
        timeout_seconds=20,
        max_attempts=4,
        max_backoff_seconds=5,
    )
