"""The one rule for who may read an answer.

Every page, fragment, chart, PDF and export asks ``may_see`` (or ``visible``) before it shows
a partner's answer. The writer and the couple's counselor always see it; the other partner
sees it only when the writer shared it, and, where the counselor asked for it, only once
both partners have answered that week. Nobody else sees anything.

That second condition, "revealed", is decided here too (``check_in_revealed``), once,
for the week page, the counselor's pin picker, the couple's copy of a summary and the
exports alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from models import Assignment, Couple, Partner, Role, Visibility

if TYPE_CHECKING:
    from domain.homework import CoupleHomework


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a counselor of a couple, or one partner of it."""

    user_id: int
    role: str
    partner_id: int | None = None  # the viewer's own partner place, for partners
    couple_id: int | None = None  # the partner's couple
    counselor_of: frozenset[int] = frozenset()  # IDs of couples this counselor sees

    @classmethod
    def for_counselor_of(cls, couple: Couple) -> Viewer:
        """The couple's own counselor."""
        return cls(couple.counselor_id, Role.COUNSELOR, counselor_of=frozenset({couple.id}))

    @classmethod
    def for_partner(cls, partner: Partner) -> Viewer:
        return cls(partner.user_id or 0, Role.PARTNER, partner.id, partner.couple_id)

    @property
    def is_counselor(self) -> bool:
        return self.role == Role.COUNSELOR


def may_see(
    viewer: Viewer,
    *,
    couple_id: int,
    writer_id: int,
    visibility: str,
    revealed: bool = True,
) -> bool:
    """May ``viewer`` read an answer written by partner place ``writer_id`` of ``couple_id``?

    ``revealed`` is False while an answer waits for the other partner (reveal-after-both).
    """
    if viewer.is_counselor:
        return couple_id in viewer.counselor_of
    if viewer.couple_id != couple_id or viewer.partner_id is None:
        return False
    if viewer.partner_id == writer_id:
        return True
    return visibility == Visibility.SHARED and revealed


def check_in_revealed(assignment: Assignment | None, week_start: date, hw: CoupleHomework) -> bool:
    """Are the check-ins of ``assignment``'s week ``week_start`` open to the other partner?

    Always, unless the counselor asked to show answers only once both have checked in:
    then only when both partners' check-ins for that assignment and that week exist. The
    answer is the same whoever asks, so the couple's copy of a summary (and what the
    counselor may quote in it) waits exactly as the waiting partner's week page does.
    """
    if assignment is None or not assignment.reveal_after_both:
        return True
    done = hw.checked_in(assignment.id, week_start)
    return all(p.id in done for p in hw.couple.partners)


def visible(
    viewer: Viewer,
    text: str | None,
    *,
    couple_id: int,
    writer_id: int,
    visibility: str,
    revealed: bool = True,
) -> str | None:
    """``text`` if the viewer may read it, else None (never a hint of what it was)."""
    if may_see(
        viewer, couple_id=couple_id, writer_id=writer_id, visibility=visibility, revealed=revealed
    ):
        return text
    return None


def strictest(*visibilities: str) -> str:
    """Shared only when every part is shared: a comment on a need kept for the counselor
    stays with the counselor, whatever the comment itself says."""
    if all(v == Visibility.SHARED for v in visibilities):
        return Visibility.SHARED
    return Visibility.COUNSELOR
