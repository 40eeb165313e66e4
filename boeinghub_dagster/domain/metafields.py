"""The product metafields (docs/behaviour.md §6): one definition set, used by setup and publish alike.

The original system wrote metafields under keys that differed from their
definitions (docs/behaviour.md §12). Here `METAFIELD_DEFINITIONS` is the only list: the setup
job sends `definition.as_input()` to `metafieldDefinitionCreate`, and
`product_metafields` writes values under exactly these keys and types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from boeinghub_dagster.domain.shopify_api import PART_NUMBER_METAFIELD_KEY, PART_NUMBER_METAFIELD_NAMESPACE
from boeinghub_dagster.domain.units import parse_number, parse_quantity

__all__ = ["METAFIELD_NAMESPACE", "MetafieldDefinition", "METAFIELD_DEFINITIONS", "product_metafields"]

METAFIELD_NAMESPACE = PART_NUMBER_METAFIELD_NAMESPACE  # every hub metafield lives in `custom`

TEXT = "single_line_text_field"
BOOLEAN = "boolean"
INTEGER = "number_integer"


@dataclass(frozen=True)
class MetafieldDefinition:
    key: str
    name: str
    type: str
    unique: bool = False  # the unique-values capability (needed for customId upserts)

    def as_input(self) -> dict:
        """A `MetafieldDefinitionInput` for `metafieldDefinitionCreate(definition: …)`."""
        definition = {
            "name": self.name,
            "namespace": METAFIELD_NAMESPACE,
            "key": self.key,
            "type": self.type,
            "ownerType": "PRODUCT",
        }
        if self.unique:
            definition["capabilities"] = {"uniqueValues": {"enabled": True}}
        return definition


METAFIELD_DEFINITIONS: tuple[MetafieldDefinition, ...] = (
    MetafieldDefinition("part_number", "Part Number", TEXT),
    MetafieldDefinition("part_name", "Part Name", TEXT),
    MetafieldDefinition("manufacturer", "Manufacturer", TEXT),
    MetafieldDefinition("unit_of_measure", "Unit of Measure", TEXT),
    MetafieldDefinition("condition", "Condition", TEXT),
    MetafieldDefinition("certificate", "Certificate", TEXT),
    MetafieldDefinition("pma", "PMA", BOOLEAN),
    MetafieldDefinition("country_of_origin", "Country of Origin", TEXT),
    MetafieldDefinition("dimensions", "Dimensions", TEXT),
    MetafieldDefinition("hazmat_code", "Hazmat Code", TEXT),
    MetafieldDefinition("faa_approval_code", "FAA Approval Code", TEXT),
    MetafieldDefinition("eccn", "ECCN", TEXT),
    MetafieldDefinition("schedule_b_code", "Schedule B Code", TEXT),
    MetafieldDefinition("inventory_location_code", "Inventory Location Code", TEXT),
    MetafieldDefinition("location_summary", "Location Summary", TEXT),
    MetafieldDefinition("estimated_lead_time_days", "Estimated Lead Time (days)", INTEGER),
    MetafieldDefinition(PART_NUMBER_METAFIELD_KEY, "Boeing Part Number", TEXT, unique=True),
)


def _number(value: object) -> str | None:
    """2.5 → '2.5', 1.0 → '1'; None when not a number."""
    number = parse_number(value)
    if number is None:
        return None
    return str(int(number)) if number.is_integer() else repr(number)


def _dimensions(row: Mapping) -> str | None:
    """'2.5 x 1 x 0.5 IN' when all three dimensions are known, else None."""
    parts = [_number(row.get(k)) for k in ("dim_length", "dim_width", "dim_height")]
    if any(part is None for part in parts):
        return None
    text = " x ".join(parts)  # type: ignore[arg-type]
    uom = str(row.get("dim_uom") or "").strip()
    return f"{text} {uom}" if uom else text


def _location_codes(row: Mapping, location_codes: Mapping[str, str]) -> str | None:
    """Codes of the Boeing locations that hold stock, in answer order, once each, ', '-joined."""
    codes: list[str] = []
    for loc in row.get("locations") or []:
        code = location_codes.get(loc.get("location"))
        if code and (parse_quantity(loc.get("quantity")) or 0) > 0 and code not in codes:
            codes.append(code)
    return ", ".join(codes) or None


def _encode(kind: str, value: object) -> str | None:
    """A metafield value string for `kind`, or None when the value is empty."""
    if value is None:
        return None
    if kind == BOOLEAN:
        return "true" if value else "false"
    if kind == INTEGER:
        number = parse_quantity(value)
        return None if number is None else str(number)
    text = " ".join(str(value).split())  # single-line: newlines and runs of blanks become one space
    return text or None


def product_metafields(row: Mapping, part_number: str, location_codes: Mapping[str, str]) -> list[dict]:
    """`MetafieldInput`s for a staging row, in definition order; empty values are left out.

    `part_number` is the display part number (the SKU, text before `=`);
    `boeing_part_number` is the full part number, suffix included. `pma` is
    always written (false is a value). `estimated_lead_time_days` is written
    only when the row carries one: Boeing's PNA answer has no such field.
    """
    values: dict[str, object] = {
        "part_number": row.get("sku"),
        "part_name": row.get("boeing_name"),
        "manufacturer": row.get("manufacturer"),
        "unit_of_measure": row.get("unit_of_measure"),
        "condition": row.get("condition"),
        "certificate": row.get("cert"),
        "pma": bool(row.get("pma")),
        "country_of_origin": row.get("country_of_origin"),
        "dimensions": _dimensions(row),
        "hazmat_code": row.get("hazmat_code"),
        "faa_approval_code": row.get("faa_approval_code"),
        "eccn": row.get("eccn"),
        "schedule_b_code": row.get("schedule_b_code"),
        "inventory_location_code": _location_codes(row, location_codes),
        "location_summary": row.get("location_summary"),
        "estimated_lead_time_days": row.get("estimated_lead_time_days"),
        PART_NUMBER_METAFIELD_KEY: part_number,
    }
    metafields = []
    for definition in METAFIELD_DEFINITIONS:
        value = _encode(definition.type, values[definition.key])
        if value is not None:
            metafields.append(
                {"namespace": METAFIELD_NAMESPACE, "key": definition.key, "type": definition.type, "value": value}
            )
    return metafields
