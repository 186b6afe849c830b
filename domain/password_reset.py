"""'Forgot your password?': a link by e-mail that works once, for one hour.

As with invitation links, the token is ``HMAC(secret key, nonce)`` and only its SHA-256 is
stored. Asking for a link answers the same whether or not the address has an account;
requests are counted per address typed and per network address (``domain.throttle``).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select, update

from domain import link_tokens, mail
from domain.accounts import couple_id_of, find_user_by_email
from extensions import db
from models import PasswordReset, User, utcnow

LIFETIME = timedelta(hours=1)
TOKEN_MAX = 128


def token_of(reset: PasswordReset) -> str | None:
    return link_tokens.shown_again("password-reset", reset.nonce, reset.token_hash)


def request_link(email: str) -> PasswordReset | None:
    """Queue a link for the account with this address, if there is an active one.

    Earlier unused links of that account stop working. The caller answers the same
    either way.
    """
    user = find_user_by_email(email)
    if user is None or not user.active:
        return None
    now = utcnow()
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    nonce = secrets.token_hex(16)
    reset = PasswordReset(
        user_id=user.id,
        nonce=nonce,
        token_hash=link_tokens.digest(link_tokens.derive("password-reset", nonce)),
        created_at=now,
        expires_at=now + LIFETIME,
    )
    db.session.add(reset)
    db.session.flush()
    mail.queue(
        "password_reset",
        user=user,
        couple_id=couple_id_of(user),
        period=f"reset-{reset.id}",
        ref_id=reset.id,
    )
    return reset


def look_up(token: str) -> PasswordReset | None:
    """The unused, unexpired link with this token, or None."""
    if not token or len(token) > TOKEN_MAX:
        return None
    reset = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == link_tokens.digest(token))
    )
    if reset is None or reset.used_at is not None or utcnow() >= reset.expires_at:
        return None
    if reset.user is None or not reset.user.active:
        return None
    return reset


def claim(reset: PasswordReset) -> User | None:
    """Use the link, atomically: of two simultaneous tries only one wins."""
    return reset.user if link_tokens.use_once(reset) else None
