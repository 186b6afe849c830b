"""Invitation links sent by e-mail from the couple's page, and sent again when reissued."""

from __future__ import annotations

from sqlalchemy import select

from domain.mail.delivery import queue
from extensions import db
from models import Invitation, Message, Partner


def last_sent(partner: Partner) -> Message | None:
    """The newest invitation message for this partner place, if the counselor sent one."""
    return db.session.scalar(
        select(Message)
        .join(Invitation, Invitation.id == Message.ref_id)
        .where(Message.kind == "invitation", Invitation.partner_id == partner.id)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
    )


def send(invitation: Invitation, address: str, locale: str | None = None) -> int | None:
    """Queue ``invitation``'s link to ``address`` (once per link and address), written in
    ``locale`` when the counselor chose one (else the counselor's own language)."""
    if invitation.id is None:
        db.session.flush()
    partner = invitation.partner
    return queue(
        "invitation",
        to_address=address,
        couple_id=partner.couple_id,
        period=f"invitation-{invitation.id}",
        ref_id=invitation.id,
        locale=locale,
    )


def resend_if_sent_before(invitation: Invitation) -> None:
    """A new link for a place whose link went by e-mail goes to the same address."""
    partner = invitation.partner
    if partner.id is None or partner.joined:
        return
    earlier = last_sent(partner)
    if earlier is not None and earlier.to_address:
        send(invitation, earlier.to_address, earlier.locale)
