"""The store against real SQLite and PostgreSQL: migrations, bulk upserts, the raw-answer index."""

from datetime import UTC, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from boeinghub_dagster.resources.store.engine import normalize_url, redact
from boeinghub_dagster.resources.store.schema import metadata, product_staging
from boeinghub_dagster.resources.store.upsert import upsert


def test_migrations_build_exactly_the_declared_schema(store):
    with store.engine().connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_bulk_upsert_is_idempotent_across_chunks(store):
    now = datetime.now(UTC)
    rows = [
        {
            "part_number": f"P{i}",
            "sku": f"P{i}",
            "title": f"P{i}",
            "inventory_quantity": i,
            "locations": [],
            "pma": False,
            "status": "fetched",
            "run_id": "r1",
            "updated_at": now,
        }
        for i in range(1203)
    ]
    with store.engine().begin() as conn:
        upsert(conn, product_staging, rows, ["part_number"])
        upsert(
            conn, product_staging, [{**r, "inventory_quantity": 7, "run_id": "r2"} for r in rows[:600]], ["part_number"]
        )
    with store.engine().connect() as conn:
        assert conn.execute(select(func.count()).select_from(product_staging)).scalar_one() == 1203
        q = select(func.count()).select_from(product_staging).where(product_staging.c.run_id == "r2")
        assert conn.execute(q).scalar_one() == 600
        assert (
            conn.execute(
                select(product_staging.c.inventory_quantity).where(product_staging.c.part_number == "P1000")
            ).scalar_one()
            == 1000
        )


def test_latest_answer_per_part_wins(store):
    raw = store.extraction()
    first = raw.record_raw_answer(["A", "B"], {"lineItems": [1]}, ["A"], "run1")
    second = raw.record_raw_answer(["B", "C"], {"lineItems": [2]}, ["B", "C"], "run2")
    answers, never = raw.latest_answers(["A", "B", "C", "D"])
    by_id = {a.raw_response_id: a.part_numbers for a in answers}
    assert by_id == {first: ["A"], second: ["B", "C"]}
    assert never == ["D"]
    future = datetime.now(UTC) + timedelta(minutes=1)
    assert raw.parts_fetched_since(["A", "B"], future) == set()
    assert raw.parts_fetched_since(["A", "B", "D"], future - timedelta(minutes=5)) == {"A", "B"}


def test_supabase_style_urls_are_accepted_and_passwords_never_shown():
    url = "postgres://postgres.abcd:s3cret-pw@aws-0-eu-west-1.pooler.supabase.com:6543/postgres"
    assert normalize_url(url).startswith("postgresql+psycopg://")
    assert "s3cret-pw" not in redact(url)
