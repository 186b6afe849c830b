"""The inventory's tables: how often the counselor asks for it, and each partner's takes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from extensions import db
from models.base import VISIBILITY_CHECK, UTCDateTime, Visibility, utcnow

KEY = "inventory"

# The ten signs, in our own words: (key, what a partner reads on the form, a short label
# for the counselor's table and the summary). Each is about "us" or "me", never "you".
SIGNS = (
    ("withholding", "I've kept my feelings to myself more than I'd like", "Keeping feelings in"),
    (
        "curiosity",
        "We haven't been very curious about each other's days and thoughts",
        "Less curiosity",
    ),
    (
        "conflict",
        "We've stepped around things that need talking about",
        "Stepping around hard talks",
    ),
    ("affection", "There's been less warmth and touch between us", "Less affection"),
    ("separate", "We've been living side by side more than together", "Separate lives"),
    ("surface", "Our talks have stayed on plans and chores", "Surface-level talk"),
    ("lonely", "I've felt lonely even when we're together", "Lonely together"),
    ("indifference", "Things between us have mattered less to me than they used to", "Caring less"),
    ("future", "We've kept away from talking about our future", "Avoiding the future"),
    ("resentment", "Old hurts have been quietly building up in me", "Old hurts building"),
)
SIGN_KEYS = tuple(key for key, _, _ in SIGNS)
WORDING = {key: wording for key, wording, _ in SIGNS}
LABELS = {key: label for key, _, label in SIGNS}
# How true a sign has felt lately, 0 to 4, with the words a partner picks from.
ANCHORS = ("Not at all", "A little", "Somewhat", "Quite a bit", "Very much")
HIGH = len(ANCHORS) - 1
MOST = HIGH * len(SIGNS)  # the highest total, every sign "very much"

EVERY_DEFAULT = 6  # weeks between takes, unless the counselor chooses otherwise
EVERY_MAX = 26


class InventorySchedule(db.Model):
    """How many weeks apart the counselor asks a couple to take the inventory again."""

    __tablename__ = "inventory_schedules"
    __table_args__ = (
        UniqueConstraint("assignment_id", name="uq_inventory_schedules_assignment"),
        CheckConstraint(f"every_weeks BETWEEN 1 AND {EVERY_MAX}", name="every_weeks"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    every_weeks: Mapped[int] = mapped_column(Integer, default=EVERY_DEFAULT)

    assignment = relationship(
        "Assignment",
        backref=backref(
            "inventory_schedule", uselist=False, cascade="all, delete-orphan", lazy="select"
        ),
    )


class InventoryTake(db.Model):
    """One partner's inventory in one take week: ten ratings and an optional note."""

    __tablename__ = "inventory_takes"
    __table_args__ = (
        UniqueConstraint(
            "assignment_id", "partner_id", "week_start", name="uq_inventory_takes_week"
        ),
        *(CheckConstraint(f"{key} BETWEEN 0 AND {HIGH}", name=key) for key in SIGN_KEYS),
        CheckConstraint(f"note_visibility {VISIBILITY_CHECK}", name="note_visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    week_start: Mapped[date] = mapped_column(Date)
    withholding: Mapped[int] = mapped_column(Integer)
    curiosity: Mapped[int] = mapped_column(Integer)
    conflict: Mapped[int] = mapped_column(Integer)
    affection: Mapped[int] = mapped_column(Integer)
    separate: Mapped[int] = mapped_column(Integer)
    surface: Mapped[int] = mapped_column(Integer)
    lonely: Mapped[int] = mapped_column(Integer)
    indifference: Mapped[int] = mapped_column(Integer)
    future: Mapped[int] = mapped_column(Integer)
    resentment: Mapped[int] = mapped_column(Integer)
    # The ratings are for the counselor unless the writer shares them with their partner.
    ratings_shared: Mapped[bool] = mapped_column(default=False)
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
    def ratings_visibility(self) -> str:
        """The ten ratings travel together: for the counselor unless the writer shared them."""
        return Visibility.SHARED if self.ratings_shared else Visibility.COUNSELOR

    @property
    def ratings(self) -> dict[str, int]:
        return {key: getattr(self, key) for key in SIGN_KEYS}

    @property
    def total(self) -> int:
        return sum(self.ratings.values())


def every(assignment) -> int:
    """Weeks between takes for ``assignment`` (the default when none was chosen)."""
    schedule = assignment.inventory_schedule
    return schedule.every_weeks if schedule is not None else EVERY_DEFAULT


def is_take_week(assignment, week_start: date, every_weeks: int | None = None) -> bool:
    """Is ``week_start`` a week the couple is asked to take the inventory: the first week
    of the assignment (the intake) and every ``every`` weeks after it? ``every_weeks``, when
    the caller read it already (the dashboard, for all couples at once), saves the lookup."""
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
