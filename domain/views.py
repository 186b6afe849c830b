"""What one viewer sees of a couple's homework, with the privacy rule applied.

Templates receive these views and never decide visibility themselves: anything a viewer
may not read is None here, not merely hidden in HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.homework import CoupleHomework
from domain.visibility import Viewer, check_in_revealed, may_see, strictest, visible
from domain.weeks import Week
from models import (
    Assignment,
    AssignmentStatus,
    CheckIn,
    HomeworkKind,
    Need,
    NeedRating,
    NeedStep,
    Partner,
    RhythmItem,
    RhythmReflection,
    StepDone,
)


@dataclass
class MarkView:
    by_name: str
    by_me: bool
    at: datetime
    note: str | None  # None when the viewer may not read it (or there is none)
    note_visibility: str


@dataclass
class ItemView:
    item: RhythmItem
    mark: MarkView | None


@dataclass
class ReflectionView:
    partner_name: str
    helped: str | None
    didnt_help: str | None


@dataclass
class RhythmCard:
    kind = HomeworkKind.RHYTHM
    assignment: Assignment
    week: Week
    items: list[ItemView]
    open: bool
    mine: RhythmReflection | None
    theirs: ReflectionView | None

    @property
    def done(self) -> int:
        return sum(1 for i in self.items if i.mark)

    @property
    def total(self) -> int:
        return len(self.items)


@dataclass
class StepView:
    step: NeedStep
    done: StepDone | None


@dataclass
class NeedView:
    need: Need
    steps: list[StepView]
    rating: NeedRating | None
    comment: str | None


@dataclass
class NeedsCard:
    kind = HomeworkKind.NEEDS
    assignment: Assignment
    week: Week
    mine: list[NeedView]
    asked_of_me: list[NeedView]
    partner_name: str
    open: bool

    @property
    def done(self) -> int:
        return sum(1 for n in self.mine if n.rating)

    @property
    def total(self) -> int:
        # With no needs yet, naming them is the one thing to do.
        return len(self.mine) or 1


@dataclass
class TheirCheckIn:
    partner_name: str
    scales: dict[str, int] | None
    answers: dict[str, str]  # only the answers the viewer may read, non-empty


@dataclass
class CheckInCard:
    kind = HomeworkKind.CHECKIN
    assignment: Assignment
    week: Week
    mine: CheckIn | None
    partner_name: str
    partner_checked_in: bool
    theirs: TheirCheckIn | None
    waiting_for_me: bool  # the partner's shared answers open once I check in too
    open: bool

    @property
    def done(self) -> int:
        return 1 if self.mine else 0

    @property
    def total(self) -> int:
        return 1


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


PROMPTS = {
    "went_well": "What went well",
    "felt_off": "What felt off",
    "support": "How we can support each other",
}
SCALES = {
    "connected": "How connected I felt",
    "heard": "How heard I felt",
    "stress": "Stress from outside the relationship",
}


def _shown(viewer: Viewer, couple_id: int, writer: Partner, text: str, visibility: str, **kw):
    return visible(
        viewer, text or None, couple_id=couple_id, writer_id=writer.id, visibility=visibility, **kw
    )


def rhythm_card(
    hw: CoupleHomework, assignment: Assignment, week: Week, me: Partner, viewer: Viewer, now
) -> RhythmCard:
    couple = hw.couple
    other = me.other
    items = []
    for item in assignment.rhythm_items:
        mark = hw.marks.get((item.id, week.start))
        view = None
        if mark is not None:
            writer = me if mark.partner_id == me.id else other
            view = MarkView(
                by_name=writer.name_with_role,
                by_me=mark.partner_id == me.id,
                at=mark.created_at,
                note=_shown(viewer, couple.id, writer, mark.note, mark.note_visibility),
                note_visibility=mark.note_visibility,
            )
        items.append(ItemView(item, view))
    theirs_row = hw.reflections.get((assignment.id, week.start, other.id))
    theirs = None
    if theirs_row is not None:
        helped = _shown(viewer, couple.id, other, theirs_row.helped, theirs_row.visibility)
        didnt = _shown(viewer, couple.id, other, theirs_row.didnt_help, theirs_row.visibility)
        if helped or didnt:
            theirs = ReflectionView(other.name_with_role, helped, didnt)
    return RhythmCard(
        assignment=assignment,
        week=week,
        items=items,
        open=week.is_open(now) and assignment.status == AssignmentStatus.ACTIVE,
        mine=hw.reflections.get((assignment.id, week.start, me.id)),
        theirs=theirs,
    )


def _need_view(hw: CoupleHomework, need: Need, week: Week, viewer: Viewer) -> NeedView:
    rating = hw.ratings.get((need.id, week.start))
    comment = None
    if rating is not None:
        comment = visible(
            viewer,
            rating.comment or None,
            couple_id=hw.couple.id,
            writer_id=need.owner_id,
            visibility=strictest(rating.comment_visibility, need.visibility),
        )
    steps = [
        StepView(s, hw.steps_done.get((s.id, week.start)))
        for s in need.steps
        if s.removed_at is None
    ]
    return NeedView(need, steps, rating, comment)


def needs_card(
    hw: CoupleHomework, assignment: Assignment, week: Week, me: Partner, viewer: Viewer, now
) -> NeedsCard:
    other = me.other
    mine = [_need_view(hw, n, week, viewer) for n in hw.needs_of(me.id, week.start)]
    asked = [
        _need_view(hw, n, week, viewer)
        for n in hw.needs_of(other.id, week.start)
        if may_see(viewer, couple_id=hw.couple.id, writer_id=other.id, visibility=n.visibility)
    ]
    return NeedsCard(
        assignment=assignment,
        week=week,
        mine=mine,
        asked_of_me=asked,
        partner_name=other.name_with_role,
        open=week.is_open(now) and assignment.status == AssignmentStatus.ACTIVE,
    )


def their_check_in(
    check_in: CheckIn, writer: Partner, viewer: Viewer, couple_id: int, revealed: bool
) -> TheirCheckIn | None:
    """What ``viewer`` may see of someone else's check-in (None: nothing at all)."""
    scales = None
    if may_see(
        viewer,
        couple_id=couple_id,
        writer_id=writer.id,
        visibility=check_in.scales_visibility,
        revealed=revealed,
    ):
        scales = {k: getattr(check_in, k) for k in SCALES}
    answers = {}
    for key in PROMPTS:
        text = visible(
            viewer,
            getattr(check_in, key) or None,
            couple_id=couple_id,
            writer_id=writer.id,
            visibility=getattr(check_in, f"{key}_visibility"),
            revealed=revealed,
        )
        if text:
            answers[key] = text
    if scales is None and not answers:
        return None
    return TheirCheckIn(writer.name_with_role, scales, answers)


