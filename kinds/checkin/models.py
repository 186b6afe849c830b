"""The check-in's tables, and the names of its standard scales and prompts.

A check-in assignment asks the three standard scales and three standard prompts unless
the counselor gave it questions of its own: a ``CheckInQuestionSet`` (one version of the
questions, in force from a week on) with its ``CheckInQuestion`` rows. A check-in written
under a set points at it (``CheckIn.question_set_id``), so its answers keep the wording
they were given under whatever the counselor changes later.

Where an answer is kept: a question with a standard identity keeps its answer in the
standard column (a scale only while its range is the standard 1–10, so the dashboard's
and the journal's comparisons stay like with like); every other answer is a
``CheckInAnswer`` row.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from extensions import db
from models.base import VISIBILITY_CHECK, UTCDateTime, Visibility, utcnow

KEY = "checkin"

# The three numbers and the three prompts, as partners and the counselor read them.
SCALES = {
    "connected": "How connected I felt",
    "heard": "How heard I felt",
    "stress": "Stress from outside the relationship",
}
PROMPTS = {
    "went_well": "What went well",
    "felt_off": "What felt off",
    "support": "How we can support each other",
}
# The standard scales' anchor words, as the check-in form says them.
ANCHORS = {
    "connected": ("not at all", "very"),
    "heard": ("not at all", "very"),
    "stress": ("calm", "a lot"),
}
SCALE = "scale"
PROMPT = "prompt"
LABEL_MAX = 200
ANCHOR_MAX = 40
MAX_SCALES = 8
MAX_PROMPTS = 6
HIGHEST = 10  # a scale runs from 0 or 1 up to at most this


class CheckIn(db.Model):
    """One partner's weekly check-in: three scales and three prompts."""

    __tablename__ = "check_ins"
    __table_args__ = (
        UniqueConstraint("assignment_id", "partner_id", "week_start", name="uq_check_ins_week"),
        CheckConstraint("connected BETWEEN 1 AND 10", name="connected"),
        CheckConstraint("heard BETWEEN 1 AND 10", name="heard"),
        CheckConstraint("stress BETWEEN 1 AND 10", name="stress"),
        CheckConstraint(f"went_well_visibility {VISIBILITY_CHECK}", name="went_well_visibility"),
        CheckConstraint(f"felt_off_visibility {VISIBILITY_CHECK}", name="felt_off_visibility"),
        CheckConstraint(f"support_visibility {VISIBILITY_CHECK}", name="support_visibility"),
        Index("ix_check_ins_partner_week", "partner_id", "week_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    # Empty when the questions in force that week did not ask the scale on 1–10.
    connected: Mapped[int | None] = mapped_column(Integer)
    heard: Mapped[int | None] = mapped_column(Integer)
    stress: Mapped[int | None] = mapped_column(Integer)
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

    # The counselor's questions it was written under; None: the standard ones.
    question_set_id: Mapped[int | None] = mapped_column(
        ForeignKey("check_in_question_sets.id"), index=True
    )

    partner = relationship("Partner")
    question_set = relationship("CheckInQuestionSet")
    answers = relationship(
        "CheckInAnswer",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="CheckInAnswer.id",
        back_populates="check_in",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def scales_visibility(self) -> str:
        """The three numbers travel together: shared unless the writer hid them."""
        return Visibility.SHARED if self.scales_shared else Visibility.COUNSELOR


class CheckInQuestionSet(db.Model):
    """One version of a check-in assignment's questions, in force from ``effective_from``
    (a week start) until the next version's week."""

    __tablename__ = "check_in_question_sets"
    __table_args__ = (
        UniqueConstraint("assignment_id", "effective_from", name="uq_check_in_question_sets_week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    effective_from: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    questions = relationship(
        "CheckInQuestion",
        # Scales first ("scale" > "prompt"), each kind in its order.
        order_by=lambda: [CheckInQuestion.kind.desc(), CheckInQuestion.position],
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    # Kept on the assignment too (``Assignment.checkin_question_sets``), oldest first.
    assignment = relationship(
        "Assignment",
        backref=backref(
            "checkin_question_sets",
            order_by="CheckInQuestionSet.effective_from",
            cascade="all, delete-orphan",
            passive_deletes=True,
        ),
    )

    @property
    def scales(self) -> list[CheckInQuestion]:
        return [q for q in self.questions if q.kind == SCALE]

    @property
    def prompts(self) -> list[CheckInQuestion]:
        return [q for q in self.questions if q.kind == PROMPT]


class CheckInQuestion(db.Model):
    """One question of one version, in the counselor's words.

    ``key`` is the question's identity from version to version while the counselor edits
    it ("connected" for a standard one, a new random one for a question added later):
    trends join answers of the same key and the same range only."""

    __tablename__ = "check_in_questions"
    __table_args__ = (
        UniqueConstraint("set_id", "kind", "position", name="uq_check_in_questions_position"),
        UniqueConstraint("set_id", "key", name="uq_check_in_questions_key"),
        CheckConstraint("kind IN ('scale', 'prompt')", name="kind"),
        CheckConstraint(f"low IN (0, 1) AND high > low AND high <= {HIGHEST}", name="range"),
        CheckConstraint(f"default_visibility {VISIBILITY_CHECK}", name="default_visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("check_in_question_sets.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(8))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(LABEL_MAX))
    low_word: Mapped[str] = mapped_column(String(ANCHOR_MAX), default="")
    high_word: Mapped[str] = mapped_column(String(ANCHOR_MAX), default="")
    low: Mapped[int] = mapped_column(Integer, default=1)
    high: Mapped[int] = mapped_column(Integer, default=10)
    default_visibility: Mapped[str] = mapped_column(String(16), default=Visibility.COUNSELOR)

    @property
    def column(self) -> str | None:
        """The standard column that keeps this question's answers, if any."""
        if self.kind == SCALE:
            return self.key if self.key in SCALES and (self.low, self.high) == (1, 10) else None
        return self.key if self.key in PROMPTS else None

    @property
    def trend(self) -> tuple[str, int, int]:
        """What a trend joins answers by: the same question on the same range."""
        return (self.key, self.low, self.high)


class CheckInAnswer(db.Model):
    """One answer to a question of a counselor's version that has no standard column: a
    number (shared or not with the check-in's other numbers) or words with their own
    visibility."""

    __tablename__ = "check_in_answers"
    __table_args__ = (
        UniqueConstraint("check_in_id", "question_id", name="uq_check_in_answers_question"),
        CheckConstraint(f"visibility {VISIBILITY_CHECK}", name="visibility"),
        CheckConstraint("number BETWEEN 0 AND 10", name="number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    check_in_id: Mapped[int] = mapped_column(ForeignKey("check_ins.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("check_in_questions.id"), index=True)
    # The writer, for the privacy rule and erasure (the check-in's partner).
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.COUNSELOR)

    question = relationship("CheckInQuestion")
    check_in = relationship("CheckIn", back_populates="answers")
