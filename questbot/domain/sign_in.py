"""The web dashboard's one-time sign-in links, as the engine makes them and the web takes
them: the address, how long one lasts, and the hash the store keeps instead of the token."""

from __future__ import annotations

import hashlib
from datetime import timedelta

LINK_LIFETIME = timedelta(minutes=10)
SIGN_IN_PATH = "/dashboard/sign-in/"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
