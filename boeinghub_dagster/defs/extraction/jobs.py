"""`extraction_job`: ask Boeing, then stage, for any set of part partitions."""

import dagster as dg

from boeinghub_dagster.defs.partitions import part_numbers

# Run-queue tag: dagster.yaml lets one run with this tag be in flight at a time.
BOEING_RUN_TAGS = {"boeinghub/api": "boeing"}

extraction_job = dg.define_asset_job(
    "extraction_job",
    selection=dg.AssetSelection.assets("boeing_raw_responses", "staged_products"),
    partitions_def=part_numbers,
    tags=BOEING_RUN_TAGS,
    description="Fetch Boeing price and availability for the selected parts and stage them.",
)
