"""Who may reach what. Every view loads objects through these functions.

Anything a user may not see answers 404, exactly like something that does not exist, so
that IDs give nothing away.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from extensions import db
from models import Couple, Partner, Role, User


def couple_for(user: User, couple_id: int) -> Couple:
    """The couple with this ID if ``user`` may see it, else 404.

    A counselor sees their own couples; a partner sees only the couple they belong to.
    """
    query = (
        select(Couple)
        .where(Couple.id == couple_id)
        .options(selectinload(Couple.partners).selectinload(Partner.user))
    )
    if user.role == Role.COUNSELOR:
        query = query.where(Couple.counselor_id == user.id)
    elif user.role == Role.PARTNER:
        query = query.join(Partner, Partner.couple_id == Couple.id).where(
            Partner.user_id == user.id
        )
    else:  # pragma: no cover - the role column only holds the two roles
        abort(404)
    couple = db.session.scalar(query)
    if couple is None:
        abort(404)
    return couple


def partner_place_for(user: User, couple_id: int, place: int) -> Partner:
    """One of the couple's two places, for the couple's counselor only."""
    if user.role != Role.COUNSELOR or place not in (1, 2):
        abort(404)
    return couple_for(user, couple_id).partner_at(place)


def own_partner_place(user: User) -> Partner:
    """The signed-in partner's own place in their couple."""
    place = db.session.scalar(
        select(Partner)
        .where(Partner.user_id == user.id)
        .options(
            selectinload(Partner.couple).selectinload(Couple.partners).selectinload(Partner.user),
            selectinload(Partner.couple).selectinload(Couple.counselor),
        )
    )
    if place is None:
        abort(404)
    return place


def role_required(role: Role) -> Callable:
    """Only signed-in users of ``role`` reach the view; others get a friendly 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role != role:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


counselor_required = role_required(Role.COUNSELOR)
partner_required = role_required(Role.PARTNER)
