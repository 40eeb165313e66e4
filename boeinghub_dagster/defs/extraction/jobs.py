"""`extraction_job`: ask Boeing, then stage, for any set of part partitions."""

import dagster as dg

from boeinghub_dagster.defs.partitions import part_numbers
from boeinghub_dagster.domain.run_queue import BOEING_RUN_TAGS

extraction_job = dg.define_asset_job(
    "extraction_job",
    selection=dg.AssetSelection.assets("boeing_raw_responses", "staged_products"),
    partitions_def=part_numbers,
    tags=BOEING_RUN_TAGS,
    description="Fetch Boeing price and availability for the selected parts and stage them.",
)
