"""Six believable weeks of homework for the demo couple, so every page shows something real.

Some weeks are missed, ratings improve, and some answers are for the counselor only.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.homework import DEFAULT_INSTRUCTIONS, add_steps, assign, couple_week
from extensions import db
from models import (
    CheckIn,
    Couple,
    HomeworkKind,
    Need,
    NeedRating,
    NeedWording,
    RhythmMark,
    RhythmReflection,
    StepDone,
    Visibility,
)

WEEKS = 6
SHARED, PRIVATE = Visibility.SHARED, Visibility.COUNSELOR

# Per week (oldest first): which rhythm items were done, by whom (1 or 2), with a note.
RHYTHM = [
    [(1, 1, "We talked about the move, calmly this time."), None, (3, 2, "")],
    [None, (2, 1, "Cooked the lasagne together."), None],
    [None, None, None],  # a hard week: nothing
    [(1, 2, "Talked about Sunday without raising our voices."), (2, 2, ""), (3, 1, "")],
    [(1, 1, ""), (2, 2, "Walked to the lake."), (3, 1, "A long hug after work.")],
    [(1, 2, ""), None, None],  # this week, still going
]
REFLECTIONS = {
    1: {1: ("Starting with what we appreciate.", "Doing it late at night.", SHARED)},
    3: {
        1: ("Planning the walk ahead.", "", SHARED),
        2: ("", "I felt rushed on the conversation, I need more time.", PRIVATE),
    },
    4: {2: ("The lake walk. No phones.", "", SHARED)},
}
CHECK_INS = {  # partner -> per week (connected, heard, stress) or None for a missed week
    1: [(4, 3, 7), (5, 4, 6), (4, 4, 8), (6, 5, 5), (7, 6, 4), None],
    2: [(5, 4, 5), (5, 5, 5), None, (6, 6, 6), (7, 7, 3), (6, 4, 5)],
}
ANSWERS = {
    (1, 4): {
        "went_well": ("Alex asked about my day before dinner twice.", SHARED),
        "felt_off": ("I still worry we avoid talking about money.", PRIVATE),
        "support": ("Maybe a short walk on Wednesdays?", SHARED),
    },
    (2, 4): {
        "went_well": ("The lake walk felt like us again.", SHARED),
        "felt_off": ("Work is leaking into our evenings.", PRIVATE),
        "support": ("", PRIVATE),
    },
    (2, 5): {
        "went_well": ("Sam noticed when I cooked.", SHARED),
        "felt_off": ("I was short with Sam on Monday and didn't say sorry.", PRIVATE),
        "support": ("Tell me when you need quiet.", SHARED),
    },
}
NEEDS = {
    1: [
        (
            "More regular check-ins during the week",
            ["Send me a message at lunch", "Ask how my day was before we start dinner"],
            SHARED,
            ["not_yet", "partly", "not_yet", "partly", "met"],
        ),
        (
            "A quieter, more predictable evening routine",
            ["Phones away after nine", "Agree on evening plans by Sunday"],
            SHARED,
            ["partly", "partly", None, "met", "met"],
        ),
    ],
    2: [
        (
            "Feeling appreciated for the everyday things",
            ["Say thank you when I cook", "Notice one thing I did each day"],
            SHARED,
            ["not_yet", "not_yet", None, "partly", "met"],
        ),
        (
            "Time alone to recharge on weekends",
            ["Give me Saturday morning to myself"],
            PRIVATE,
            ["partly", "not_yet", None, "partly", "partly"],
        ),
    ],
}


def _at(week_start, day: int, hour: int, tz: str) -> datetime:
    local = datetime.combine(week_start + timedelta(days=day), time(hour), tzinfo=ZoneInfo(tz))
    return local


def add_history(couple: Couple, now: datetime | None = None) -> None:
    """Assign all three kinds six weeks back and fill the weeks in."""
    tz = couple.timezone
    current = couple_week(couple, now)
    first = current.start - timedelta(weeks=WEEKS - 1)
    starts = [first + timedelta(weeks=i) for i in range(WEEKS)]
    rhythm = assign(
        couple,
        HomeworkKind.RHYTHM,
        starts_on=first,
        weeks=None,
        instructions=DEFAULT_INSTRUCTIONS[HomeworkKind.RHYTHM],
    )
    needs_assignment = assign(
        couple,
        HomeworkKind.NEEDS,
        starts_on=first,
        weeks=None,
        instructions=DEFAULT_INSTRUCTIONS[HomeworkKind.NEEDS],
    )
    checkin = assign(
        couple,
        HomeworkKind.CHECKIN,
        starts_on=first,
        weeks=12,
        instructions=DEFAULT_INSTRUCTIONS[HomeworkKind.CHECKIN],
    )
    for a in (rhythm, needs_assignment, checkin):
        a.created_at = _at(first, 0, 9, tz) - timedelta(days=1)
    partner = {1: couple.partner_at(1), 2: couple.partner_at(2)}

    for i, week in enumerate(RHYTHM):
        for item, done in zip(rhythm.rhythm_items, week, strict=True):
            if done is None:
                continue
            _position, who, note = done
            db.session.add(
                RhythmMark(
                    item_id=item.id,
                    week_start=starts[i],
                    partner_id=partner[who].id,
                    note=note,
                    note_visibility=SHARED,
                    created_at=_at(starts[i], 2 + who, 20, tz),
                )
            )
    for i, by_partner in REFLECTIONS.items():
        for who, (helped, didnt, visibility) in by_partner.items():
            db.session.add(
                RhythmReflection(
                    assignment_id=rhythm.id,
                    week_start=starts[i],
                    partner_id=partner[who].id,
                    helped=helped,
                    didnt_help=didnt,
                    visibility=visibility,
                    updated_at=_at(starts[i], 6, 21, tz),
                )
            )
    for who, weeks in CHECK_INS.items():
        for i, scales in enumerate(weeks):
            if scales is None:
                continue
            answers = ANSWERS.get((who, i), {})
            row = CheckIn(
                assignment_id=checkin.id,
                partner_id=partner[who].id,
                week_start=starts[i],
                connected=scales[0],
                heard=scales[1],
                stress=scales[2],
                scales_shared=True,
                created_at=_at(starts[i], 5, 21, tz),
                updated_at=_at(starts[i], 5, 21, tz),
            )
            for key, (text, visibility) in answers.items():
                setattr(row, key, text)
                setattr(row, f"{key}_visibility", visibility)
            db.session.add(row)
    for who, needs in NEEDS.items():
        other = partner[3 - who]
        for wording, steps, visibility, ratings in needs:
            need = Need(
                owner_id=partner[who].id,
                wording=wording,
                visibility=visibility,
                created_at=_at(first, 1, 19, tz),
            )
            need.wordings.append(NeedWording(wording=wording, since=need.created_at))
            add_steps(need, steps)
            db.session.add(need)
            db.session.flush()
            for i, rating in enumerate(ratings):
                if rating is None:
                    continue
                db.session.add(
                    NeedRating(
                        need_id=need.id,
                        week_start=starts[i],
                        rating=rating,
                        comment="Better than last week." if rating == "met" and i == 4 else "",
                        comment_visibility=SHARED,
                        updated_at=_at(starts[i], 6, 20, tz),
                    )
                )
                if rating in ("partly", "met") and visibility == SHARED:
                    db.session.add(
                        StepDone(
                            step_id=need.steps[0].id,
                            week_start=starts[i],
                            partner_id=other.id,
                            created_at=_at(starts[i], 3, 18, tz),
                        )
                    )
    db.session.flush()


def add_sessions(couple: Couple, now: datetime | None = None) -> None:
    """Two past sessions whose summaries were released, so a partner can download one."""
    from models import CounselingSession, utcnow

    tz = couple.timezone
    current = couple_week(couple, now)
    first_day = current.start - timedelta(weeks=WEEKS - 1)
    rhythm, needs_assignment, checkin = couple.assignments[:3]
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
    one.agreed = [rhythm, needs_assignment, checkin]
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
    two.agreed = [rhythm, needs_assignment, checkin]
    db.session.add_all([one, two])
    db.session.flush()
    # The next session agreed in session two is booked, so it shows on phones and calendars.
    from domain import appointments

    appointments.follow_session(two, None, now)
