"""Assigning homework, and reading a couple's homework for a range of weeks.

``load`` fetches everything a page needs for a couple and a range of weeks in a fixed
number of queries, whatever the number of weeks or answers (one for the assignments,
then each registered kind's own, ``Kind.load``); the view models in ``domain/cards.py``
turn it into what one viewer may see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from domain.weeks import Week, current_week, week_number, week_of
from extensions import db
from models import Assignment, AssignmentStatus, Couple, utcnow


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
    form=None,
) -> Assignment:
    """Give ``couple`` a kind of homework from the week containing ``starts_on``.

    ``form`` (the counselor's valid assignment form) carries the kind's own settings;
    without one the kind starts from its defaults. Raises AssignmentProblem if the couple
    already has this kind running.
    """
    from kinds import registry

    homework_kind = registry.named(kind)
    this_week = current_week(couple.timezone, couple.week_starts_on).start
    existing = open_assignment(couple, kind)
    if existing is not None and not end_if_finished(existing, this_week):
        raise AssignmentProblem(
            f"{couple.name} already has a {homework_kind.name.lower()} "
            f"({existing.status}). Edit, resume or end that one instead of adding a second."
        )
    first = week_of(starts_on, couple.timezone, couple.week_starts_on).start
    assignment = Assignment(
        couple=couple,
        kind=kind,
        starts_on=first,
        weeks=weeks,
        instructions=instructions,
    )
    homework_kind.apply(form, assignment, new=True)
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
    """Everything a couple did in a range of weeks: the assignments, and what each kind
    loaded (``data[kind.key]``, from ``Kind.load``), indexed for quick lookups."""

    couple: Couple
    first: date
    last: date
    assignments: list[Assignment]
    data: dict[str, Any] = field(default_factory=dict)

    def assignment(self, kind: str, week: date | None = None) -> Assignment | None:
        """The assignment of ``kind`` that covers ``week`` (or is open now), if any."""
        return covering(self.assignments, kind, week)


def load(couple: Couple, first: date, last: date) -> CoupleHomework:
    """Load the couple's assignments and every kind's answers for weeks ``first``..``last``.

    A fixed number of queries, whatever the range or the amount of history.
    """
    from kinds import registry

    assignments = list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.couple_id == couple.id)
            .options(*registry.assignment_loads())
            .order_by(Assignment.id)
        )
    )
    if "assignments" in inspect(couple).unloaded:
        # Whatever asks the couple for its assignments next gets these, not a query.
        set_committed_value(couple, "assignments", list(assignments))
    homework = CoupleHomework(couple, first, last, assignments)
    for kind in registry.REGISTRY:
        homework.data[kind.key] = kind.load(homework)
    return homework


def couple_week(couple: Couple, now: datetime | None = None) -> Week:
    return current_week(couple.timezone, couple.week_starts_on, now)


def next_session_number(couple: Couple) -> int:
    """Sessions are numbered 1, 2, 3… per couple."""
    from models import CounselingSession

    latest = db.session.scalar(
        select(func.max(CounselingSession.number)).where(CounselingSession.couple_id == couple.id)
    )
    return (latest or 0) + 1
