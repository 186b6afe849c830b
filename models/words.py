"""A private word to the counselor: something a partner wants the counselor to know before
the next session. Not homework: no assignment, no week, no choice of who reads it. It is
for the counselor only, always; the other partner never learns that it exists.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import ANSWER_MAX, UTCDateTime, utcnow


class PrivateWord(db.Model):
    """One partner's private word to their counselor, and when the counselor read it."""

    __tablename__ = "private_words"
    __table_args__ = (Index("ix_private_words_couple_read", "couple_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(ANSWER_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    partner = relationship("Partner")
