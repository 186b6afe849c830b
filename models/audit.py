"""The audit trail, and the one-time recovery codes of two-step sign-in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from extensions import db
from models.base import NAME_MAX, UTCDateTime, utcnow


class AuditEvent(db.Model):
    """One thing that happened: who, when, to which couple, what.

    Rows are only ever added. ``actor_id`` and ``couple_id`` are plain numbers, not foreign
    keys, so the trail outlives a deleted couple or a partner who left. Text written by a
    partner is kept in ``sealed`` (encrypted with that partner's own key), so it becomes
    unreadable when their account goes.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_couple_at", "couple_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_role: Mapped[str] = mapped_column(String(16), default="")
    actor_name: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    couple_id: Mapped[int | None] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(200), default="")
    # JSON: what changed, in plain words and values that are not anyone's private text.
    detail: Mapped[str] = mapped_column(Text, default="")
    # Fernet token of JSON {"before": ..., "after": ...}, keyed by ``sealed_for``'s own key.
    sealed: Mapped[str] = mapped_column(Text, default="")
    sealed_for: Mapped[int | None] = mapped_column(Integer)
    address: Mapped[str] = mapped_column(String(64), default="")

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.kind}>"


class AppendOnlyError(RuntimeError):
    """Something tried to change or remove an audit row."""


@event.listens_for(Session, "before_flush")
def _audit_rows_are_append_only(session, _context, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise AppendOnlyError("audit rows are only ever added")


# The database refuses edits too, whoever asks. (Deleting is left to the operator: the test
# suite empties tables between tests, and a retention policy may one day prune old rows.)
event.listen(
    AuditEvent.__table__,
    "after_create",
    DDL(
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END"
    ).execute_if(dialect="sqlite"),
)
event.listen(
    AuditEvent.__table__,
    "after_create",
    DDL(
        "CREATE OR REPLACE FUNCTION audit_events_refuse_update() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit rows are append-only'; END $$ LANGUAGE plpgsql; "
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_update()"
    ).execute_if(dialect="postgresql"),
)


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator app; only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FormSubmission(db.Model):
    """A "create" form that was sent, by its one-time key: the same key twice (a double tap,
    a resent page) makes one record, even when both arrive at the same moment. A key is
    one person's: the same key from someone else is a different form."""

    __tablename__ = "form_submissions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # Where the first one led: the repeat goes there too.
    made: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
