"""Boeing tokens are reused across runs (processes) through the store, never stored in clear text."""

from sqlalchemy import select

from boeinghub_dagster.resources.store.schema import api_tokens


def test_a_second_run_reuses_the_first_runs_tokens(boeing, boeing_sandbox, store):
    first = boeing.client()
    first.price(["BACB30LH3-4"])
    first.close()
    second = boeing.client()  # a new run: nothing in memory
    second.price(["MS20470AD4-6"])
    second.close()
    stats = boeing_sandbox.stats()
    assert (stats["token_calls"], stats["part_token_calls"], stats["price_calls"]) == (1, 1, 2)
    with store.engine().connect() as conn:
        (ciphertext,) = conn.execute(select(api_tokens.c.ciphertext)).one()
    assert first._access.value not in ciphertext and first._part.value not in ciphertext
    assert "sandbox" not in ciphertext


def test_a_cache_written_under_other_secrets_is_a_miss(boeing, boeing_sandbox, store):
    boeing.client().price(["BACB30LH3-4"])
    rotated = boeing.model_copy(update={"password": "rotated"}).token_cache()
    assert rotated.load() is None
    assert boeing.token_cache().load() is not None
