"""The throwaway kind's one table."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.base import NOTE_MAX, VISIBILITY_CHECK, UTCDateTime, Visibility, utcnow

KEY = "gratitude"


class GratitudeNote(db.Model):
    """One partner's line of thanks in a week."""

    __tablename__ = "gratitude_notes"
    __table_args__ = (
        UniqueConstraint("assignment_id", "partner_id", "week_start", name="uq_gratitude_week"),
        CheckConstraint(f"visibility {VISIBILITY_CHECK}", name="visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.SHARED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
