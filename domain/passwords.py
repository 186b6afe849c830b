"""Password hashing with Argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 12
MAX_LENGTH = 256

# RFC 9106 "second recommended" profile: 3 passes over 64 MiB, fits a small server.
_STANDARD = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
# Only for the test suite, where hundreds of sign-ins would otherwise take minutes.
_FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _hasher() -> PasswordHasher:
    if current_app and current_app.config.get("PASSWORD_HASH_PROFILE") == "fast":
        return _FAST
    return _STANDARD


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)


def password_problem(password: str) -> str | None:
    """Why this password cannot be used, in words for the person choosing it, or None."""
    from flask_babel import gettext

    if len(password) < MIN_LENGTH:
        return gettext(
            "Please use at least %(num)d characters. A short sentence works well.", num=MIN_LENGTH
        )
    if len(password) > MAX_LENGTH:
        return gettext("Please use at most %(num)d characters.", num=MAX_LENGTH)
    if not password.strip():
        return gettext("A password of only spaces is too easy to guess.")
    return None
