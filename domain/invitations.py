"""Invitation links for partner places.

A token is ``HMAC(secret key, nonce)``; the database keeps the nonce and a SHA-256 of the
token. Looking a token up hashes it; showing a link again re-derives it from the nonce.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from domain import link_tokens
from extensions import db
from models import Invitation, InvitationPurpose, Partner, User, utcnow

TOKEN_MAX = 128


def issue(
    partner: Partner,
    by: User | None,
    purpose: InvitationPurpose | None = None,
    *,
    resend: bool = True,
) -> Invitation:
    """A new link for this partner place; any earlier unused link for it stops working.

    If the place's earlier link went by e-mail, the new one goes to that address too
    (``resend=False`` when the caller sends it somewhere itself)."""
    now = utcnow()
    if purpose is None:
        purpose = InvitationPurpose.SIGN_IN if partner.joined else InvitationPurpose.JOIN
    for old in partner.invitations:
        if old.used_at is None and old.voided_at is None:
            old.voided_at = now
    nonce = secrets.token_hex(16)
    invitation = Invitation(
        partner=partner,
        purpose=purpose,
        nonce=nonce,
        token_hash=link_tokens.digest(link_tokens.derive("invitation", nonce)),
        created_by_id=by.id if by else None,
        created_at=now,
        expires_at=now + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    if resend and partner.id is not None and purpose == InvitationPurpose.JOIN:
        from domain.mail import invites  # sent by e-mail before: the new link goes too

        invites.resend_if_sent_before(invitation)
    return invitation


def token_of(invitation: Invitation) -> str | None:
    """The link's token, or None if it can no longer be shown (e.g. the secret changed)."""
    return link_tokens.shown_again("invitation", invitation.nonce, invitation.token_hash)


def current_for(partner: Partner) -> Invitation | None:
    """The partner place's newest link that can still be used."""
    now = utcnow()
    return next((i for i in partner.invitations if i.is_usable(now)), None)


@dataclass(frozen=True)
class Lookup:
    """What a token leads to: an invitation, and whether and why it cannot be used."""

    invitation: Invitation | None
    problem: str | None  # "unknown", "used", "replaced", "expired" or None

    @property
    def usable(self) -> bool:
        return self.invitation is not None and self.problem is None


def look_up(token: str) -> Lookup:
    if not token or len(token) > TOKEN_MAX:
        return Lookup(None, "unknown")
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == link_tokens.digest(token))
    )
    if invitation is None:
        return Lookup(None, "unknown")
    if invitation.used_at is not None:
        return Lookup(invitation, "used")
    if invitation.voided_at is not None:
        return Lookup(invitation, "replaced")
    if utcnow() >= invitation.expires_at:
        return Lookup(invitation, "expired")
    return Lookup(invitation, None)


def claim(invitation: Invitation) -> bool:
    """Mark the link used, atomically: of two simultaneous taps only one wins."""
    return link_tokens.use_once(invitation, Invitation.voided_at.is_(None))
