"""How a counselor keeps what one partner writes for them alone.

A policy is a versioned row: each change the counselor saves is a new row, never an edit,
so an answer can point at the exact words that applied when it was written. A row belongs
to the counselor (``couple_id`` empty: their usual policy) or to one couple (a policy the
counselor agreed with them). Partners confirm the policy they read, once per version.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import UTCDateTime, utcnow

POLICY_LINE_MAX = 200
POLICY_TEXT_MAX = 2000
SAFETY_MAX = 400


class ConfidentialityPolicy(db.Model):
    """One version of a counselor's (or one couple's) confidentiality policy."""

    __tablename__ = "confidentiality_policies"
    __table_args__ = (
        CheckConstraint("approach IN ('no_secrets', 'limited_secrets', 'own')", name="approach"),
        CheckConstraint("version >= 1", name="version"),
        # One row per version and owner, also when two saves race. (Hearth's default is
        # saved lazily, perhaps twice at once, as version 1: both copies say the same.)
        Index(
            "uq_confidentiality_policies_counselor_version",
            "counselor_id",
            "version",
            unique=True,
            sqlite_where=text("couple_id IS NULL AND chosen"),
            postgresql_where=text("couple_id IS NULL AND chosen"),
        ),
        Index(
            "uq_confidentiality_policies_couple_version",
            "couple_id",
            "version",
            unique=True,
            sqlite_where=text("couple_id IS NOT NULL"),
            postgresql_where=text("couple_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    counselor_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # Set when the counselor agreed this policy with one couple.
    couple_id: Mapped[int | None] = mapped_column(
        ForeignKey("couples.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    approach: Mapped[str] = mapped_column(String(16))
    # The one line partners read beside "for my counselor only".
    line: Mapped[str] = mapped_column(String(POLICY_LINE_MAX))
    wording: Mapped[str] = mapped_column(Text)
    exceptions: Mapped[str] = mapped_column(Text)
    # What to do when not safe at home, with the counselor's local numbers.
    safety: Mapped[str] = mapped_column(String(SAFETY_MAX))
    # False for Hearth's default texts, recorded because an answer was written under them
    # before the counselor chose their own.
    chosen: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A couple's own policy stops applying when the counselor goes back to their usual one.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    counselor = relationship("User")
    couple = relationship("Couple")

    def __repr__(self) -> str:
        return f"<ConfidentialityPolicy {self.id} v{self.version}>"


class PolicyConfirmation(db.Model):
    """A partner said they read one version of the policy (again, when their couple went
    back to a policy they had read before)."""

    __tablename__ = "policy_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    policy_id: Mapped[int] = mapped_column(
        ForeignKey("confidentiality_policies.id", ondelete="CASCADE")
    )
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
