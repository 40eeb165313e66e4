"""Shopify setup (SPEC §6): the metafield definitions, created once, and the shop's locations by name.

Safe to run any number of times: definitions the shop holds already count as existing.
The location map (Shopify name -> gid) is kept in the store (`shopify_setup`), so a
publish run reads it without a call; a name `SHOPIFY_LOCATION_MAP` targets that the shop
does not have is refused here, before any part is published with its stock missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from boeinghub_dagster.domain.metafields import METAFIELD_DEFINITIONS
from boeinghub_dagster.resources.shopify import ShopifyClient
from boeinghub_dagster.resources.store.publishing import PublishingStore

LOCATIONS, DEFINITIONS = "locations", "metafield_definitions"


class SetupError(Exception):
    """Setup could not finish; the message says what the operator must fix."""


@dataclass
class SetupOutcome:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    locations: dict[str, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)  # SHOPIFY_LOCATION_MAP targets the shop lacks


def run_setup(client: ShopifyClient, store: PublishingStore, location_map: dict[str, str]) -> SetupOutcome:
    done = client.create_metafield_definitions([d.as_input() for d in METAFIELD_DEFINITIONS])
    outcome = SetupOutcome(created=done.created, existing=done.existing,
                           failed={k: "; ".join(e.get("message", "") for e in errs) for k, errs in done.failed.items()})
    outcome.locations = client.locations()
    outcome.unmapped = sorted({name for name in location_map.values() if name not in outcome.locations})
    store.save_setting(LOCATIONS, list(outcome.locations.items()))  # pairs: JSONB would not keep the shop's order
    if not outcome.failed:
        store.save_setting(DEFINITIONS, sorted(done.created + done.existing))
    return outcome


def ensure_setup(client: ShopifyClient, store: PublishingStore, location_map: dict[str, str]) -> dict[str, str]:
    """The stored location map, running setup first when it never ran; raises SetupError when it cannot."""
    locations = dict(store.setting(LOCATIONS) or [])
    if locations and store.setting(DEFINITIONS):
        missing = sorted({n for n in location_map.values() if n not in locations})
        if not missing:
            return locations
    outcome = run_setup(client, store, location_map)
    check(outcome)
    return outcome.locations


def check(outcome: SetupOutcome) -> None:
    if outcome.failed:
        raise SetupError(f"Shopify refused metafield definitions: {outcome.failed}")
    if outcome.unmapped:
        raise SetupError(f"SHOPIFY_LOCATION_MAP names Shopify locations the shop does not have: {', '.join(outcome.unmapped)}"
                         f" (the shop has {', '.join(outcome.locations) or 'none'})")
    if not outcome.locations:
        raise SetupError("the shop has no active location to hold stock")
