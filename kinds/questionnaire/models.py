"""A questionnaire's definition (a frozen version once in use), how often a couple is
asked, and each partner's takes (points per item of the version they answered)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from extensions import db
from models.base import VISIBILITY_CHECK, UTCDateTime, Visibility, utcnow

KEY = "questionnaire"

EVERY_DEFAULT = 4  # weeks between takes, unless the counselor chooses otherwise
EVERY_MAX = 26
NAME_MAX = 120
ITEM_MAX = 300
OPTION_MAX = 60
MEANING_MAX = 200
SOURCE_MAX = 1000
ITEMS_MAX = 60
OPTIONS_MAX = 11


class Questionnaire(db.Model):
    """One version of a questionnaire. ``family_id`` ties the versions of one questionnaire
    together (the first version's id); a version that any couple was asked is frozen, and a
    change makes the next version. No owner: the one Hearth ships, read-only for all."""

    __tablename__ = "questionnaires"
    __table_args__ = (
        CheckConstraint("score_as IN ('sum', 'mean')", name="score_as"),
        CheckConstraint("cutoff_side IN ('above', 'below')", name="cutoff_side"),
        UniqueConstraint("shipped_key", name="uq_questionnaires_shipped_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    family_id: Mapped[int | None] = mapped_column(Integer, index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)  # the version, 1, 2, ...
    shipped_key: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    instructions: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    score_as: Mapped[str] = mapped_column(String(8), default="sum")
    cutoff: Mapped[float | None] = mapped_column(Float)
    cutoff_meaning: Mapped[str] = mapped_column(String(MEANING_MAX), default="")
    cutoff_side: Mapped[str] = mapped_column(String(8), default="above")
    reliable_change: Mapped[float | None] = mapped_column(Float)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    items = relationship(
        "QuestionnaireItem",
        order_by="QuestionnaireItem.position",
        cascade="all, delete-orphan",
        back_populates="questionnaire",
    )
    options = relationship(
        "QuestionnaireOption",
        order_by="QuestionnaireOption.points",
        cascade="all, delete-orphan",
        back_populates="questionnaire",
    )

    @property
    def family(self) -> int:
        return self.family_id or self.id

    @property
    def shipped(self) -> bool:
        return self.owner_id is None

    @property
    def low(self) -> int:
        return min((o.points for o in self.options), default=0)

    @property
    def high(self) -> int:
        return max((o.points for o in self.options), default=0)

    @property
    def lowest_score(self) -> float:
        return self.low if self.score_as == "mean" else self.low * len(self.items)

    @property
    def highest_score(self) -> float:
        return self.high if self.score_as == "mean" else self.high * len(self.items)

    def option_words(self, points: int) -> str:
        return next((self.said(o.label) for o in self.options if o.points == points), str(points))

    def said(self, text: str) -> str:
        """``text`` of this version as the reader reads it: Hearth's own questionnaire's
        words in their language (they are Hearth's); a counselor's as written (a copy of
        Hearth's that a counselor made is theirs)."""
        if self.shipped_key and text:
            from flask_babel import gettext

            return gettext(text)
        return text

    @property
    def title(self) -> str:
        return f"{self.name} (version {self.number})" if self.number > 1 else self.name


class QuestionnaireItem(db.Model):
    """One line of a version, in the counselor's words; reversed items count the other way."""

    __tablename__ = "questionnaire_items"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "position", name="uq_questionnaire_items_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(ITEM_MAX))
    reversed: Mapped[bool] = mapped_column(default=False)

    questionnaire = relationship("Questionnaire", back_populates="items")


class QuestionnaireOption(db.Model):
    """One answer every item offers, with its points ("Not at all" = 0)."""

    __tablename__ = "questionnaire_options"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "points", name="uq_questionnaire_options_points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    points: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(OPTION_MAX))

    questionnaire = relationship("Questionnaire", back_populates="options")


class QuestionnaireSchedule(db.Model):
    """Which questionnaire (version) a couple is asked, and how many weeks apart."""

    __tablename__ = "questionnaire_schedules"
    __table_args__ = (
        UniqueConstraint("assignment_id", name="uq_questionnaire_schedules_assignment"),
        CheckConstraint(f"every_weeks BETWEEN 1 AND {EVERY_MAX}", name="every_weeks"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="RESTRICT"), index=True
    )
    every_weeks: Mapped[int] = mapped_column(Integer, default=EVERY_DEFAULT)

    questionnaire = relationship("Questionnaire")
    assignment = relationship(
        "Assignment",
        backref=backref(
            "questionnaire_schedule", uselist=False, cascade="all, delete-orphan", lazy="select"
        ),
    )


class QuestionnaireTake(db.Model):
    """One partner's answers in one take week, to the version they were asked then:
    ``answers`` maps each answered item's id (as text) to the points chosen."""

    __tablename__ = "questionnaire_takes"
    __table_args__ = (
        UniqueConstraint(
            "assignment_id", "partner_id", "week_start", name="uq_questionnaire_takes_week"
        ),
        CheckConstraint(f"note_visibility {VISIBILITY_CHECK}", name="note_visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="RESTRICT"), index=True
    )
    week_start: Mapped[date] = mapped_column(Date)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    # The answers and score are for the counselor unless the writer shares them.
    score_shared: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    note_visibility: Mapped[str] = mapped_column(String(16), default=Visibility.COUNSELOR)
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
    def answers_visibility(self) -> str:
        """The answers and the score travel together."""
        return Visibility.SHARED if self.score_shared else Visibility.COUNSELOR

    def points(self) -> dict[int, int]:
        """The points chosen, by item id."""
        return {int(k): int(v) for k, v in (self.answers or {}).items()}


def every(assignment) -> int:
    schedule = assignment.questionnaire_schedule
    return schedule.every_weeks if schedule is not None else EVERY_DEFAULT


def is_take_week(assignment, week_start: date, every_weeks: int | None = None) -> bool:
    """The first week of the assignment (intake) and every ``every`` weeks after it."""
    if not assignment.covers(week_start):
        return False
    gap = every_weeks if every_weeks is not None else every(assignment)
    return ((week_start - assignment.starts_on).days // 7) % gap == 0


def next_take(assignment, week_start: date) -> date | None:
    """The first take week after ``week_start``, or None when the assignment ends first."""
    gap = every(assignment)
    weeks_in = max(0, (week_start - assignment.starts_on).days // 7)
    upcoming = assignment.starts_on + timedelta(weeks=(weeks_in // gap + 1) * gap)
    if week_start < assignment.starts_on:
        upcoming = assignment.starts_on
    return upcoming if assignment.covers(upcoming) else None
