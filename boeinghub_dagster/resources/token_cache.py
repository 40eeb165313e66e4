"""Boeing tokens shared across runs, encrypted at rest in the store (`api_tokens`).

Every extraction run is a new process; without a shared cache each would spend two
token round trips before its first call. Tokens are written only as Fernet ciphertext
keyed from the API's own secrets (client secret and password), so neither the store
nor the Dagster instance ever holds one in clear text, and a store dump alone cannot
replay them. A cache that cannot be read (rotated secret, corrupt row) is a miss.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Engine, select

from boeinghub_dagster.resources.store.schema import api_tokens
from boeinghub_dagster.resources.store.upsert import upsert


def _key(secret_material: str) -> bytes:
    return base64.urlsafe_b64encode(hashlib.sha256(b"boeinghub-token-cache\0" + secret_material.encode()).digest())


class TokenCache:
    def __init__(self, engine: Engine, name: str, secret_material: str):
        self.engine, self.name = engine, name
        self._fernet = Fernet(_key(secret_material))

    def load(self) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(api_tokens).where(api_tokens.c.name == self.name)).first()
        if row is None or row.expires_at <= time.time():
            return None
        try:
            return json.loads(self._fernet.decrypt(row.ciphertext.encode()))
        except (InvalidToken, ValueError):
            return None

    def save(self, tokens: dict, expires_at: float) -> None:
        ciphertext = self._fernet.encrypt(json.dumps(tokens).encode()).decode()
        with self.engine.begin() as conn:
            upsert(
                conn, api_tokens, [{"name": self.name, "ciphertext": ciphertext, "expires_at": expires_at}], ["name"]
            )
