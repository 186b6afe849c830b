"""The journal's one table: a moment one partner wrote down."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import NOTE_MAX, VISIBILITY_CHECK, UTCDateTime, Visibility, utcnow

KEY = "journal"


class JournalEntry(db.Model):
    """A small moment that felt meaningful, in one sentence, written by one partner.

    ``week_start`` is the week it was written in (the homework week); ``happened_on`` the
    day it happened, when the writer gives one.
    """

    __tablename__ = "journal_entries"
    __table_args__ = (
        CheckConstraint(f"visibility {VISIBILITY_CHECK}", name="visibility"),
        Index("ix_journal_entries_partner_week", "partner_id", "week_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    happened_on: Mapped[date | None] = mapped_column(Date)
    text: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    # Shared by default: the journal is the couple's to look back on together.
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.SHARED)
    # The confidentiality policy in force when this was written (domain.confidentiality).
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("confidentiality_policies.id", ondelete="SET NULL")
    )
    policy = relationship("ConfidentialityPolicy", lazy="joined")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def day(self) -> date:
        """The day it happened, or else the week it was written in (for sorting)."""
        return self.happened_on or self.week_start
