"""One process drawing on the shared Boeing limiter: `python -m … DB_URL SANDBOX_URL CALLS RATE`."""

import sys

from boeinghub_dagster.resources.boeing import BoeingResource
from boeinghub_dagster.resources.store import StoreResource


def main(db_url: str, sandbox_url: str, calls: int, rate: float) -> None:
    boeing = BoeingResource(
        client_id="sandbox-client",
        client_secret="sandbox-secret",
        username="sandbox-user",
        password="sandbox-pass",
        oauth_token_url=f"{sandbox_url}/oauth/token",
        pna_oauth_url=f"{sandbox_url}/pna/oauth",
        pna_price_url=f"{sandbox_url}/pna/price",
        store=StoreResource(database_url=db_url),
        rate_per_min=rate,
        max_attempts=1,
    )
    client = boeing.client()
    for i in range(calls):
        client.price([f"BACB30LH3-{i}"])
    print(f"ok {client.calls}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
