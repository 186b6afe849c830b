"""Signing in and creating accounts."""

from __future__ import annotations

from sqlalchemy import select

from domain.passwords import hash_password, needs_rehash, verify_password
from extensions import db
from models import Role, User, normalize_email, utcnow

# Verifying against this keeps an unknown e-mail as slow as a wrong password, so timing
# does not tell anyone which addresses have accounts.
_DUMMY_HASH: dict[str, str] = {}


def _dummy_hash() -> str:
    from domain.passwords import _hasher

    key = repr(_hasher())
    if key not in _DUMMY_HASH:
        _DUMMY_HASH[key] = hash_password("not-a-real-password-for-timing")
    return _DUMMY_HASH[key]


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None. Same cost either way."""
    user = find_user_by_email(email)
    if user is None:
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def couple_id_of(user: User | None) -> int | None:
    """The couple a partner belongs to (for the audit trail); None for counselors."""
    if user is not None and user.partner_place is not None:
        return user.partner_place.couple_id
    return None


def email_taken(email: str) -> bool:
    return find_user_by_email(email) is not None


def create_counselor(email: str, name: str, password: str) -> User:
    user = User(
        email=email,
        display_name=name.strip(),
        password_hash=hash_password(password),
        role=Role.COUNSELOR,
    )
    db.session.add(user)
    return user
