"""View models: what one viewer sees of a couple's homework, with the privacy rule applied.

Templates receive these and never decide visibility themselves: anything a viewer may not
read is None here, not merely hidden in HTML. Each kind builds its own card
(``Kind.card``); this module puts a partner's week together from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l

from domain.homework import CoupleHomework
from domain.visibility import Viewer
from domain.weeks import Week
from models import Assignment, AssignmentStatus, Partner


@dataclass(frozen=True)
class ToDo:
    """One card with something the viewer can still do this week, for "Left this week"."""

    kind: str
    name: str  # the card's title ("Weekly check-in")
    left: int
    label: str  # what is left, in a few words ("Check in", "Rate 2 needs")


def left_on(card) -> int:
    """What the viewer can still do on ``card``: nothing on a closed week; else the card's
    own count (``left``) when it keeps one, or whatever is not done yet."""
    if not getattr(card, "open", False):
        return 0
    left = getattr(card, "left", None)
    return max(card.total - card.done, 0) if left is None else left


def to_do(card) -> ToDo | None:
    """The card's line in "Left this week", or None when nothing is left on it."""
    from kinds import registry

    left = left_on(card)
    if not left:
        return None
    label = getattr(card, "left_label", None) or ngettext("%(num)d left", "%(num)d left", left)
    return ToDo(card.kind, kind_name(registry.named(card.kind).name), left, label)


# Hearth's own words a kind hands to the partner's week as plain English (its ``name`` and
# the labels of its ``links``): kept in English where they are stored or shown to the
# counselor, and said in the partner's language by ``kind_name`` and the templates' ``_()``.
PARTNER_WORDS = (
    _l("Weekly rhythm"),
    _l("Needs list"),
    _l("Weekly check-in"),
    _l("Pause agreement"),
    _l("Shared journal"),
    _l("Appreciation notes"),
    _l("Disconnection inventory"),
    _l("Connection plan"),
    _l("Our notes"),
    _l("Needs & history"),
)


def kind_name(name: str) -> str:
    """A kind's name (or a link's label) in the reader's language."""
    return gettext(name)


@dataclass
class PartnerWeek:
    week: Week
    is_current: bool
    open: bool
    cards: list = field(default_factory=list)
    paused: list[Assignment] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(c.done for c in self.cards)

    @property
    def total(self) -> int:
        return sum(c.total for c in self.cards)

    @property
    def left(self) -> int:
        """What the viewer can still do this week, on every card together."""
        return sum(left_on(c) for c in self.cards)

    @property
    def to_do(self) -> list[ToDo]:
        """The cards with something left to do, in the week's order."""
        return [t for t in map(to_do, self.cards) if t is not None]


def partner_week(
    hw: CoupleHomework, week: Week, me: Partner, current: Week, now: datetime
) -> PartnerWeek:
    """The cards partner ``me`` sees for ``week``: one per assignment covering it, in the
    registry's order."""
    from kinds import registry

    viewer = Viewer.for_partner(me)
    result = PartnerWeek(week=week, is_current=week == current, open=week.is_open(now))
    for kind in registry.REGISTRY:
        assignment = hw.assignment(kind.key, week.start)
        if assignment is None:
            continue
        if assignment.status == AssignmentStatus.PAUSED and week == current:
            result.paused.append(assignment)
            continue
        if assignment.status == AssignmentStatus.ENDED and week == current:
            continue  # ended by the counselor: earlier weeks keep it as history
        result.cards.append(kind.card(hw, assignment, week, me, viewer, now))
    return result


def card_for(hw: CoupleHomework, kind: str, week: Week, me: Partner, now: datetime):
    """One card, for an HTMX swap after an action on it."""
    from kinds import registry

    assignment = hw.assignment(kind, week.start)
    if assignment is None:
        return None
    return registry.named(kind).card(hw, assignment, week, me, Viewer.for_partner(me), now)
