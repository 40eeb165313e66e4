"""A separate process running one extraction run, so a test can kill it mid-way.

`python -m boeinghub_dagster_tests.support.extraction_worker DB_URL SANDBOX_URL RATE BATCH PART…`
"""

import sys

import dagster as dg

from boeinghub_dagster.resources.store import StoreResource
from boeinghub_dagster_tests.conftest import make_boeing_resource
from boeinghub_dagster_tests.support.runs import materialize_parts
from boeinghub_dagster_tests.support.sandboxes import BoeingSandbox


def main(db_url: str, sandbox_url: str, rate: float, batch: int, parts: list[str]) -> None:
    store = StoreResource(database_url=db_url)
    boeing = make_boeing_resource(store, BoeingSandbox(sandbox_url, rate), batch_size=batch)
    with dg.instance_for_test() as instance:
        materialize_parts(instance, parts, {"store": store, "boeing": boeing})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5:])
