"""Shopify setup (docs/behaviour.md §6, §7a): the metafield definitions, created once, and the shop's locations
and sales channels by name.

Safe to run any number of times: definitions the shop holds already count as existing.
The location map (Shopify name -> gid) and the publications named in `SHOPIFY_PUBLICATIONS`
(name -> gid) are kept in the store (`shopify_setup`), so publishing, sync and reconciliation
read them without a call; a location `SHOPIFY_LOCATION_MAP` targets or a publication
`SHOPIFY_PUBLICATIONS` names that the shop does not have is refused here, before any part is
published with its stock missing or off every storefront. Shared by the publishing, sync and
reconciliation stages, hence here and not under one of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from boeinghub_dagster.domain.metafields import METAFIELD_DEFINITIONS
from boeinghub_dagster.resources.shopify import ShopifyClient
from boeinghub_dagster.resources.store.publishing import PublishingStore

LOCATIONS, DEFINITIONS, PUBLICATIONS = "locations", "metafield_definitions", "publications"


class SetupError(Exception):
    """Setup could not finish; the message says what the operator must fix."""


@dataclass(frozen=True)
class ShopSetup:
    """What a run needs from setup: the shop's locations and the configured publications, name -> gid."""

    locations: dict[str, str]
    publications: dict[str, str]


@dataclass
class SetupOutcome:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    locations: dict[str, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)  # SHOPIFY_LOCATION_MAP targets the shop lacks
    publications: dict[str, str] = field(default_factory=dict)  # SHOPIFY_PUBLICATIONS name -> gid
    missing_publications: list[str] = field(default_factory=list)
    shop_publications: list[str] = field(default_factory=list)


def match_names(wanted: Sequence[str], shop: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """(wanted name -> gid, wanted names the shop lacks), matching names case-insensitively."""
    by_key = {name.casefold(): gid for name, gid in shop.items()}
    found = {name: by_key[name.casefold()] for name in wanted if name.casefold() in by_key}
    return found, [name for name in wanted if name not in found]


def run_setup(
    client: ShopifyClient, store: PublishingStore, location_map: dict[str, str], publication_names: Sequence[str]
) -> SetupOutcome:
    done = client.create_metafield_definitions([d.as_input() for d in METAFIELD_DEFINITIONS])
    outcome = SetupOutcome(
        created=done.created,
        existing=done.existing,
        failed={k: "; ".join(e.get("message", "") for e in errs) for k, errs in done.failed.items()},
    )
    outcome.locations = client.locations()
    outcome.unmapped = sorted({name for name in location_map.values() if name not in outcome.locations})
    shop_publications = client.publications()
    outcome.shop_publications = list(shop_publications)
    outcome.publications, outcome.missing_publications = match_names(publication_names, shop_publications)
    store.save_setting(LOCATIONS, list(outcome.locations.items()))  # pairs: JSONB would not keep the shop's order
    if not outcome.missing_publications:
        store.save_setting(PUBLICATIONS, list(outcome.publications.items()))
    if not outcome.failed:
        store.save_setting(DEFINITIONS, sorted(done.created + done.existing))
    return outcome


def stored_setup(store: PublishingStore) -> ShopSetup:
    """What setup stored last (empty maps when it never ran)."""
    return ShopSetup(dict(store.setting(LOCATIONS) or []), dict(store.setting(PUBLICATIONS) or []))


def ensure_setup(
    client: ShopifyClient, store: PublishingStore, location_map: dict[str, str], publication_names: Sequence[str]
) -> ShopSetup:
    """The stored setup, running setup first when it never ran or the configuration names something new;
    raises SetupError when it cannot."""
    stored = stored_setup(store)
    if stored.locations and store.setting(DEFINITIONS):
        _, unknown = match_names(publication_names, stored.publications)
        if not unknown and not {n for n in location_map.values() if n not in stored.locations}:
            return ShopSetup(stored.locations, match_names(publication_names, stored.publications)[0])
    outcome = run_setup(client, store, location_map, publication_names)
    check(outcome)
    return ShopSetup(outcome.locations, outcome.publications)


def check(outcome: SetupOutcome) -> None:
    if outcome.failed:
        raise SetupError(f"Shopify refused metafield definitions: {outcome.failed}")
    if outcome.unmapped:
        raise SetupError(
            f"SHOPIFY_LOCATION_MAP names Shopify locations the shop does not have: "
            f"{', '.join(outcome.unmapped)} (the shop has {', '.join(outcome.locations) or 'none'})"
        )
    if not outcome.locations:
        raise SetupError("the shop has no active location to hold stock")
    if outcome.missing_publications:
        raise SetupError(
            f"SHOPIFY_PUBLICATIONS names sales channels the shop does not have: "
            f"{', '.join(outcome.missing_publications)} (the shop has "
            f"{', '.join(outcome.shop_publications) or 'none'})"
        )
