"""People, couples, partner places and invitations."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from extensions import db
from models.base import (
    COUPLE_NAME_MAX,
    EMAIL_MAX,
    NAME_MAX,
    CoupleStatus,
    Role,
    UTCDateTime,
    normalize_email,
    utcnow,
)


class User(UserMixin, db.Model):
    """Someone who signs in: a counselor, or one partner of one couple."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('counselor', 'partner')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    display_name: Mapped[str] = mapped_column(String(NAME_MAX))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Counselors: the paper their PDF summaries are printed on ("a4" or "letter").
    paper_size: Mapped[str] = mapped_column(String(8), default="a4", server_default="a4")
    # The language Hearth speaks to this person (web/i18n.py); None: never chosen, the
    # browser's language is used.
    locale: Mapped[str | None] = mapped_column(String(8))
    # Part of every session and remember-me cookie: raising it signs the user out everywhere.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Two-step sign-in: the authenticator secret (encrypted with the app key), when it was
    # turned on, and the last time step used, so a code cannot be replayed.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # This user's own key for the text of theirs kept in the audit trail. It goes with the
    # account, and that text becomes unreadable with it.
    audit_key: Mapped[str | None] = mapped_column(String(64))

    couples: Mapped[list[Couple]] = relationship(back_populates="counselor", order_by="Couple.name")
    partner_place: Mapped[Partner | None] = relationship(back_populates="user")

    @validates("email")
    def _normalize_email(self, _key: str, value: str) -> str:
        return normalize_email(value)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        """The identity kept in cookies: the user and the current session epoch."""
        return f"{self.id}:{self.session_epoch}"

    @property
    def two_step_on(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def is_counselor(self) -> bool:
        return self.role == Role.COUNSELOR

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class Couple(db.Model):
    """Two partners seen together by one counselor."""

    __tablename__ = "couples"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'paused', 'archived')", name="status"),
        CheckConstraint("week_starts_on BETWEEN 0 AND 6", name="week_starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    counselor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(COUPLE_NAME_MAX))
    timezone: Mapped[str] = mapped_column(String(64))
    # Python's weekday numbering: Monday is 0, Sunday is 6.
    week_starts_on: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default=CoupleStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The key for this couple's text kept in the audit trail (what the counselor wrote about
    # them). It goes when the couple is deleted, and that text becomes unreadable with it.
    audit_key: Mapped[str | None] = mapped_column(String(64))
    # Raised in the same transaction as every change to what the couple's summaries show
    # (``domain.audit_changes``): a stored PDF drawn at another number is out of date.
    data_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    counselor: Mapped[User] = relationship(back_populates="couples")
    partners: Mapped[list[Partner]] = relationship(
        back_populates="couple", order_by="Partner.place", cascade="all, delete-orphan"
    )
    assignments = relationship(
        "Assignment",
        back_populates="couple",
        order_by="Assignment.id",
        cascade="all, delete-orphan",
    )

    def partner_at(self, place: int) -> Partner:
        return next(p for p in self.partners if p.place == place)

    def __repr__(self) -> str:
        return f"<Couple {self.id}>"


class Partner(db.Model):
    """One of a couple's two places, filled by its own account once the partner joins."""

    __tablename__ = "partners"
    __table_args__ = (
        UniqueConstraint("couple_id", "place", name="uq_partners_couple_place"),
        CheckConstraint("place IN (1, 2)", name="place"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"))
    place: Mapped[int] = mapped_column(Integer)
    # What the counselor calls this partner until they join and choose their own name.
    label: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When this partner put away the introduction shown on their first visit (None: not yet).
    welcomed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    couple: Mapped[Couple] = relationship(back_populates="partners")
    user: Mapped[User | None] = relationship(back_populates="partner_place")
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="partner",
        order_by="Invitation.created_at.desc()",
        cascade="all, delete-orphan",
    )

    @property
    def joined(self) -> bool:
        return self.user_id is not None

    @property
    def left(self) -> bool:
        """The partner joined once and has since left: their account is gone, the shared
        history stays with this place. A place someone left is never offered again."""
        return self.user_id is None and self.joined_at is not None

    @property
    def name(self) -> str:
        """The name to show: the partner's own once joined, else the counselor's label."""
        if self.user is not None:
            return self.user.display_name
        return self.label or f"Partner {self.place}"

    @property
    def name_with_role(self) -> str:
        """The name with the role beside it, "Sam (partner)", wherever one person's name is
        shown to another: a partner calling themselves "Your counselor" is still seen as a
        partner. A place someone left is already called "Former partner"."""
        if self.left:
            return self.name
        from flask_babel import gettext

        return gettext("%(name)s (partner)", name=self.name)

    @property
    def other(self) -> Partner:
        return self.couple.partner_at(3 - self.place)

    def __repr__(self) -> str:
        return f"<Partner {self.id} couple={self.couple_id} place={self.place}>"


class Invitation(db.Model):
    """A single-use link for one partner place: to join, or to choose a new password.

    Only a hash of the token is stored. The token itself is derived from the app's secret
    key and ``nonce``, so the counselor can show the link again while it is valid, but a
    copy of the database alone cannot be used to sign in.
    """

    __tablename__ = "invitations"
    __table_args__ = (CheckConstraint("purpose IN ('join', 'sign_in')", name="purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(16))
    nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    partner: Mapped[Partner] = relationship(back_populates="invitations")

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.used_at is None and self.voided_at is None and now < self.expires_at

    def __repr__(self) -> str:
        return f"<Invitation {self.id} {self.purpose}>"
