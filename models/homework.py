"""Homework: one kind of homework given to one couple, week by week.

What each partner does with it lives with its kind (``kinds/<key>/models.py``): one typed
row per thing a person did, keyed by the couple's week (the local date it starts), so
week-by-week history and trends are plain queries. Every free-text answer carries its
writer's choice of visibility.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from extensions import db
from models.base import AssignmentStatus, UTCDateTime, utcnow


class Assignment(db.Model):
    """One kind of homework given to one couple, week by week."""

    __tablename__ = "assignments"
    __table_args__ = (
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

    @validates("kind")
    def _known_kind(self, _key, value: str) -> str:
        """Only a registered kind (``kinds.registry``): the list lives there, not here."""
        from kinds import registry

        if registry.get(value) is None:
            raise ValueError(f"no kind of homework is called {value!r}")
        return value

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