def check_in_card(
    hw: CoupleHomework, assignment: Assignment, week: Week, me: Partner, viewer: Viewer, now
) -> CheckInCard:
    other = me.other
    mine = hw.check_ins.get((me.id, week.start))
    theirs_row = hw.check_ins.get((other.id, week.start))
    revealed = check_in_revealed(assignment, week.start, hw)
    theirs = (
        their_check_in(theirs_row, other, viewer, hw.couple.id, revealed) if theirs_row else None
    )
    waiting = bool(assignment.reveal_after_both and theirs_row is not None and mine is None)
    return CheckInCard(
        assignment=assignment,
        week=week,
        mine=mine,
        partner_name=other.name_with_role,
        partner_checked_in=theirs_row is not None,
        theirs=theirs,
        waiting_for_me=waiting,
        open=week.is_open(now) and assignment.status == AssignmentStatus.ACTIVE,
    )


BUILDERS = {
    HomeworkKind.RHYTHM: rhythm_card,
    HomeworkKind.NEEDS: needs_card,
    HomeworkKind.CHECKIN: check_in_card,
}
ORDER = [HomeworkKind.RHYTHM, HomeworkKind.NEEDS, HomeworkKind.CHECKIN]


def partner_week(
    hw: CoupleHomework, week: Week, me: Partner, current: Week, now: datetime
) -> PartnerWeek:
    """The cards partner ``me`` sees for ``week``: one per assignment covering it."""
    viewer = Viewer.for_partner(me)
    result = PartnerWeek(week=week, is_current=week == current, open=week.is_open(now))
    for kind in ORDER:
        assignment = hw.assignment(kind, week.start)
        if assignment is None:
            continue
        if assignment.status == AssignmentStatus.PAUSED and week == current:
            result.paused.append(assignment)
            continue
        if assignment.status == AssignmentStatus.ENDED and week == current:
            continue  # ended by the counselor: earlier weeks keep it as history
        result.cards.append(BUILDERS[kind](hw, assignment, week, me, viewer, now))
    return result


def card_for(hw: CoupleHomework, kind: str, week: Week, me: Partner, now: datetime):
    """One card, for an HTMX swap after an action on it."""
    viewer = Viewer.for_partner(me)
    assignment = hw.assignment(kind, week.start)
    if assignment is None:
        return None
    return BUILDERS[HomeworkKind(kind)](hw, assignment, week, me, viewer, now)


# --- Needs history ----------------------------------------------------------------------


@dataclass
class NeedWeek:
    week: Week
    rating: NeedRating | None
    comment: str | None


@dataclass
class NeedHistory:
    need: Need
    mine: bool
    weeks: list[NeedWeek]

    @property
    def earlier_wordings(self) -> list[str]:
        return [w.wording for w in self.need.wordings[:-1]]


@dataclass
class NeedsOverview:
    mine: list[NeedHistory]
    retired: list[NeedHistory]
    theirs: list[NeedHistory]
    partner_name: str


def need_history(me: Partner, weeks: int = 12, now: datetime | None = None) -> NeedsOverview:
    """Need by need, the last ``weeks`` weekly ratings: mine, and those shared with me."""
    from domain.homework import couple_week, load, need_alive_in
    from domain.weeks import weeks_back

    couple = me.couple
    current = couple_week(couple, now)
    span = weeks_back(current, weeks)
    hw = load(couple, span[0].start, current.start)
    viewer = Viewer.for_partner(me)
    other = me.other

    def history(need: Need) -> NeedHistory:
        # Only the weeks the need existed: newest first.
        alive = [w for w in reversed(span) if need_alive_in(need, w.start, couple)]
        rows = [_need_view(hw, need, w, viewer) for w in alive]
        return NeedHistory(
            need,
            need.owner_id == me.id,
            [NeedWeek(w, r.rating, r.comment) for w, r in zip(alive, rows, strict=True)],
        )

    mine = [n for n in hw.needs if n.owner_id == me.id]
    theirs = [
        n
        for n in hw.needs
        if n.owner_id == other.id
        and n.status == "active"
        and may_see(viewer, couple_id=couple.id, writer_id=other.id, visibility=n.visibility)
    ]
    return NeedsOverview(
        mine=[history(n) for n in mine if n.status == "active"],
        retired=[history(n) for n in mine if n.status != "active"],
        theirs=[history(n) for n in theirs],
        partner_name=other.name_with_role,
    )
