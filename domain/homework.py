"""Assigning homework, and reading a couple's homework for a range of weeks.

``load`` fetches everything a page needs for a couple and a range of weeks in a fixed
number of queries, whatever the number of weeks or answers; the view builders in
``domain/views.py`` turn it into what one viewer may see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from domain.weeks import Week, current_week, week_number, week_of, week_start_for
from extensions import db
from models import (
    Assignment,
    AssignmentStatus,
    CheckIn,
    Couple,
    HomeworkKind,
    Need,
    NeedRating,
    NeedStatus,
    NeedStep,
    RhythmItem,
    RhythmMark,
    RhythmReflection,
    StepDone,
    utcnow,
)

# What each kind is called, and the words a counselor starts from (and can change).
KIND_NAMES = {
    HomeworkKind.RHYTHM: "Weekly rhythm",
    HomeworkKind.NEEDS: "Needs list",
    HomeworkKind.CHECKIN: "Weekly check-in",
}

DEFAULT_INSTRUCTIONS = {
    HomeworkKind.RHYTHM: (
        "Each week, make room for three small things together. Either of you can tick one "
        "off when it has happened. They don't need to be perfect; they need to be real."
    ),
    HomeworkKind.NEEDS: (
        "Name two or three things you need from each other, and turn each into a few small "
        "steps your partner can actually take. Once a week, say how each need went for you."
    ),
    HomeworkKind.CHECKIN: (
        "Once a week, take five quiet minutes on your own to check in: how connected and "
        "heard you felt, what's weighing on you from outside, and what went well or felt off."
    ),
}

DEFAULT_RHYTHM_ITEMS = (
    "One real conversation: about repair, not blame. Say what you appreciate before what hurt.",
    "One shared activity, cooperative rather than competitive: cook, walk, build or learn "
    "something together.",
    "One moment of affection, given without expecting anything back.",
)

# Needs: two or three work best; a fourth asks "are you sure?"; five is the most.
NEEDS_SUGGESTED = 3
NEEDS_MAX = 5


class AssignmentProblem(ValueError):
    """Why an assignment cannot be made, in words for the counselor."""


def open_assignment(couple: Couple, kind: str) -> Assignment | None:
    """The couple's assignment of this kind that is not ended, if any."""
    return next(
        (a for a in couple.assignments if a.kind == kind and a.status != AssignmentStatus.ENDED),
        None,
    )


def end_if_finished(assignment: Assignment, today_week: date) -> bool:
    """Mark an assignment ended once its last week is over; returns True if it was."""
    last = assignment.last_week
    if assignment.status != AssignmentStatus.ENDED and last is not None and last < today_week:
        assignment.status = AssignmentStatus.ENDED
        assignment.ended_at = utcnow()
        return True
    return False


def assign(
    couple: Couple,
    kind: str,
    *,
    starts_on: date,
    weeks: int | None,
    instructions: str,
    rhythm_items: list[str] | None = None,
    reveal_after_both: bool = False,
) -> Assignment:
    """Give ``couple`` a kind of homework from the week containing ``starts_on``.

    Raises AssignmentProblem if the couple already has this kind running.
    """
    this_week = current_week(couple.timezone, couple.week_starts_on).start
    existing = open_assignment(couple, kind)
    if existing is not None and not end_if_finished(existing, this_week):
        raise AssignmentProblem(
            f"{couple.name} already has a {KIND_NAMES[HomeworkKind(kind)].lower()} "
            f"({existing.status}). Edit, resume or end that one instead of adding a second."
        )
    first = week_of(starts_on, couple.timezone, couple.week_starts_on).start
    assignment = Assignment(
        couple=couple,
        kind=kind,
        starts_on=first,
        weeks=weeks,
        instructions=instructions,
        reveal_after_both=reveal_after_both,
    )
    if kind == HomeworkKind.RHYTHM:
        words = rhythm_items or list(DEFAULT_RHYTHM_ITEMS)
        assignment.rhythm_items = [
            RhythmItem(position=i, wording=w) for i, w in enumerate(words, start=1)
        ]
    db.session.add(assignment)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AssignmentProblem(
            "Another assignment of this kind was just added for this couple."
        ) from None
    return assignment


def set_assignment_status(assignment: Assignment, status: str) -> None:
    """Pause, resume or end. Ending stops the assignment's weeks at the current one, so
    the weeks after it no longer count as its weeks (an open-ended one would otherwise
    cover every week to come)."""
    assignment.status = status
    assignment.ended_at = utcnow() if status == AssignmentStatus.ENDED else None
    if status == AssignmentStatus.ENDED:
        this_week = couple_week(assignment.couple).start
        ran = max(week_number(assignment.starts_on, this_week), 1)
        assignment.weeks = min(assignment.weeks or ran, ran)


def covering(assignments, kind: str, week: date | None = None) -> Assignment | None:
    """The assignment of ``kind`` for ``week``: the running one over an ended one that
    shared that week. Without a week: the one that has not ended, if any."""
    candidates = [a for a in assignments if a.kind == kind]
    if week is None:
        return next((a for a in candidates if a.status != AssignmentStatus.ENDED), None)
    candidates = [a for a in candidates if a.covers(week)]
    candidates.sort(key=lambda a: a.status == AssignmentStatus.ENDED)
    return candidates[0] if candidates else None


