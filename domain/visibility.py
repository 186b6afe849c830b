"""The one rule for who may read an answer.

Every page, fragment, chart, PDF and export asks ``may_see`` (or ``visible``) before it shows
a partner's answer. The writer and the couple's counselor always see it; the other partner
sees it only when the writer shared it, and, where the counselor asked for it, only once
both partners have answered that week. Nobody else sees anything.

One kind of answer is kept between the two partners (``Visibility.PARTNERS``: an
appreciation note "just for" the other partner): both partners read it, and the counselor,
who reads everything else of the couple, does not. Anything read by the counselor too (the
couple's copy of a summary, which the counselor releases) leaves those words out.

That second condition, "revealed", is decided here too (``revealed``), once, for every
kind, for the week page, the counselor's pin picker, the couple's copy of a summary and
the exports alike. ``Audience`` is the one reader of the rule the pages, summaries and
exports use: one viewer, or several at once (the couple's copy goes to both partners).
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
        return couple_id in viewer.counselor_of and visibility != Visibility.PARTNERS
    if viewer.couple_id != couple_id or viewer.partner_id is None:
        return False
    if viewer.partner_id == writer_id:
        return True
    if visibility == Visibility.PARTNERS:
        return True
    return visibility == Visibility.SHARED and revealed


def revealed(assignment: Assignment | None, week_start: date, hw: CoupleHomework) -> bool:
    """Are the answers of ``assignment``'s week ``week_start`` open to the other partner?

    Always, unless the counselor asked to show answers only once both have answered
    (``reveal_after_both``): then only when both partners answered that assignment that
    week (its kind says who did). The answer is the same whoever asks, so the couple's
    copy of a summary (and what the counselor may quote in it) waits exactly as the
    waiting partner's week page does.
    """
    if assignment is None or not assignment.reveal_after_both:
        return True
    from kinds import registry

    kind = registry.get(assignment.kind)
    if kind is None:
        return False
    done = kind.answered(hw, assignment, week_start)
    return all(p.id in done for p in hw.couple.partners)


class Audience:
    """Who reads a page, a fragment, a copy of a summary or an export, as one question:
    may this answer be shown? Several viewers read together (the couple's copy goes to
    both partners): an answer is shown only when every one of them may read it."""

    def __init__(self, couple_id: int, viewers: list[Viewer]):
        self.couple_id = couple_id
        self.viewers = viewers

    @classmethod
    def of(cls, viewer: Viewer, couple_id: int) -> Audience:
        return cls(couple_id, [viewer])

    @classmethod
    def counselor_of(cls, couple: Couple) -> Audience:
        return cls(couple.id, [Viewer.for_counselor_of(couple)])

    @classmethod
    def both_partners(cls, couple: Couple) -> Audience:
        return cls(couple.id, [Viewer.for_partner(p) for p in couple.partners])

    @classmethod
    def couple_and_counselor(cls, couple: Couple) -> Audience:
        """The couple's copy of a summary: both partners read it, and the counselor who
        releases it does too, so it holds only what all three may read (never words kept
        between the partners)."""
        viewers = [Viewer.for_partner(p) for p in couple.partners]
        return cls(couple.id, [*viewers, Viewer.for_counselor_of(couple)])

    @property
    def is_counselor(self) -> bool:
        return all(v.is_counselor for v in self.viewers)

    def may(self, writer_id: int, visibility: str, revealed: bool = True) -> bool:
        return all(
            may_see(
                v,
                couple_id=self.couple_id,
                writer_id=writer_id,
                visibility=visibility,
                revealed=revealed,
            )
            for v in self.viewers
        )

    def text(
        self, writer_id: int, text: str | None, visibility: str, revealed: bool = True
    ) -> str | None:
        """``text`` if every viewer may read it, else None (never a hint of what it was)."""
        return text if text and self.may(writer_id, visibility, revealed) else None


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


# How an answer's visibility is said to the person who chose it, in every format.
VISIBILITY_WORDS = {
    Visibility.SHARED: "shared with my partner",
    Visibility.COUNSELOR: "for my counselor only",
    Visibility.PARTNERS: "just for my partner",
}


def who_can_read(visibility: str, writer: Partner, *, waits: bool = False) -> str:
    """Who can read an answer ``writer`` wrote, said to the writer after saving it:
    "Riley (partner) and Dana can read this" or "Only Dana can read this".

    It names people, never what anyone else wrote: the line is the same whatever the other
    partner answered. ``waits`` is the counselor's reveal-after-both on that assignment.
    """
    from flask_babel import gettext

    from domain.confidentiality import first_name

    counselor = first_name(writer.couple.counselor)
    if visibility == Visibility.PARTNERS:
        other = writer.other
        if other.left:
            return gettext("Only you can read this now")
        return gettext("Only %(name)s can read this", name=other.name_with_role)
    if visibility != Visibility.SHARED:
        return gettext("Only %(name)s can read this", name=counselor)
    other = writer.other
    if other.left:
        return gettext("Only %(name)s can read this now", name=counselor)
    if not other.joined:
        return gettext(
            "%(counselor)s can read this, and %(partner)s once they join Hearth",
            counselor=counselor,
            partner=other.name,
        )
    if waits:
        return gettext(
            "%(counselor)s can read this; %(partner)s can once you've both checked in",
            counselor=counselor,
            partner=other.name_with_role,
        )
    return gettext(
        "%(partner)s and %(counselor)s can read this",
        partner=other.name_with_role,
        counselor=counselor,
    )


def strictest(*visibilities: str) -> str:
    """Shared only when every part is shared: a comment on a need kept for the counselor
    stays with the counselor, whatever the comment itself says."""
    if all(v == Visibility.SHARED for v in visibilities):
        return Visibility.SHARED
    return Visibility.COUNSELOR
