"""The appreciation notes' one table: a note of thanks one partner wrote to the other."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import UTCDateTime, Visibility, utcnow

KEY = "appreciation"
# A note is short: a line or two of thanks.
NOTE_LIMIT = 300
# Who may read a note besides its writer and its recipient: nobody ("just for" the
# partner, the default), or the counselor too.
NOTE_VISIBILITIES = (Visibility.PARTNERS.value, Visibility.SHARED.value)


class AppreciationNote(db.Model):
    """A short note of thanks from ``partner_id`` to ``recipient_id``.

    The recipient always reads it. ``visibility`` is ``partners`` (the default: between the
    two of them, the counselor sees only that a note was written) or ``shared`` (the
    counselor may read the words too). ``opened_at`` is when the recipient opened it: until
    then their week shows "New note from …".
    """

    __tablename__ = "appreciation_notes"
    __table_args__ = (
        CheckConstraint("visibility IN ('partners', 'shared')", name="visibility"),
        Index("ix_appreciation_notes_partner_week", "partner_id", "week_start"),
        Index("ix_appreciation_notes_recipient", "recipient_id", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(String(NOTE_LIMIT), default="")
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.PARTNERS)
    # The confidentiality policy in force when it was written (domain.confidentiality):
    # it governs the words the counselor may read.
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("confidentiality_policies.id", ondelete="SET NULL")
    )
    policy = relationship("ConfidentialityPolicy", lazy="joined")
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
