"""Counseling sessions and the PDF summaries made from them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from extensions import db
from models.base import UTCDateTime, utcnow

FOCUS_MAX = 300
NOTES_MAX = 20000

session_assignments = Table(
    "session_assignments",
    db.metadata,
    Column(
        "session_id", ForeignKey("counseling_sessions.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("assignment_id", ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True),
)


class CounselingSession(db.Model):
    """One session with a couple: what it was about, notes, and homework agreed."""

    __tablename__ = "counseling_sessions"
    __table_args__ = (
        UniqueConstraint("couple_id", "number", name="uq_counseling_sessions_number"),
        CheckConstraint("attended IN ('both', 'partner1', 'partner2')", name="attended"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attended: Mapped[str] = mapped_column(String(16), default="both")
    focus: Mapped[str] = mapped_column(String(FOCUS_MAX))
    shareable_notes: Mapped[str] = mapped_column(Text, default="")
    # Never shown to the couple: not on their pages, not in their copy of the summary.
    private_notes: Mapped[str] = mapped_column(Text, default="")
    homework_notes: Mapped[str] = mapped_column(Text, default="")
    next_session_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    couple = relationship("Couple")
    agreed = relationship("Assignment", secondary=session_assignments, order_by="Assignment.id")
    pins: Mapped[list[PinnedMoment]] = relationship(
        back_populates="session", order_by="PinnedMoment.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class PinnedMoment(db.Model):
    """A partner's shared words the counselor chose to quote in a summary.

    It points at the answer rather than copying it, so the visibility rule still applies
    when the summary is drawn: if the writer later makes it private, it leaves the
    couple's copy.
    """

    __tablename__ = "pinned_moments"
    __table_args__ = (
        UniqueConstraint("session_id", "source", "source_id", "field", name="uq_pinned_moments"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("counseling_sessions.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(16), default="")

    session: Mapped[CounselingSession] = relationship(back_populates="pins")

    @validates("source")
    def _pinnable(self, _key, value: str) -> str:
        """Only what a registered kind lets a counselor quote (``Kind.pinnable``): the list
        lives in ``kinds.registry``, so a new kind's words can be pinned without a migration."""
        from kinds import registry

        if registry.pinnable(value)[1] is None:
            raise ValueError(f"no kind of homework lets {value!r} be pinned")
        return value


class SummaryPdf(db.Model):
    """A rendered summary, kept so repeat downloads do not render again.

    Keyed by the session and the copy in its language (``domain.pdf.stored_copy``:
    "couple" in English, "couple:es" in Spanish); ``content_hash`` is the validity key it
    was drawn at (``domain.pdf.validity_key``: the couple's data version, the code,
    templates and translations, the copy, the paper and the language). Any change to what
    the summary shows raises the couple's data version, so the key no longer matches and
    the next download draws it anew.
    """

    __tablename__ = "summary_pdfs"
    __table_args__ = (UniqueConstraint("session_id", "copy", name="uq_summary_pdfs_copy"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("counseling_sessions.id", ondelete="CASCADE")
    )
    copy: Mapped[str] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
