"""Passwords, API tokens and login throttling.

Passwords are hashed with argon2id (argon2-cffi); API tokens are random and only their SHA-256 is
kept, so neither the database nor a log ever holds a secret in clear.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict, deque
from collections.abc import Callable
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A valid hash of a random password: verifying unknown user names against it costs the same time
    as a real check, so response times do not tell which names exist. Made on first use: hashing
    is deliberately slow, and every govmon command imports this module."""
    return _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A fresh API token (shown once, to the person who asked for it)."""
    return "gm_" + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LoginThrottle:
    """At most `limit` failed logins per user name and per address within `window_s` seconds.

    Kept in memory: one console process answers all logins, and a restart forgetting a few failures
    is harmless. `clock` returns seconds (monotonic in production, injected in tests)."""

    def __init__(self, limit: int, window_s: float, clock: Callable[[], float]):
        self.limit = limit
        self.window_s = window_s
        self.clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str) -> deque[float]:
        times = self._failures[key]
        horizon = self.clock() - self.window_s
        while times and times[0] < horizon:
            times.popleft()
        return times

    def blocked(self, name: str, address: str) -> bool:
        return any(len(self._recent(key)) >= self.limit for key in (f"u:{name}", f"a:{address}"))

    def failed(self, name: str, address: str) -> None:
        now = self.clock()
        for key in (f"u:{name}", f"a:{address}"):
            self._recent(key).append(now)

    def succeeded(self, name: str) -> None:
        self._failures.pop(f"u:{name}", None)
