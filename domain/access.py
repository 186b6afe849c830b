"""Who may reach what. Every view loads objects through these functions.

Anything a user may not see answers 404, exactly like something that does not exist, so
that IDs give nothing away. These functions know nothing of HTTP: they raise
``NotVisible``, which the app answers as a 404 (``blueprints.errors``).
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import Load, aliased, contains_eager, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from extensions import db
from models import Assignment, CounselingSession, Couple, Partner, Role, User


class NotVisible(LookupError):
    """Not there, or not the viewer's to see: the same answer for both."""


def couple_for(user: User, couple_id: int) -> Couple:
    """The couple with this ID if ``user`` may see it, else 404.

    A counselor sees their own couples; a partner sees only the couple they belong to.
    """
    query = (
        select(Couple)
        .where(Couple.id == couple_id)
        .options(
            # The places with their people in one query (each place has one account).
            selectinload(Couple.partners).joinedload(Partner.user),
            selectinload(Couple.partners).selectinload(Partner.invitations),
            selectinload(Couple.assignments),
        )
    )
    if user.role == Role.COUNSELOR:
        query = query.where(Couple.counselor_id == user.id)
    elif user.role == Role.PARTNER:
        query = query.join(Partner, Partner.couple_id == Couple.id).where(
            Partner.user_id == user.id
        )
    else:  # pragma: no cover - the role column only holds the two roles
        raise NotVisible()
    couple = db.session.scalar(query)
    if couple is None:
        raise NotVisible()
    return couple


def may_see_couple(user: User, couple_id: int) -> bool:
    """Whether ``couple_for(user, couple_id)`` would answer, without raising (for records
    about a request, such as where a refusal is written)."""
    query = select(Couple.id).where(Couple.id == couple_id)
    if user.role == Role.COUNSELOR:
        query = query.where(Couple.counselor_id == user.id)
    else:
        query = query.join(Partner, Partner.couple_id == Couple.id).where(
            Partner.user_id == user.id
        )
    return db.session.scalar(query) is not None


def partner_place_for(user: User, couple_id: int, place: int) -> Partner:
    """One of the couple's two places, for the couple's counselor only."""
    if user.role != Role.COUNSELOR or place not in (1, 2):
        raise NotVisible()
    return couple_for(user, couple_id).partner_at(place)


def _place_loads(place):
    """What a partner page needs with the place: one row for the place, its couple and
    counselor (each one of a kind), then one query for both places with their people and
    one for the homework."""
    return (
        place.joinedload(Partner.couple).joinedload(Couple.counselor),
        place.joinedload(Partner.couple).selectinload(Couple.partners).joinedload(Partner.user),
        place.joinedload(Partner.couple).selectinload(Couple.assignments),
    )


def signed_in_loads() -> list:
    """Options for loading the signed-in user (``app.load_user``): a partner's place, couple
    and counselor come in the same row, so a partner page asks only for what else it needs
    (``own_partner_place``). For a counselor the joins find nothing."""
    return [joinedload(User.partner_place).joinedload(Partner.couple).joinedload(Couple.counselor)]


@cache
def signed_in_query():
    """The query ``app.load_user`` runs at the start of every request (with ``user_id``):
    built once, with its cache key, where ``session.get`` built it again each time."""
    return select(User).where(User.id == bindparam("user_id")).options(*signed_in_loads())


def _loaded(obj, *names: str) -> bool:
    state = inspect(obj)
    return all(name not in state.unloaded for name in names)


def own_partner_place(user: User) -> Partner:
    """The signed-in partner's own place in their couple, with the couple, its counselor
    and both places (with their people) loaded; the couple's homework is read where it is
    used (``domain.homework.load``, or on first use)."""
    # Loaded with the user at the start of the request (``signed_in_loads``), unless a
    # commit since has expired it: then the two queries the page needs anyway.
    place = user.partner_place if _loaded(user, "partner_place") else None
    if (
        place is not None
        and _loaded(place, "couple")
        and place.couple is not None
        and _loaded(place.couple, "counselor")
    ):
        couple = place.couple
        if not _loaded(couple, "partners"):
            partners = db.session.scalars(
                select(Partner)
                .where(Partner.couple_id == couple.id)
                .options(joinedload(Partner.user))
                .order_by(Partner.place)
            ).all()
            set_committed_value(couple, "partners", list(partners))
        # The homework is not read here: the pages that show it read it with each kind's
        # own rows (``domain.homework.load``), and an action reads it when it asks which
        # assignment covers its week. Reading it here too was one query more per page.
        return place
    place = db.session.scalar(
        select(Partner).where(Partner.user_id == user.id).options(*_place_loads(Load(Partner)))
    )
    if place is None:
        raise NotVisible()
    return place


