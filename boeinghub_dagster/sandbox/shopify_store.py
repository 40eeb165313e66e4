"""The shop behind the Shopify sandbox, in one SQLite file so a restart keeps it.

Products, variants, inventory items (with cost), locations, inventory levels (a row = the item is
stocked there), metafields, metafield definitions, media, collections, publications and what is
published where, idempotency keys (succeeded or failed) and the per-day count of created variants.
Rows are turned into dicts shaped like Shopify's objects (`*_obj`), with the row id kept
under `_pk` for the resolvers. One connection guarded by a lock: the sandbox serves one
request at a time, like a single shop does for one app's writes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_LOCATIONS = ("Dallas Central", "Chicago", "Miami")
# A new shop has these sales channels; only the Online Store supports future publishing (PublicationInput:
# "Only online store channels support future publishing").
DEFAULT_PUBLICATIONS = ("Online Store", "Point of Sale")
ONLINE_STORE = "Online Store"

SCHEMA = """
CREATE TABLE IF NOT EXISTS locations (
  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, is_active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS products (
  id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, handle TEXT NOT NULL UNIQUE,
  description_html TEXT NOT NULL DEFAULT '', vendor TEXT NOT NULL DEFAULT '', product_type TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'ACTIVE', tags TEXT NOT NULL DEFAULT '[]', category TEXT,
  options TEXT NOT NULL DEFAULT '[{"name": "Title", "values": ["Default Title"]}]',
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS variants (
  id INTEGER PRIMARY KEY AUTOINCREMENT, product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  sku TEXT, barcode TEXT, price TEXT NOT NULL DEFAULT '0.00', compare_at_price TEXT,
  taxable INTEGER NOT NULL DEFAULT 1, position INTEGER NOT NULL DEFAULT 1,
  inventory_policy TEXT NOT NULL DEFAULT 'DENY', option_values TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS variants_sku ON variants(sku COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS variants_product ON variants(product_id);
CREATE TABLE IF NOT EXISTS inventory_items (
  id INTEGER PRIMARY KEY AUTOINCREMENT, variant_id INTEGER NOT NULL UNIQUE REFERENCES variants(id) ON DELETE CASCADE,
  tracked INTEGER NOT NULL DEFAULT 0, requires_shipping INTEGER NOT NULL DEFAULT 1, cost TEXT,
  country_code TEXT, hs_code TEXT, weight_value REAL, weight_unit TEXT,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inventory_levels (
  item_id INTEGER NOT NULL REFERENCES inventory_items(id) ON DELETE CASCADE,
  location_id INTEGER NOT NULL REFERENCES locations(id), quantity INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (item_id, location_id));
CREATE TABLE IF NOT EXISTS metafields (
  id INTEGER PRIMARY KEY AUTOINCREMENT, owner_type TEXT NOT NULL, owner_id INTEGER NOT NULL,
  namespace TEXT NOT NULL, key TEXT NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (owner_type, owner_id, namespace, key));
CREATE INDEX IF NOT EXISTS metafields_value ON metafields(owner_type, namespace, key, value);
CREATE TABLE IF NOT EXISTS metafield_definitions (
  id INTEGER PRIMARY KEY AUTOINCREMENT, owner_type TEXT NOT NULL, namespace TEXT NOT NULL, key TEXT NOT NULL,
  name TEXT NOT NULL, type TEXT NOT NULL, description TEXT, unique_values INTEGER NOT NULL DEFAULT 0,
  admin_filterable INTEGER NOT NULL DEFAULT 0, smart_collection INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL, UNIQUE (owner_type, namespace, key));
CREATE TABLE IF NOT EXISTS media (
  id INTEGER PRIMARY KEY AUTOINCREMENT, product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, alt TEXT, original_source TEXT, content_type TEXT NOT NULL DEFAULT 'IMAGE',
  status TEXT NOT NULL DEFAULT 'UPLOADED', error_code TEXT, error_message TEXT,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  key TEXT PRIMARY KEY, params_hash TEXT NOT NULL, status TEXT NOT NULL, payload TEXT, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS variant_creations (day INTEGER PRIMARY KEY, count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS collections (
  id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, handle TEXT NOT NULL UNIQUE,
  description_html TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS collection_products (
  collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
  product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE, PRIMARY KEY (collection_id, product_id));
CREATE TABLE IF NOT EXISTS publications (
  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, auto_publish INTEGER NOT NULL DEFAULT 0,
  supports_future INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS resource_publications (
  product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  publication_id INTEGER NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
  publish_date TEXT NOT NULL, PRIMARY KEY (product_id, publication_id));
"""
_TABLES = (
    "collection_products",
    "collections",
    "resource_publications",
    "media",
    "inventory_levels",
    "inventory_items",
    "variants",
    "metafields",
    "products",
    "metafield_definitions",
    "idempotency_keys",
    "variant_creations",
)

GID = "gid://shopify/"


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def gid(kind: str, pk: int) -> str:
    return f"{GID}{kind}/{pk}"


def parse_gid(value, kind: str) -> int | None:
    """The numeric id of `gid://shopify/<kind>/<n>` (a query string is ignored), else None."""
    if not isinstance(value, str) or not value.startswith(f"{GID}{kind}/"):
        return None
    tail = value[len(GID) + len(kind) + 1 :].split("?", 1)[0]
    return int(tail) if tail.isdigit() else None


class ShopifyStore:
    """SQLite state of one shop. `path=":memory:"` for a throw-away shop."""

    def __init__(
        self,
        path: str | Path = ":memory:",
        locations: tuple[str, ...] = DEFAULT_LOCATIONS,
        publications: tuple[str, ...] = DEFAULT_PUBLICATIONS,
    ):
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = str(path)
        self.lock = threading.RLock()
        self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.executescript(SCHEMA)
        self.default_locations = tuple(locations)
        self.default_publications = tuple(publications)
        self._seed()

    def _seed(self) -> None:
        """Locations and sales channels of a new (or wiped) shop; a shop file that has them keeps its own."""
        with self.lock:
            if self.one("SELECT COUNT(*) AS n FROM locations")["n"] == 0:
                for name in self.default_locations:
                    self.conn.execute("INSERT INTO locations (name) VALUES (?)", (name,))
            if self.one("SELECT COUNT(*) AS n FROM publications")["n"] == 0:
                for name in self.default_publications:
                    self.conn.execute(
                        "INSERT INTO publications (name, supports_future) VALUES (?, ?)",
                        (name, int(name == ONLINE_STORE)),
                    )

    def add_location(self, name: str) -> int:
        """A merchant opens a location (no item is stocked there until activated)."""
        with self.lock:
            row = self.one("SELECT id FROM locations WHERE name = ?", (name,))
            return row["id"] if row else self.insert("locations", name=name)

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All-or-nothing: a mutation that fails half-way leaves no trace."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def wipe(self) -> None:
        """Empty the shop (locations and publications are re-seeded); counters restart at 1."""
        with self.transaction() as c:
            for table in (*_TABLES, "locations", "publications"):
                c.execute(f"DELETE FROM {table}")
            c.execute("DELETE FROM sqlite_sequence")
        self._seed()

    # -- generic access ---------------------------------------------------------------
    def rows(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        with self.lock:
            return self.conn.execute(sql, args).fetchall()

    def one(self, sql: str, args: tuple = ()) -> sqlite3.Row | None:
        with self.lock:
            return self.conn.execute(sql, args).fetchone()

    def insert(self, table: str, **cols) -> int:
        names = ", ".join(cols)
        marks = ", ".join("?" for _ in cols)
        with self.lock:
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
            cur = self.conn.execute(sql, tuple(cols.values()))
            return int(cur.lastrowid)

    def update(self, table: str, pk: int, **cols) -> None:
        if not cols:
            return
        sets = ", ".join(f"{k} = ?" for k in cols)
        with self.lock:
            self.conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*cols.values(), pk))

    def execute(self, sql: str, args: tuple = ()) -> None:
        with self.lock:
            self.conn.execute(sql, args)

    # -- lookups ------------------------------------------------------------------------
    def get(self, table: str, pk: int | None) -> sqlite3.Row | None:
        if pk is None:
            return None
        return self.one(f"SELECT * FROM {table} WHERE id = ?", (pk,))

    def owner_by_metafield(self, owner_type: str, namespace: str, key: str, value: str) -> int | None:
        row = self.one(
            "SELECT owner_id FROM metafields WHERE owner_type = ? AND namespace = ? AND key = ?"
            " AND value = ? ORDER BY owner_id LIMIT 1",
            (owner_type, namespace, key, value),
        )
        return row["owner_id"] if row else None

    def metafield(self, owner_type: str, owner_id: int, namespace: str, key: str) -> sqlite3.Row | None:
        return self.one(
            "SELECT * FROM metafields WHERE owner_type = ? AND owner_id = ? AND namespace = ? AND key = ?",
            (owner_type, owner_id, namespace, key),
        )

    def definition(self, owner_type: str, namespace: str, key: str) -> sqlite3.Row | None:
        return self.one(
            "SELECT * FROM metafield_definitions WHERE owner_type = ? AND namespace = ? AND key = ?",
            (owner_type, namespace, key),
        )

    def variants_of(self, product_pk: int) -> list[sqlite3.Row]:
        return self.rows("SELECT * FROM variants WHERE product_id = ? ORDER BY position, id", (product_pk,))

    def item_of_variant(self, variant_pk: int) -> sqlite3.Row | None:
        return self.one("SELECT * FROM inventory_items WHERE variant_id = ?", (variant_pk,))

    def levels_of(self, item_pk: int) -> list[sqlite3.Row]:
        return self.rows("SELECT * FROM inventory_levels WHERE item_id = ? ORDER BY location_id", (item_pk,))

    def level(self, item_pk: int, location_pk: int) -> sqlite3.Row | None:
        return self.one("SELECT * FROM inventory_levels WHERE item_id = ? AND location_id = ?", (item_pk, location_pk))

    def set_level(self, item_pk: int, location_pk: int, quantity: int) -> None:
        stamp = now_iso()
        self.execute(
            "INSERT INTO inventory_levels (item_id, location_id, quantity, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (item_id, location_id)"
            " DO UPDATE SET quantity = excluded.quantity, updated_at = excluded.updated_at",
            (item_pk, location_pk, quantity, stamp, stamp),
        )

    def delete_product(self, product_pk: int) -> None:
        """The product, its variants, items, levels (cascade), media and metafields."""
        variant_ids = [r["id"] for r in self.variants_of(product_pk)]
        for vid in variant_ids:
            self.execute("DELETE FROM metafields WHERE owner_type = 'PRODUCTVARIANT' AND owner_id = ?", (vid,))
        self.execute("DELETE FROM metafields WHERE owner_type = 'PRODUCT' AND owner_id = ?", (product_pk,))
        self.execute("DELETE FROM products WHERE id = ?", (product_pk,))

    # -- counters for the resource throttle and /_stats ------------------------------------
    def variant_count(self) -> int:
        return self.one("SELECT COUNT(*) AS n FROM variants")["n"]

    def variants_created_on(self, day: int) -> int:
        row = self.one("SELECT count FROM variant_creations WHERE day = ?", (day,))
        return row["count"] if row else 0

    def add_variants_created(self, day: int, count: int) -> None:
        self.execute(
            "INSERT INTO variant_creations (day, count) VALUES (?, ?)"
            " ON CONFLICT (day) DO UPDATE SET count = count + excluded.count",
            (day, count),
        )

    def products_per_metafield_value(self, namespace: str, key: str) -> dict[str, int]:
        rows = self.rows(
            "SELECT value, COUNT(*) AS n FROM metafields WHERE owner_type = 'PRODUCT'"
            " AND namespace = ? AND key = ? GROUP BY value ORDER BY value",
            (namespace, key),
        )
        return {r["value"]: r["n"] for r in rows}

    def media_statuses(self) -> dict[str, int]:
        return {r["status"]: r["n"] for r in self.rows("SELECT status, COUNT(*) AS n FROM media GROUP BY status")}

    def count(self, table: str) -> int:
        return self.one(f"SELECT COUNT(*) AS n FROM {table}")["n"]


def loads(text: str | None, default=None):
    return json.loads(text) if text else default