@dataclass
class CoupleHomework:
    """Everything a couple did in a range of weeks, indexed for quick lookups."""

    couple: Couple
    first: date
    last: date
    assignments: list[Assignment]
    needs: list[Need]
    marks: dict[tuple[int, date], RhythmMark] = field(default_factory=dict)
    reflections: dict[tuple[int, date, int], RhythmReflection] = field(default_factory=dict)
    ratings: dict[tuple[int, date], NeedRating] = field(default_factory=dict)
    steps_done: dict[tuple[int, date], StepDone] = field(default_factory=dict)
    check_ins: dict[tuple[int, date], CheckIn] = field(default_factory=dict)

    def assignment(self, kind: str, week: date | None = None) -> Assignment | None:
        """The assignment of ``kind`` that covers ``week`` (or is open now), if any."""
        return covering(self.assignments, kind, week)

    def checked_in(self, assignment_id: int, week: date) -> set[int]:
        """The partner places that checked in for ``assignment_id`` in ``week``.

        From what was loaded when ``week`` is in range; otherwise asked of the database
        (a moment pinned from a week the summary no longer covers).
        """
        if self.first <= week <= self.last:
            return {
                p.id
                for p in self.couple.partners
                if (c := self.check_ins.get((p.id, week))) is not None
                and c.assignment_id == assignment_id
            }
        return set(
            db.session.scalars(
                select(CheckIn.partner_id).where(
                    CheckIn.assignment_id == assignment_id, CheckIn.week_start == week
                )
            )
        )

    def needs_of(self, partner_id: int, week: date | None = None) -> list[Need]:
        """A partner's needs that were active during ``week`` (or are active now)."""
        result = []
        for need in self.needs:
            if need.owner_id != partner_id:
                continue
            if week is None:
                if need.status == NeedStatus.ACTIVE:
                    result.append(need)
            elif need_alive_in(need, week, self.couple):
                result.append(need)
        return result


def need_alive_in(need: Need, week: date, couple: Couple) -> bool:
    """Did the need exist (named, not yet retired) at some point during ``week``?"""

    def week_containing(moment: datetime) -> date:
        local = moment.astimezone(ZoneInfo(couple.timezone)).date()
        return week_start_for(local, couple.week_starts_on)

    if week_containing(need.created_at) > week:
        return False
    return need.retired_at is None or week_containing(need.retired_at) >= week


def load(couple: Couple, first: date, last: date) -> CoupleHomework:
    """Load the couple's assignments, needs and answers for weeks ``first``..``last``.

    A fixed number of queries (eight), whatever the range or the amount of history.
    """
    partner_ids = [p.id for p in couple.partners]
    assignments = list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.couple_id == couple.id)
            .options(selectinload(Assignment.rhythm_items))
            .order_by(Assignment.id)
        )
    )
    needs = list(
        db.session.scalars(
            select(Need)
            .where(Need.owner_id.in_(partner_ids))
            .options(selectinload(Need.steps), selectinload(Need.wordings))
            .order_by(Need.created_at, Need.id)
        )
    )
    item_ids = [i.id for a in assignments for i in a.rhythm_items]
    step_ids = [s.id for n in needs for s in n.steps]
    need_ids = [n.id for n in needs]
    assignment_ids = [a.id for a in assignments]

    homework = CoupleHomework(couple, first, last, assignments, needs)
    if item_ids:
        for mark in db.session.scalars(
            select(RhythmMark).where(
                RhythmMark.item_id.in_(item_ids),
                RhythmMark.week_start.between(first, last),
            )
        ):
            homework.marks[(mark.item_id, mark.week_start)] = mark
    if assignment_ids:
        for reflection in db.session.scalars(
            select(RhythmReflection).where(
                RhythmReflection.assignment_id.in_(assignment_ids),
                RhythmReflection.week_start.between(first, last),
            )
        ):
            homework.reflections[
                (reflection.assignment_id, reflection.week_start, reflection.partner_id)
            ] = reflection
    if need_ids:
        for rating in db.session.scalars(
            select(NeedRating).where(
                NeedRating.need_id.in_(need_ids), NeedRating.week_start.between(first, last)
            )
        ):
            homework.ratings[(rating.need_id, rating.week_start)] = rating
    if step_ids:
        for done in db.session.scalars(
            select(StepDone).where(
                StepDone.step_id.in_(step_ids), StepDone.week_start.between(first, last)
            )
        ):
            homework.steps_done[(done.step_id, done.week_start)] = done
    for check_in in db.session.scalars(
        select(CheckIn).where(
            CheckIn.partner_id.in_(partner_ids), CheckIn.week_start.between(first, last)
        )
    ):
        homework.check_ins[(check_in.partner_id, check_in.week_start)] = check_in
    return homework


def couple_week(couple: Couple, now: datetime | None = None) -> Week:
    return current_week(couple.timezone, couple.week_starts_on, now)


def next_step_position(need: Need) -> int:
    return max((s.position for s in need.steps), default=0) + 1


def add_steps(need: Need, texts: list[str]) -> None:
    position = next_step_position(need)
    for offset, text in enumerate(texts):
        need.steps.append(NeedStep(position=position + offset, text=text))


def next_session_number(couple: Couple) -> int:
    """Sessions are numbered 1, 2, 3… per couple."""
    from models import CounselingSession

    latest = db.session.scalar(
        select(func.max(CounselingSession.number)).where(CounselingSession.couple_id == couple.id)
    )
    return (latest or 0) + 1
