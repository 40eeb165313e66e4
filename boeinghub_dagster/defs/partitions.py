"""Every partitions definition, defined once and imported where used."""

import dagster as dg

# One partition per part number: a registry of keys that intake and operators add to.
part_numbers = dg.DynamicPartitionsDefinition(name="part_numbers")
