"""Building blocks shared by every model: UTC timestamps, enums, limits."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, DateTime, Select, TypeDecorator, any_, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY

EMAIL_MAX = 254
NAME_MAX = 80
COUPLE_NAME_MAX = 80


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp kept in UTC. SQLite drops the zone; this puts it back on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware one")
        value = value.astimezone(UTC)
        # SQLite stores text: keep it naive UTC so comparisons sort correctly.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Role(enum.StrEnum):
    COUNSELOR = "counselor"
    PARTNER = "partner"


class CoupleStatus(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ARCHIVED = "archived"


class InvitationPurpose(enum.StrEnum):
    JOIN = "join"  # first visit: the partner creates their account
    SIGN_IN = "sign_in"  # the partner forgot their password and chooses a new one


def normalize_email(email: str) -> str:
    """E-mail addresses compare without case or surrounding spaces."""
    return (email or "").strip().lower()


class Visibility(enum.StrEnum):
    """Who besides the writer and the counselor may read an answer."""

    SHARED = "shared"  # shared with my partner
    COUNSELOR = "counselor"  # for my counselor only
    # Between the two partners only: the counselor may not read the words (an appreciation
    # note "just for" the partner). Only a kind that offers it stores it.
    PARTNERS = "partners"


class AssignmentStatus(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


# Limits on what people type, shared by the columns, the forms and the tests.
NOTE_MAX = 500
ANSWER_MAX = 2000
INSTRUCTIONS_MAX = 2000
ITEM_MAX = 200
NEED_MAX = 200
STEP_MAX = 200

# The check constraint every visibility column carries.
VISIBILITY_CHECK = "IN ('shared', 'counselor')"


def among(column, ids) -> ColumnElement[bool]:
    """``column IN ids``, with the ids sent as one value where the database takes arrays.

    A page that reads a hundred couples' rows at once would otherwise send a statement
    with a placeholder per id, which SQLAlchemy expands and the driver parses anew for
    every request (neither can cache a statement whose text changes with the count). On
    PostgreSQL it is ``column = ANY(:ids)``: one placeholder, the same text every time.
    """
    from extensions import db

    ids = list(ids)
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(ids, type_=ARRAY(column.type)))
    return column.in_(ids)


def last_per_partner(model, partner_ids, *columns, count: int = 2) -> Select:
    """``columns`` of the ``count`` latest rows (by ``week_start``) of each of these
    partners in ``model``'s table, in one query: a dashboard compares a partner's last
    take with the one before, and reading every take of a year to find them made it grow
    with the history (issue #16)."""
    ranked = (
        select(
            model.partner_id,
            model.week_start,
            *columns,
            func.row_number()
            .over(partition_by=model.partner_id, order_by=model.week_start.desc())
            .label("latest"),
        )
        .where(among(model.partner_id, partner_ids))
        .subquery()
    )
    return select(*(c for c in ranked.c if c.name != "latest")).where(ranked.c.latest <= count)
