"""What of a Shopify product the hub owns, and the inputs that change only that (docs/behaviour.md §6, §7a).
Stdlib only.

`productSet` replaces every list field it is sent (metafields, files, collections, variants:
entries not in the input are deleted) and leaves a field it is not sent as it is. A
republish that sent the full `product_set_input` would delete a merchant's own metafields,
images and collections. So the hub owns, and changes:

- the product's fields (title, description, vendor, category, status) and its tags;
- its one variant (option Title / Default Title: SKU, price, cost, weight, policy, stock);
  a product keyed to one Boeing part number has exactly one sellable variant, whose price
  and stock only Boeing knows, so the hub keeps the variant list to that one variant;
- the metafields of `METAFIELD_DEFINITIONS` in `custom`, and nothing else in any namespace;
- one image (`files`), whose media id it records.

Everything else is the merchant's: other metafields (other `custom` keys, other namespaces),
other media, collections. On create the full input goes out (nothing of the merchant's
exists yet). On update `update_input` drops `metafields`, `files` and `collections`; the
hub's metafields go through `metafieldsSet` (only the keys sent change) and hub keys whose
value became empty through `metafieldsDelete` of exactly those keys; a new image goes out
as `files` listing the product's other media by id, so only the hub's old image is replaced.
Tags are sent only when the hub's tags changed (they replace the product's tags; Shopify's
`tagsAdd` would keep a merchant's, the sandbox does not model it yet).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from boeinghub_dagster.domain.hashing import canonical_json, sha256_hex
from boeinghub_dagster.domain.metafields import METAFIELD_DEFINITIONS, METAFIELD_NAMESPACE
from boeinghub_dagster.domain.shopify_api import PART_NUMBER_METAFIELD_KEY

HUB_METAFIELD_KEYS = tuple(d.key for d in METAFIELD_DEFINITIONS)
MERCHANT_LISTS = ("metafields", "files", "collections")  # never sent on update (see the module doc)


def section_hash(value: object) -> str:
    return sha256_hex(canonical_json(value))


def owned_state(full_input: Mapping) -> dict:
    """What the products row keeps of a payload: hashes of its metafields and tags, the metafield keys."""
    metafields = list(full_input.get("metafields") or [])
    return {
        "metafields": section_hash(metafields),
        "tags": section_hash(list(full_input.get("tags") or [])),
        "keys": sorted(m["key"] for m in metafields),
    }


def changed(full_input: Mapping, owned: Mapping | None) -> set[str]:
    """The sections (`metafields`, `tags`) whose content differs from what was published (all when unknown)."""
    now = owned_state(full_input)
    return {name for name in ("metafields", "tags") if not owned or owned.get(name) != now[name]}


def stocked_quantities(variant: Mapping, stocked: Iterable[str]) -> list[dict]:
    """The variant's `inventoryQuantities` at the locations where its item is stocked (Shopify sets no others)."""
    at = set(stocked)
    return [q for q in variant.get("inventoryQuantities") or [] if q["locationId"] in at]


def update_input(
    full_input: Mapping,
    *,
    variant_id: str | None,
    stocked: Iterable[str],
    send_tags: bool,
    files: Sequence[Mapping] | None = None,
) -> dict:
    """The `ProductSetInput` of an update: no merchant list field, the hub's variant by id, stock where stocked.

    `files` (the product's other media by id, then the new image) only when the hub's image changed.
    """
    out = {k: v for k, v in full_input.items() if k not in MERCHANT_LISTS and (send_tags or k != "tags")}
    variants = []
    for variant in full_input.get("variants") or []:
        variant = {**variant, "inventoryQuantities": stocked_quantities(variant, stocked)}
        if variant_id:
            variant["id"] = variant_id
        variants.append(variant)
    out["variants"] = variants
    if files is not None:
        out["files"] = [dict(f) for f in files]
    return out


def metafields_set_input(full_input: Mapping, owner_id: str) -> list[dict]:
    """`MetafieldsSetInput`s for the hub's metafields on one product (the part-number key stays as it is)."""
    return [
        {"ownerId": owner_id, "namespace": m["namespace"], "key": m["key"], "type": m["type"], "value": m["value"]}
        for m in full_input.get("metafields") or []
        if m["key"] != PART_NUMBER_METAFIELD_KEY
    ]


def emptied_keys(full_input: Mapping, owned: Mapping | None) -> list[str]:
    """Hub keys written before whose value is empty now (all hub keys not sent, when that is unknown)."""
    now = {m["key"] for m in full_input.get("metafields") or []}
    before = set(owned["keys"]) if owned and "keys" in owned else set(HUB_METAFIELD_KEYS)
    return sorted(k for k in before - now if k in HUB_METAFIELD_KEYS and k != PART_NUMBER_METAFIELD_KEY)


def image_files(full_input: Mapping, media: Sequence[Mapping], hub_media_id: str | None) -> list[dict]:
    """`files` for an image change: every medium but the hub's old one (by id, else by the hub's alt text),
    then the new one."""
    new = list(full_input.get("files") or [])
    alt = new[0].get("alt") if new else full_input.get("title")
    old = hub_media_id or next((m["id"] for m in media if alt and m.get("alt") == alt), None)
    return [{"id": m["id"]} for m in media if m["id"] != old] + new


__all__ = [
    "HUB_METAFIELD_KEYS",
    "METAFIELD_NAMESPACE",
    "owned_state",
    "changed",
    "update_input",
    "metafields_set_input",
    "emptied_keys",
    "image_files",
    "stocked_quantities",
    "section_hash",
]
