"""The needs list's tables: each need with its wordings and steps, the steps taken, and the
owner's weekly rating; and the words for its statuses and ratings."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import (
    NEED_MAX,
    NOTE_MAX,
    STEP_MAX,
    VISIBILITY_CHECK,
    UTCDateTime,
    Visibility,
    utcnow,
)

KEY = "needs"


class NeedStatus(enum.StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"


class Rating(enum.StrEnum):
    MET = "met"
    PARTLY = "partly"
    NOT_YET = "not_yet"


# How each rating is said, everywhere it is shown.
RATING_WORDS = {Rating.MET: "Met", Rating.PARTLY: "Partly", Rating.NOT_YET: "Not yet"}


class Need(db.Model):
    """Something one partner needs, turned into steps the other partner can take."""

    __tablename__ = "needs"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'retired')", name="status"),
        CheckConstraint(f"visibility {VISIBILITY_CHECK}", name="visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)
    wording: Mapped[str] = mapped_column(String(NEED_MAX))
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.SHARED)
    # The confidentiality policy in force when this was last written (domain.confidentiality).
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("confidentiality_policies.id", ondelete="SET NULL")
    )
    policy = relationship("ConfidentialityPolicy", lazy="joined")
    status: Mapped[str] = mapped_column(String(16), default=NeedStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    owner = relationship("Partner")
    steps: Mapped[list[NeedStep]] = relationship(
        back_populates="need", order_by="NeedStep.position", cascade="all, delete-orphan"
    )
    wordings: Mapped[list[NeedWording]] = relationship(
        back_populates="need", order_by="NeedWording.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def active_steps(self) -> list[NeedStep]:
        return [s for s in self.steps if s.removed_at is None]


class NeedWording(db.Model):
    """Each wording a need has had, so rewording never loses how it started."""

    __tablename__ = "need_wordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    wording: Mapped[str] = mapped_column(String(NEED_MAX))
    since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    need: Mapped[Need] = relationship(back_populates="wordings")

    @property
    def visibility(self) -> str:
        """A wording is read by whoever may read its need."""
        return self.need.visibility


class NeedStep(db.Model):
    """A concrete, observable step the other partner can take for a need."""

    __tablename__ = "need_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(STEP_MAX))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    need: Mapped[Need] = relationship(back_populates="steps")

    @property
    def visibility(self) -> str:
        """A step is read by whoever may read its need."""
        return self.need.visibility


class StepDone(db.Model):
    """The other partner's "I did this" for a step, in a given week."""

    __tablename__ = "steps_done"
    __table_args__ = (UniqueConstraint("step_id", "week_start", name="uq_steps_done_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("need_steps.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    step: Mapped[NeedStep] = relationship()


class NeedRating(db.Model):
    """The owner's weekly review of a need: met, partly or not yet."""

    __tablename__ = "need_ratings"
    __table_args__ = (
        UniqueConstraint("need_id", "week_start", name="uq_need_ratings_week"),
        CheckConstraint("rating IN ('met', 'partly', 'not_yet')", name="rating"),
        CheckConstraint(f"comment_visibility {VISIBILITY_CHECK}", name="comment_visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    rating: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    comment_visibility: Mapped[str] = mapped_column(String(16), default=Visibility.SHARED)
    # The confidentiality policy in force when this was last written (domain.confidentiality).
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("confidentiality_policies.id", ondelete="SET NULL")
    )
    policy = relationship("ConfidentialityPolicy", lazy="joined")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    need: Mapped[Need] = relationship()


# Two or three needs work best; a fourth asks "are you sure?"; five is the most.
NEEDS_SUGGESTED = 3
NEEDS_MAX = 5


def next_step_position(need: Need) -> int:
    return max((s.position for s in need.steps), default=0) + 1


def add_steps(need: Need, texts: list[str]) -> None:
    position = next_step_position(need)
    for offset, text in enumerate(texts):
        need.steps.append(NeedStep(position=position + offset, text=text))
