"""The pause agreement's tables: the rule's wordings as proposed and accepted, and the pauses."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import NOTE_MAX, VISIBILITY_CHECK, UTCDateTime, Visibility, utcnow

KEY = "pause"
WORD_MAX = 40
PART_MAX = 300
PROPOSED, ACCEPTED, REPLACED = "proposed", "accepted", "replaced"
RETURN_WORDS = {1: "Hard", 2: "Rough", 3: "Okay", 4: "Good", 5: "Really good"}


class PauseRule(db.Model):
    """One wording of the couple's pause rule, proposed by one partner.

    The words are the couple's joint rule, shown to both partners by nature (there is no
    "for my counselor only" here): the other partner accepts it, or suggests a change,
    which is a new wording of their own. The accepted one is the couple's rule until
    another wording is accepted.
    """

    __tablename__ = "pause_rules"
    __table_args__ = (
        CheckConstraint("minutes BETWEEN 5 AND 240", name="minutes"),
        CheckConstraint("status IN ('proposed', 'accepted', 'replaced')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    word: Mapped[str] = mapped_column(String(WORD_MAX))
    minutes: Mapped[int] = mapped_column(Integer)
    calming: Mapped[str] = mapped_column(String(PART_MAX))
    coming_back: Mapped[str] = mapped_column(String(PART_MAX))
    status: Mapped[str] = mapped_column(String(16), default=PROPOSED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="SET NULL"))

    @property
    def sentence(self) -> str:
        return (
            f"When either of us says “{self.word}”, we stop for {self.minutes} minutes. "
            f"Each of us {self.calming.rstrip('.')}. "
            f"We come back to it {self.coming_back.rstrip('.')}."
        )


class PausedMoment(db.Model):
    """A time the couple paused, logged by one partner: the day, whether they came back to
    it, how the return went (1–5) and a note.

    The day and whether they came back are the couple's shared facts; how the return went
    and the note are the writer's, shared or for the counselor only (``visibility``).
    """

    __tablename__ = "paused_moments"
    __table_args__ = (
        CheckConstraint("return_rating BETWEEN 1 AND 5", name="return_rating"),
        CheckConstraint(f"visibility {VISIBILITY_CHECK}", name="visibility"),
        Index("ix_paused_moments_partner_week", "partner_id", "week_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    paused_on: Mapped[date] = mapped_column(Date)
    came_back: Mapped[bool] = mapped_column(Boolean, default=False)
    return_rating: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.SHARED)
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("confidentiality_policies.id", ondelete="SET NULL")
    )
    policy = relationship("ConfidentialityPolicy", lazy="joined")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
