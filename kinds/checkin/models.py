"""The check-in's one table, and the names of its scales and prompts."""

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
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
