"""The hub's own tables (docs/behaviour.md §10), as SQLAlchemy Core metadata.

Core rather than ORM: every write here is a bulk insert or upsert, and Alembic
migrations are written against these definitions.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

JSONType = JSON().with_variant(JSONB(), "postgresql")
Id = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER keys only
Price = Numeric(14, 2, asdecimal=True)

boeing_raw_responses = Table(
    "boeing_raw_responses",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("part_numbers", JSONType, nullable=False),
    Column("payload", JSONType, nullable=False),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
    Column("run_id", String(64), nullable=False, index=True),
)

# Which raw answer is the latest for each part; staging reads through it.
boeing_raw_parts = Table(
    "boeing_raw_parts",
    metadata,
    Column("part_number", String(50), primary_key=True),
    Column("raw_response_id", Id, nullable=False),
    Column("returned", Boolean, nullable=False),
    Column("fetched_at", DateTime(timezone=True), nullable=False, index=True),
    Column("run_id", String(64), nullable=False),
)

product_staging = Table(
    "product_staging",
    metadata,
    Column("part_number", String(50), primary_key=True),
    Column("sku", String(50), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("boeing_name", Text),
    Column("boeing_description", Text),
    Column("body_html", Text),
    Column("supplier_name", Text),
    Column("manufacturer", Text),
    Column("vendor", Text),
    Column("list_price", Price),
    Column("net_price", Price),
    Column("currency", String(8)),
    Column("base_uom", Text),
    Column("unit_of_measure", Text),
    Column("country_of_origin", Text),
    Column("hazmat_code", Text),
    Column("faa_approval_code", Text),
    Column("eccn", Text),
    Column("schedule_b_code", Text),
    Column("dim_length", Float),
    Column("dim_width", Float),
    Column("dim_height", Float),
    Column("dim_uom", Text),
    Column("weight", Float),
    Column("weight_unit", Text),
    Column("inventory_quantity", Integer, nullable=False),
    Column("inventory_status", String(20)),
    Column("locations", JSONType, nullable=False),
    Column("location_summary", Text),
    Column("boeing_image_url", Text),
    Column("boeing_thumbnail_url", Text),
    Column("pma", Boolean, nullable=False),
    Column("condition", String(8)),
    Column("cert", Text),
    Column("status", String(20), nullable=False, index=True),
    Column("status_reason", Text),
    Column("raw_response_id", Id),
    Column("run_id", String(64), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

part_failures = Table(
    "part_failures",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False, index=True),
    Column("stage", String(32), nullable=False),
    Column("part_number", String(64), nullable=False, index=True),
    Column("reason", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

rate_limit_buckets = Table(
    "rate_limit_buckets",
    metadata,
    Column("name", String(64), primary_key=True),
    # GCRA "theoretical arrival time": the earliest epoch second the next call may start.
    Column("next_at", Float, nullable=False),
    Column("interval_seconds", Float, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# docs/behaviour.md §3: one row per intake file (accepted, rejected, or a duplicate of an earlier batch).
intake_batches = Table(
    "intake_batches",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("file_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False, index=True),
    Column("target", String(16), nullable=False),  # extraction | publish
    Column("status", String(16), nullable=False),  # requested | launched | rejected | duplicate | canceled
    Column("reason", Text),
    Column("duplicate_of", Id),
    Column("lines", Integer, nullable=False),
    Column("accepted", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
    Column("run_key", String(80)),
    Column("run_id", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("encoding", String(32)),  # utf-8 | utf-8-sig | utf-16 | windows-1252; NULL for .xlsx and refused files
)

intake_batch_parts = Table(
    "intake_batch_parts",
    metadata,
    Column("batch_id", Id, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("part_number", String(50), nullable=False, index=True),
    Column("chunk", Integer),  # its run slice in intake_batch_chunks
)

# Which contiguous slice of a batch's parts one run covers (a run targets one partition range).
intake_batch_chunks = Table(
    "intake_batch_chunks",
    metadata,
    Column("batch_id", Id, primary_key=True),
    Column("chunk", Integer, primary_key=True),  # 1-based; "chunk i/n" in the run's tags
    Column("parts", Integer, nullable=False),
    Column("range_start", String(50), nullable=False),
    Column("range_end", String(50), nullable=False),
    Column("status", String(16), nullable=False),  # planned | requested | success | failed | canceled
    Column("attempts", Integer, nullable=False),  # runs requested so far (names the run key)
    Column("budget", Integer, nullable=False),  # give up when attempts reach it; a resume raises it
    Column("run_key", String(120)),
    Column("run_id", String(64)),
    Column("error", Text),
    Column("asked_since", DateTime(timezone=True)),  # first request: answers after this are this chunk's
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # Its parts sit next to each other in partition order: the run targets exactly their range. A chunk of
    # parts that sit apart runs with no range (its parts come from the store), never a range over others' parts.
    Column("ranged", Boolean, nullable=False, server_default=true()),
)

# An intake file whose parsing began (file version: name + sha256); removed when it ended. A row found
# at the next tick means the process died while parsing it: the file is refused, never parsed again.
intake_parse_marks = Table(
    "intake_parse_marks",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("file_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False, index=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
)

# Parts waiting for a Boeing call, from every run: whoever holds the dispatch lease packs full
# batches from them, lowest priority number first (sync before extraction), round-robin by round.
boeing_requests = Table(
    "boeing_requests",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("part_number", String(50), nullable=False, index=True),
    Column("priority", Integer, nullable=False),
    Column("round", Integer, nullable=False),
    Column("state", String(16), nullable=False, index=True),  # waiting | claimed | answered | failed | dropped
    Column("requested_by", String(120), nullable=False, index=True),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("claimed_by", String(64)),  # the lease holder's tag (run@host:pid)
    Column("claim_token", BigInteger),  # the lease's fencing token when claimed
    Column("claimed_at", Float),  # epoch seconds (the database's clock on PostgreSQL)
    Column("raw_response_id", Id),
    Column("reason", Text),
    Column("done_at", DateTime(timezone=True)),
)

# Short leases (one dispatcher at a time) and encrypted API tokens shared across runs.
store_leases = Table(
    "store_leases",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("holder", String(64)),
    Column("expires_at", Float, nullable=False),  # epoch seconds
    Column("wanted_at", Float, nullable=False, default=0.0),  # another holder asked for it: hand it over
    Column("token", BigInteger, nullable=False, default=0),  # fencing token: one more at every acquisition
    Column("taken_at", Float, nullable=False, default=0.0),  # when the current token was taken
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("ciphertext", Text, nullable=False),  # Fernet, keyed from the API's own secrets; never clear text
    Column("expires_at", Float, nullable=False),
)

# One row per alert subject (kind + what it is about): when a message last went out, and how many like
# it were grouped since, so several processes agree on what to send (resources/alerts.py).
alert_groups = Table(
    "alert_groups",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Column("pending", Integer, nullable=False),  # grouped since sent_at, not sent yet
    Column("carried", Integer, nullable=False),  # grouped into the message sent at sent_at
    Column("pending_text", Text),  # the latest grouped message
)

# The other schema modules register their tables on this metadata: imported last, as they import it.
from boeinghub_dagster.resources.store import (  # noqa: E402
    schema_prices,  # noqa: F401  (registers `price_overrides` and `price_history`)
    schema_publishing,  # noqa: F401  (registers the publishing tables on this metadata)
    schema_shopify,  # noqa: F401  (registers `shopify_buckets` on this metadata)
)
