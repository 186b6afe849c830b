"""Six believable weeks of homework for the demo couple, so every page shows something real.

Each kind writes its own weeks (``Kind.demo``): some weeks are missed, ratings improve,
and some answers are for the counselor only.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.homework import assign, couple_week
from extensions import db
from kinds import registry
from models import Couple, utcnow

WEEKS = 6


def _at(week_start, day: int, hour: int, tz: str) -> datetime:
    local = datetime.combine(week_start + timedelta(days=day), time(hour), tzinfo=ZoneInfo(tz))
    return local


def add_history(couple: Couple, now: datetime | None = None) -> None:
    """Assign every kind six weeks back and let each fill the weeks in (``Kind.demo``)."""
    tz = couple.timezone
    current = couple_week(couple, now)
    first = current.start - timedelta(weeks=WEEKS - 1)
    starts = [first + timedelta(weeks=i) for i in range(WEEKS)]
    moment = now or utcnow()

    def written(week, day: int, hour: int) -> datetime:
        """When a demo answer was written: its day and hour in the week, but never later
        than a few minutes ago (this week's days that have not come yet)."""
        at = _at(week, day, hour, tz)
        if at <= moment:
            return at
        return max(moment - timedelta(minutes=5), _at(week, 0, 0, tz))

    for kind in registry.REGISTRY:
        assignment = assign(
            couple,
            kind.key,
            starts_on=first,
            weeks=kind.demo_weeks,
            instructions=kind.default_instructions,
        )
        assignment.created_at = _at(first, 0, 9, tz) - timedelta(days=1)
        db.session.flush()
        kind.demo(assignment, starts, written)
    db.session.flush()


def add_private_word(couple: Couple, now: datetime | None = None) -> None:
    """One private word from the first partner, written yesterday and not read yet, so the
    counselor's dashboard, couple page and digest show one."""
    from models import PrivateWord

    moment = now or utcnow()
    db.session.add(
        PrivateWord(
            couple_id=couple.id,
            partner_id=couple.partner_at(1).id,
            text=(
                "Work has been very hard these last weeks and I haven't said so at home. "
                "I'd like to talk about it on Thursday, but I don't know how to start."
            ),
            created_at=moment - timedelta(days=1),
        )
    )
    db.session.flush()


def add_sessions(couple: Couple, now: datetime | None = None) -> None:
    """Two past sessions whose summaries were released, so a partner can download one."""
    from models import CounselingSession, utcnow

    tz = couple.timezone
    current = couple_week(couple, now)
    first_day = current.start - timedelta(weeks=WEEKS - 1)
    agreed = list(couple.assignments)
    one = CounselingSession(
        couple=couple,
        number=1,
        held_at=_at(first_day, 1, 17, tz) - timedelta(days=1),
        attended="both",
        focus="Noticing the distance, and choosing small ways back to each other",
        shareable_notes=(
            "You both described evenings that pass side by side rather than together.\n"
            "We agreed to start small: three things a week, and each of you naming what you need."
        ),
        private_notes="Withdrawal pattern on both sides; watch for Alex's work stress.",
        homework_notes="Start the weekly rhythm; each write two needs before next time.",
        next_session_at=_at(first_day, 15, 17, tz),
        released_at=_at(first_day, 1, 19, tz),
    )
    one.agreed = agreed
    two = CounselingSession(
        couple=couple,
        number=2,
        held_at=_at(first_day, 15, 17, tz),
        attended="both",
        focus="A hard week, and how you found your way back after it",
        shareable_notes=(
            "The week of silence was hard for you both. What helped was the walk, and "
            "saying what you appreciate before what hurt.\nKeep going with the rhythm."
        ),
        private_notes="Sam disclosed money worries not yet shared with Alex.",
        homework_notes="Keep the rhythm; try asking about each other's day before dinner.",
        next_session_at=min(_at(first_day, 43, 17, tz), utcnow() + timedelta(days=7)),
        released_at=_at(first_day, 15, 19, tz),
    )
    two.agreed = agreed
    db.session.add_all([one, two])
    db.session.flush()
    # The next session agreed in session two is booked, so it shows on phones and calendars.
    from domain import appointments

    appointments.follow_session(two, None, now)


def add_templates(counselor, couple: Couple) -> None:
    """Dana's templates: the demo couple's rhythm kept for the next couple, and two note
    skeletons she starts sessions from (the Jordan & Riley page offers the first)."""
    from domain import templates
    from models import NoteTemplate

    rhythm = next((a for a in couple.assignments if a.kind == "rhythm"), None)
    if rhythm is not None:
        templates.save_from(
            rhythm,
            name="Weekly rhythm, gentle start",
            instructions=(
                "Each week, make room for three small things together. Start gently: "
                "they don't need to be perfect, they need to be real."
            ),
        )
    db.session.add_all(
        [
            NoteTemplate(
                counselor_id=counselor.id,
                name="Follow-up session",
                focus="How the week's homework went, and what we'll try next",
                shareable_notes="What helped this week:\n\nWhat was hard:\n\nWhat we'll try next:",
                homework_notes="Keep the rhythm going.",
            ),
            NoteTemplate(
                counselor_id=counselor.id,
                name="First session",
                focus="Getting to know you both, and what brings you here",
                shareable_notes="What you each hope for:\n\nWhat we agreed to start with:",
            ),
        ]
    )
    db.session.flush()
