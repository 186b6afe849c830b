"""What is new to someone since they last looked.

For a partner: summaries the counselor released that this partner has not opened yet.
For the counselor: couples with homework activity (rhythm ticks, reflections, steps,
check-ins, needs rated) since the counselor last opened that couple's page.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import Row, bindparam, exists, select
from sqlalchemy.dialects import postgresql, sqlite

from extensions import db
from models import CounselingSession, CoupleVisit, Partner, SummaryOpened, User, utcnow


def _upsert(model, values: dict, keys: list[str], update: dict | None = None):
    """INSERT … ON CONFLICT: one statement, safe when two requests race."""
    dialect = sqlite if db.engine.dialect.name == "sqlite" else postgresql
    statement = dialect.insert(model).values(**values)
    if update:
        statement = statement.on_conflict_do_update(index_elements=keys, set_=update)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    db.session.execute(statement)


# --- Partners -------------------------------------------------------------------------------


@cache
def unopened():
    """The query of the released summaries of the partner's couple (``user_id``) they have
    not downloaded, newest first: their id, number and when their session was held. Built
    once, with its cache key: This week asks it on every visit."""
    opened = exists().where(
        SummaryOpened.session_id == CounselingSession.id,
        SummaryOpened.partner_id == Partner.id,
    )
    return (
        select(CounselingSession.id, CounselingSession.number, CounselingSession.held_at)
        .join(Partner, Partner.couple_id == CounselingSession.couple_id)
        .where(
            Partner.user_id == bindparam("user_id"),
            CounselingSession.released_at.is_not(None),
            ~opened,
        )
        .order_by(CounselingSession.number.desc())
    )


def unopened_summaries(user: User) -> list[Row]:
    """Released summaries of the partner's couple they have not downloaded, newest first
    (``unopened``), in one query whatever the number of sessions.

    Rows of what the dot on "Summaries" and the card at the top of This week show, not
    whole sessions: a partner's page never reads the counselor's notes it does not show.
    """
    return list(db.session.execute(unopened(), {"user_id": user.id}))


def mark_opened(partner: Partner, session: CounselingSession) -> None:
    """The partner opened this summary: it is no longer new to them. The caller commits."""
    opened(partner.id, session.id)


def opened(partner_id: int, session_id: int) -> None:
    """``mark_opened`` by ids, for a caller that loaded no objects. The caller commits."""
    _upsert(
        SummaryOpened,
        {"session_id": session_id, "partner_id": partner_id, "opened_at": utcnow()},
        ["session_id", "partner_id"],
    )


# --- The counselor --------------------------------------------------------------------------


def record_visit(counselor: User, couple_id: int, now: datetime | None = None) -> None:
    """The counselor opened the couple's page now. The caller commits."""
    now = now or utcnow()
    _upsert(
        CoupleVisit,
        {"couple_id": couple_id, "counselor_id": counselor.id, "opened_at": now},
        ["couple_id"],
        {"opened_at": now, "counselor_id": counselor.id},
    )


def last_visits(counselor_id: int) -> dict[int, datetime]:
    """When this counselor last opened each of their couples' pages, by couple."""
    rows = db.session.execute(
        select(CoupleVisit.couple_id, CoupleVisit.opened_at).where(
            CoupleVisit.counselor_id == counselor_id
        )
    )
    return dict(rows.all())


def is_new(last_activity: datetime | None, last_visit: datetime | None) -> bool:
    """Something happened after the counselor last looked (or they never have)."""
    return last_activity is not None and (last_visit is None or last_activity > last_visit)
