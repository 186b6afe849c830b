"""Homework: assignments and what each partner does each week.

Answers are stored one typed row per thing a person did (a mark, a rating, a check-in),
keyed by the couple's week (the local date it starts), so week-by-week history and trends
are plain queries. Every free-text answer carries its writer's choice of visibility.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import (
    ITEM_MAX,
    NEED_MAX,
    NOTE_MAX,
    STEP_MAX,
    AssignmentStatus,
    NeedStatus,
    UTCDateTime,
    Visibility,
    utcnow,
)

_VISIBILITY = "IN ('shared', 'counselor')"


class Assignment(db.Model):
    """One kind of homework given to one couple, week by week."""

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("kind IN ('rhythm', 'needs', 'checkin')", name="kind"),
        CheckConstraint("status IN ('active', 'paused', 'ended')", name="status"),
        CheckConstraint("weeks IS NULL OR weeks BETWEEN 1 AND 104", name="weeks"),
        # The same kind twice at once for one couple is refused, also under a race.
        Index(
            "uq_assignments_open_kind",
            "couple_id",
            "kind",
            unique=True,
            sqlite_where=text("status != 'ended'"),
            postgresql_where=text("status != 'ended'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    # The local date the first week starts (always one of the couple's week starts).
    starts_on: Mapped[date] = mapped_column(Date)
    # How many weeks it runs; None means until the counselor ends it.
    weeks: Mapped[int | None] = mapped_column(Integer)
    instructions: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=AssignmentStatus.ACTIVE)
    # Check-ins: the partner sees shared answers only once both have checked in that week.
    reveal_after_both: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    couple = relationship("Couple", back_populates="assignments")
    rhythm_items: Mapped[list[RhythmItem]] = relationship(
        back_populates="assignment", order_by="RhythmItem.position", cascade="all, delete-orphan"
    )

    @property
    def last_week(self) -> date | None:
        if self.weeks is None:
            return None
        return self.starts_on + timedelta(weeks=self.weeks - 1)

    def covers(self, week_start: date) -> bool:
        """Is ``week_start`` one of this assignment's weeks (ignoring pauses)?"""
        if week_start < self.starts_on:
            return False
        return self.last_week is None or week_start <= self.last_week

    def __repr__(self) -> str:
        return f"<Assignment {self.id} {self.kind}>"


class RhythmItem(db.Model):
    """One of the weekly rhythm's three items, in the counselor's words for this couple."""

    __tablename__ = "rhythm_items"
    __table_args__ = (
        UniqueConstraint("assignment_id", "position", name="uq_rhythm_items_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    wording: Mapped[str] = mapped_column(String(ITEM_MAX))

    assignment: Mapped[Assignment] = relationship(back_populates="rhythm_items")


class RhythmMark(db.Model):
    """A rhythm item done in a given week, by one partner, with an optional note."""

    __tablename__ = "rhythm_marks"
    __table_args__ = (
        # One mark per item per week: a double tap or both partners at once make one.
        UniqueConstraint("item_id", "week_start", name="uq_rhythm_marks_item_week"),
        CheckConstraint(f"note_visibility {_VISIBILITY}", name="note_visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rhythm_items.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    note_visibility: Mapped[str] = mapped_column(String(16), default=Visibility.SHARED)
    # The confidentiality policy in force when this was last written (domain.confidentiality).
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("confidentiality_policies.id", ondelete="SET NULL")
    )
    policy = relationship("ConfidentialityPolicy", lazy="joined")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[RhythmItem] = relationship()
    partner = relationship("Partner")


class RhythmReflection(db.Model):
    """A partner's "what helped / what didn't" at the end of a rhythm week."""

    __tablename__ = "rhythm_reflections"
    __table_args__ = (
        UniqueConstraint(
            "assignment_id", "week_start", "partner_id", name="uq_rhythm_reflections_week"
        ),
        CheckConstraint(f"visibility {_VISIBILITY}", name="visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    helped: Mapped[str] = mapped_column(Text, default="")
    didnt_help: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.SHARED)
    # The confidentiality policy in force when this was last written (domain.confidentiality).
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("confidentiality_policies.id", ondelete="SET NULL")
    )
    policy = relationship("ConfidentialityPolicy", lazy="joined")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Need(db.Model):
    """Something one partner needs, turned into steps the other partner can take."""

    __tablename__ = "needs"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'retired')", name="status"),
        CheckConstraint(f"visibility {_VISIBILITY}", name="visibility"),
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


class NeedStep(db.Model):
    """A concrete, observable step the other partner can take for a need."""

    __tablename__ = "need_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(STEP_MAX))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    need: Mapped[Need] = relationship(back_populates="steps")


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
        CheckConstraint(f"comment_visibility {_VISIBILITY}", name="comment_visibility"),
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


class CheckIn(db.Model):
    """One partner's weekly check-in: three scales and three prompts."""

    __tablename__ = "check_ins"
    __table_args__ = (
        UniqueConstraint("assignment_id", "partner_id", "week_start", name="uq_check_ins_week"),
        CheckConstraint("connected BETWEEN 1 AND 10", name="connected"),
        CheckConstraint("heard BETWEEN 1 AND 10", name="heard"),
        CheckConstraint("stress BETWEEN 1 AND 10", name="stress"),
        CheckConstraint(f"went_well_visibility {_VISIBILITY}", name="went_well_visibility"),
        CheckConstraint(f"felt_off_visibility {_VISIBILITY}", name="felt_off_visibility"),
        CheckConstraint(f"support_visibility {_VISIBILITY}", name="support_visibility"),
        Index("ix_check_ins_partner_week", "partner_id", "week_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    connected: Mapped[int] = mapped_column(Integer)
    heard: Mapped[int] = mapped_column(Integer)
    stress: Mapped[int] = mapped_column(Integer)
    # Scales are shared with the partner unless the writer hides them.
    scales_shared: Mapped[bool] = mapped_column(default=True)
    went_well: Mapped[str] = mapped_column(Text, default="")
    went_well_visibility: Mapped[str] = mapped_column(String(16), default=Visibility.COUNSELOR)
    felt_off: Mapped[str] = mapped_column(Text, default="")
    felt_off_visibility: Mapped[str] = mapped_column(String(16), default=Visibility.COUNSELOR)
    support: Mapped[str] = mapped_column(Text, default="")
    support_visibility: Mapped[str] = mapped_column(String(16), default=Visibility.COUNSELOR)
    # The confidentiality policy in force when this was last written (domain.confidentiality).
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("confidentiality_policies.id", ondelete="SET NULL")
    )
    policy = relationship("ConfidentialityPolicy", lazy="joined")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    partner = relationship("Partner")

    __mapper_args__ = {"version_id_col": version}

    @property
    def scales_visibility(self) -> str:
        """The three numbers travel together: shared unless the writer hid them."""
        return Visibility.SHARED if self.scales_shared else Visibility.COUNSELOR
