"""A partner's first visit, when the other partner got there first.

Seconds after joining, the second partner used to meet ratings of needs they had never
seen. Until they put it away, This week opens with a short introduction instead: what
Hearth is for, what the other partner has named and would love to try. Only what the other
partner shared with them is in it: it is read through the one privacy rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from domain.confidentiality import first_name
from domain.visibility import Viewer, may_see
from extensions import db
from models import Partner, utcnow


@dataclass
class NamedNeed:
    wording: str
    steps: list[str]


@dataclass
class Welcome:
    """What the introduction says to ``me``."""

    partner_name: str
    counselor_name: str
    needs: list[NamedNeed] = field(default_factory=list)


def is_first_visit(me: Partner) -> bool:
    """Is ``me`` the second partner to arrive, and still to put the introduction away?"""
    other = me.other
    return (
        me.welcomed_at is None
        and me.joined_at is not None
        and other.joined
        and other.joined_at is not None
        and other.joined_at <= me.joined_at
    )


def first_visit(me: Partner) -> Welcome | None:
    """The introduction for ``me``'s first visit, or None once it has been put away."""
    if not is_first_visit(me):
        return None
    from kinds.needs.models import Need, NeedStatus

    other = me.other
    viewer = Viewer.for_partner(me)
    needs = db.session.scalars(
        select(Need)
        .where(Need.owner_id == other.id, Need.status == NeedStatus.ACTIVE)
        .options(selectinload(Need.steps))
        .order_by(Need.created_at, Need.id)
    )
    shown = [
        NamedNeed(n.wording, [s.text for s in n.active_steps])
        for n in needs
        if may_see(viewer, couple_id=me.couple_id, writer_id=other.id, visibility=n.visibility)
    ]
    return Welcome(other.name_with_role, first_name(me.couple.counselor), shown)


def put_away(me: Partner) -> None:
    """The partner has read the introduction: This week opens on the homework from now on."""
    if me.welcomed_at is None:
        me.welcomed_at = utcnow()
        db.session.commit()
