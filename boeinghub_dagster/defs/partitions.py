"""Every partitions definition, defined once and imported where used."""

import dagster as dg

# One partition per part number: a registry of keys that intake and operators add to.
part_numbers = dg.DynamicPartitionsDefinition(name="part_numbers")

# One partition per UTC hour: the hourly sync of that hour's bucket (docs/behaviour.md §8). The current hour
# is a partition already (end_offset=1): the schedule syncs hour H at H:45, inside the hour.
sync_hours = dg.HourlyPartitionsDefinition(start_date="2026-01-01-00:00", timezone="UTC", end_offset=1)
