"""Location constants the tests share.

`LOCATION_MAP` is the sandboxes' as `scripts/hub` sets it: every Boeing sandbox location lands in one of
the sandbox shop's locations (Dallas Central, Chicago, Miami). The `PAYLOAD_*` names are the payload
tests' made-up shop: three location gids by name, and a Boeing-to-Shopify map onto two of them.
"""

LOCATION_MAP = {
    "Dallas Central": "Dallas Central",
    "Chicago": "Chicago",
    "Miami": "Miami",
    "Seattle": "Chicago",
    "Atlanta": "Miami",
}

DALLAS, CHICAGO, SEATTLE = (f"gid://shopify/Location/{i}" for i in (1, 2, 3))
PAYLOAD_LOCATION_IDS = {"Dallas": DALLAS, "Chicago": CHICAGO, "Seattle": SEATTLE}
PAYLOAD_LOCATION_MAP = {"Dallas Central": "Dallas", "Chicago": "Dallas", "Miami": "Seattle"}
