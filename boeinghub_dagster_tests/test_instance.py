"""DAGSTER_PG_URL as operators paste it becomes the psycopg2 URL dagster-postgres needs (issue 7)."""

import pytest

from boeinghub_dagster.cli import main
from boeinghub_dagster.instance import dagster_pg_url

SUPABASE_POOLER = (
    "postgres.abcdefghijkl:p%40ss%2Fw0rd@aws-0-eu-central-1.pooler.supabase.com:6543/postgres?sslmode=require"
)


@pytest.mark.parametrize(
    "pasted,expected",
    [
        ("postgresql://hub:pw@db.internal:5432/dagster", "postgresql+psycopg2://hub:pw@db.internal:5432/dagster"),
        ("postgres://hub:pw@db.internal/dagster", "postgresql+psycopg2://hub:pw@db.internal/dagster"),
        (  # Supabase's pooler: the tenant in the user name, an encoded password, the pooler port, sslmode
            f"postgresql://{SUPABASE_POOLER}",
            f"postgresql+psycopg2://{SUPABASE_POOLER}",
        ),
        ("postgresql+psycopg://hub@127.0.0.1:5433/d", "postgresql+psycopg2://hub@127.0.0.1:5433/d"),  # the store's form
        ("postgresql+psycopg2://hub@127.0.0.1/d", "postgresql+psycopg2://hub@127.0.0.1/d"),
        ("  postgresql://hub@h/d\n", "postgresql+psycopg2://hub@h/d"),
    ],
)
def test_pasted_urls_select_psycopg2(pasted, expected):
    assert dagster_pg_url(pasted) == expected


@pytest.mark.parametrize(
    "url", ["sqlite:///x.db", "mysql://u:secret@h/d", "u:secret@h/d", "postgresql+asyncpg://u:secret@h/d"]
)
def test_other_urls_are_refused_without_echoing_them(url):
    with pytest.raises(ValueError, match="PostgreSQL URL") as exc:
        dagster_pg_url(url)
    assert "secret" not in str(exc.value)


def test_cli_prints_the_url_scripts_export(monkeypatch, capsys):
    monkeypatch.setenv("DAGSTER_PG_URL", "postgres://hub:pw@h:5432/d")
    assert main(["dagster-pg-url"]) == 0
    assert capsys.readouterr().out == "postgresql+psycopg2://hub:pw@h:5432/d\n"


@pytest.mark.parametrize("value", [None, "", "sqlite:///x.db"])
def test_cli_fails_loudly_on_a_missing_or_wrong_url(monkeypatch, capsys, value):
    if value is None:
        monkeypatch.delenv("DAGSTER_PG_URL", raising=False)
    else:
        monkeypatch.setenv("DAGSTER_PG_URL", value)
    assert main(["dagster-pg-url"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and "DAGSTER_PG_URL" in out.err
