"""Between sessions: appointments, private calendar feeds, and what each person has seen."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import UTCDateTime, utcnow

# How long a session lasts in the calendar when the counselor does not say.
DEFAULT_MINUTES = 50


class AppointmentStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Appointment(db.Model):
    """A counseling session booked with a couple, as calendars know it.

    ``uid`` never changes, so a calendar app moves the same event when the time moves;
    ``sequence`` rises on every change (RFC 5545), so the app knows which copy is newer.
    A cancelled appointment stays, so feeds can show it as cancelled.
    """

    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint("status IN ('scheduled', 'cancelled')", name="status"),
        CheckConstraint("minutes BETWEEN 10 AND 240", name="minutes"),
        Index("ix_appointments_couple_starts", "couple_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(String(80), unique=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    minutes: Mapped[int] = mapped_column(Integer, default=DEFAULT_MINUTES)
    status: Mapped[str] = mapped_column(String(16), default=AppointmentStatus.SCHEDULED)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    couple = relationship("Couple")

    @property
    def cancelled(self) -> bool:
        return self.status == AppointmentStatus.CANCELLED

    def __repr__(self) -> str:
        return f"<Appointment {self.id} couple={self.couple_id} {self.status}>"


class CalendarFeed(db.Model):
    """One person's private calendar address.

    Like invitation links, the token is ``HMAC(secret key, nonce)`` and only its SHA-256 is
    kept, so the account page can show the address again while a copy of the database
    alone opens no feed. Making a new address replaces the nonce and the hash.
    """

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")


class SummaryOpened(db.Model):
    """A partner downloaded a released summary: it is no longer new to them."""

    __tablename__ = "summary_opens"
    __table_args__ = (UniqueConstraint("session_id", "partner_id", name="uq_summary_opens"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("counseling_sessions.id", ondelete="CASCADE")
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CoupleVisit(db.Model):
    """When the counselor last opened a couple's page, to mark what is new since."""

    __tablename__ = "couple_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(
        ForeignKey("couples.id", ondelete="CASCADE"), unique=True
    )
    counselor_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
