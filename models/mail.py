"""E-mail: each message as a row, what each person wants to receive, password-reset links.

A message row holds who it is for, which kind, and for which period (a week's start, a
day, a session): never what it will say. The words are drawn from templates when it is
sent, from data that is still there, so nothing anyone wrote is copied into a queue.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import EMAIL_MAX, UTCDateTime, utcnow

MESSAGE_STATUSES = ("queued", "sending", "sent", "saved", "skipped", "failed")
PRACTICE_NAME_MAX = 60


class Message(db.Model):
    """One e-mail to one person, at most once: ``key`` is unique (kind, recipient, period).

    ``status``: queued (waiting for ``due_at``), sending (claimed by one consumer until
    ``claimed_until``), sent (the SMTP server took it), saved (written to the outbox,
    no SMTP configured), skipped (not wanted any more, or nothing left to say), failed
    (the server refused it for good, or too many tries).
    """

    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'saved', 'skipped', 'failed')",
            name="status",
        ),
        Index("ix_messages_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    # The account it is for; invitations go to an address that has no account yet.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(EMAIL_MAX), default="")
    couple_id: Mapped[int | None] = mapped_column(
        ForeignKey("couples.id", ondelete="CASCADE"), index=True
    )
    period: Mapped[str] = mapped_column(String(40), default="")
    # What it is about, by id: an invitation, a password-reset link, a session.
    ref_id: Mapped[int | None] = mapped_column(Integer)
    # The language it is written in when the sender chose one (an invitation, to someone
    # with no account yet); otherwise its recipient's (``delivery.language_of``).
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claim: Mapped[str] = mapped_column(String(32), default="")
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why it was skipped or failed, or the last transient error: the server's words or
    # ours, never the message's.
    note: Mapped[str] = mapped_column(String(500), default="")

    user = relationship("User")

    def __repr__(self) -> str:
        return f"<Message {self.id} {self.kind} {self.status}>"


class MailSettings(db.Model):
    """One person's times for e-mail; absent means the defaults."""

    __tablename__ = "mail_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    send_at: Mapped[time] = mapped_column(Time, default=time(9, 0))
    quiet_from: Mapped[time] = mapped_column(Time, default=time(21, 0))
    quiet_until: Mapped[time] = mapped_column(Time, default=time(8, 0))
    # Counselors: their own time zone (partners live in their couple's) and the name
    # their couples' messages come from.
    timezone: Mapped[str | None] = mapped_column(String(64))
    practice_name: Mapped[str] = mapped_column(String(PRACTICE_NAME_MAX), default="")


class MailChoice(db.Model):
    """One person's choice for one kind of message; absent means the kind's default."""

    __tablename__ = "mail_choices"
    __table_args__ = (UniqueConstraint("user_id", "kind", name="uq_mail_choices_user_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    wanted: Mapped[bool] = mapped_column(Boolean)


class MailSuppression(db.Model):
    """An address without an account that asked for no more of a kind (invitations).

    Only a keyed hash of the address is kept.
    """

    __tablename__ = "mail_suppressions"
    __table_args__ = (
        UniqueConstraint("address_digest", "kind", name="uq_mail_suppressions_address_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    address_digest: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PasswordReset(db.Model):
    """A "forgot your password" link: single use, one hour, only its hash stored.

    As with invitations, the token is derived from the app's secret key and ``nonce``,
    so the message can be drawn when it is sent, and a copy of the database alone
    cannot be used to sign in.
    """

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")


class EmailChange(db.Model):
    """A new sign-in e-mail waiting for its link to be opened: single use, 24 hours, only
    the token's hash stored (the token is derived from the secret key and ``nonce``, as
    for password links). ``new_email`` is where the link went; the account's address
    changes only when its owner opens it."""

    __tablename__ = "email_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    new_email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    # The address it replaced, once it has (where the "your e-mail was changed" note goes).
    old_email: Mapped[str] = mapped_column(String(EMAIL_MAX), default="")
    nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")


__all__ = [
    "MESSAGE_STATUSES",
    "PRACTICE_NAME_MAX",
    "EmailChange",
    "MailChoice",
    "MailSettings",
    "MailSuppression",
    "Message",
    "PasswordReset",
]