# --- Homework objects -----------------------------------------------------------------
# Each loader returns the object only when it belongs to the viewer's couple (and, for
# partners, to the right partner), else 404.


def assignment_for(user: User, couple_id: int, assignment_id: int) -> Assignment:
    """One of a couple's assignments, for the couple's counselor."""
    couple = couple_for(user, couple_id)
    assignment = next((a for a in couple.assignments if a.id == assignment_id), None)
    if assignment is None or user.role != Role.COUNSELOR:
        raise NotVisible()
    return assignment


def couple_assignment_for(me: Partner, assignment_id: int) -> Assignment:
    """An assignment of the partner's own couple."""
    assignment = db.session.scalar(
        select(Assignment).where(
            Assignment.id == assignment_id, Assignment.couple_id == me.couple_id
        )
    )
    if assignment is None:
        raise NotVisible()
    return assignment


# --- Counseling sessions --------------------------------------------------------------


def session_for(user: User, couple_id: int, session_id: int) -> CounselingSession:
    """One of the couple's counseling sessions, for the couple's counselor."""
    if user.role != Role.COUNSELOR:
        raise NotVisible()
    couple = couple_for(user, couple_id)
    session = db.session.scalar(
        select(CounselingSession).where(
            CounselingSession.id == session_id, CounselingSession.couple_id == couple.id
        )
    )
    if session is None:
        raise NotVisible()
    return session


def released_session_for(me: Partner, session_id: int) -> CounselingSession:
    """A session of the partner's own couple whose summary was released to them;
    unreleased ones do not exist here."""
    session = db.session.scalar(
        select(CounselingSession).where(
            CounselingSession.id == session_id,
            CounselingSession.couple_id == me.couple_id,
            CounselingSession.released_at.is_not(None),
        )
    )
    if session is None:
        raise NotVisible()
    return session


def stored_summary_session(user: User, couple_id: int, session_id: int) -> CounselingSession:
    """A session of the counselor's own couple with its couple, in one query: all that a
    stored summary PDF needs loaded."""
    session = db.session.scalar(
        select(CounselingSession)
        .join(Couple, Couple.id == CounselingSession.couple_id)
        .where(
            CounselingSession.id == session_id,
            CounselingSession.couple_id == couple_id,
            Couple.counselor_id == user.id,
        )
        .options(contains_eager(CounselingSession.couple))
    )
    if session is None or user.role != Role.COUNSELOR:
        raise NotVisible()
    return session


def released_summary_for(
    user: User, session_id: int
) -> tuple[CounselingSession, int, str, str | None]:
    """A released session of the partner's own couple, with the partner's place id, the
    counselor's paper size and the other partner's chosen language (None before they
    joined), in one query; a released summary of another couple does not exist here."""
    other_place, other_user = aliased(Partner), aliased(User)
    found = db.session.execute(
        select(CounselingSession, Partner.id, User.paper_size, other_user.locale)
        .join(Couple, Couple.id == CounselingSession.couple_id)
        .join(Partner, Partner.couple_id == Couple.id)
        .join(User, User.id == Couple.counselor_id)
        .outerjoin(
            other_place, (other_place.couple_id == Couple.id) & (other_place.id != Partner.id)
        )
        .outerjoin(other_user, other_user.id == other_place.user_id)
        .where(
            CounselingSession.id == session_id,
            CounselingSession.released_at.is_not(None),
            Partner.user_id == user.id,
        )
        .options(contains_eager(CounselingSession.couple))
    ).first()
    if found is None:
        raise NotVisible()
    return tuple(found)
