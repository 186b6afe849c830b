"""Changing the e-mail you sign in with: a link to the new address confirms it.

Asking answers the same whether or not the address has an account; the link (single use,
24 hours, only the SHA-256 of its token stored, the token derived from the secret key and
a nonce as for password links) goes only to an address that is free. Nothing is sent to
an address someone already uses: a note there would let any signed-in person drop
messages in another account's mailbox, and would tell its owner nothing they can act on.
The address changes only when the account's owner, signed in, opens the link and it is
still free then; the old address is then told, in a few words, that it was replaced.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select, update

from domain import link_tokens, mail
from domain.accounts import email_taken
from extensions import db
from models import EmailChange, User, normalize_email, utcnow

LIFETIME = timedelta(hours=24)
TOKEN_MAX = 128


def token_of(change: EmailChange) -> str | None:
    return link_tokens.shown_again("email-change", change.nonce, change.token_hash)


def _void_open_links(user: User, now) -> None:
    db.session.execute(
        update(EmailChange)
        .where(EmailChange.user_id == user.id, EmailChange.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


def request_change(user: User, new_email: str) -> EmailChange | None:
    """Queue a confirmation link to ``new_email`` if no account uses it.

    Any earlier unopened link of this account stops working either way, so the newest
    request is the only one that can change the address. The caller answers the same
    whatever this returns.
    """
    now = utcnow()
    _void_open_links(user, now)
    address = normalize_email(new_email)
    if email_taken(address):
        return None
    nonce = secrets.token_hex(16)
    change = EmailChange(
        user_id=user.id,
        new_email=address,
        nonce=nonce,
        token_hash=link_tokens.digest(link_tokens.derive("email-change", nonce)),
        created_at=now,
        expires_at=now + LIFETIME,
    )
    db.session.add(change)
    db.session.flush()
    mail.queue("email_confirm", to_address=address, period=f"change-{change.id}", ref_id=change.id)
    return change


def look_up(token: str, user: User) -> EmailChange | None:
    """The unused, unexpired link with this token that belongs to ``user``, or None."""
    if not token or len(token) > TOKEN_MAX:
        return None
    change = db.session.scalar(
        select(EmailChange).where(EmailChange.token_hash == link_tokens.digest(token))
    )
    if change is None or change.used_at is not None or utcnow() >= change.expires_at:
        return None
    if change.user_id != user.id:
        return None
    return change


def confirm(change: EmailChange) -> str:
    """Use the link: "changed", "taken" (someone signed up with the address meanwhile) or
    "used" (it was used or replaced a moment ago, in another request)."""
    if not link_tokens.use_once(change):
        return "used"
    user = change.user
    if user.email == change.new_email:
        return "changed"
    if email_taken(change.new_email):
        return "taken"
    change.old_email = user.email
    user.email = change.new_email
    mail.queue(
        "email_changed",
        to_address=change.old_email,
        period=f"changed-{change.id}",
        ref_id=change.id,
    )
    return "changed"
