"""The Dagster instance's PostgreSQL URL, in the form dagster-postgres can use.

SQLAlchemy 2.1 reads a plain `postgresql://` URL as psycopg 3, which binds
parameters on the server. dagster-postgres writes every event with
`NOTIFY run_events, :id`, and PostgreSQL takes no bound parameter in NOTIFY,
so every event write fails. psycopg2, dagster-postgres's own driver, binds on
the client, which NOTIFY accepts. The instance yaml can only read
`DAGSTER_PG_URL` as it is, so `scripts/hub` rewrites it once, with
`boeinghub dagster-pg-url`, before any Dagster process starts; the webserver,
the daemon, code servers and run workers inherit the rewritten URL.

No Dagster or SQLAlchemy import: this runs in a shell step before Dagster starts.
"""

from __future__ import annotations

PSYCOPG2 = "postgresql+psycopg2"
# What operators paste (Supabase and Heroku hand out `postgres://`), and the store's psycopg 3 form.
_POSTGRES_SCHEMES = {"postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg2"}


def dagster_pg_url(url: str) -> str:
    """`url` with the psycopg2 driver; the rest (user, password, host, port, database, query) unchanged.

    Raises ValueError for anything but a PostgreSQL URL; the message never holds the URL (it has a password).
    """
    scheme, sep, rest = url.strip().partition("://")
    if not sep or scheme.lower() not in _POSTGRES_SCHEMES:
        accepted = ", ".join(f"{s}://" for s in sorted(_POSTGRES_SCHEMES))
        raise ValueError(f"DAGSTER_PG_URL must be a PostgreSQL URL starting with one of {accepted}")
    return f"{PSYCOPG2}://{rest}"
