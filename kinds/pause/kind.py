"""The pause agreement as a kind of homework: its part of every page, copy and export.

The rule's wording is the couple's joint words, shown to both partners by nature; each
pause in the log carries the writer's choice for how the return went and the note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext
from sqlalchemy import select

from domain.dates import write as write_date
from domain.visibility import Audience
from extensions import db
from kinds.base import Entry, GridRow, Kind, Place, PrivateText, Progress
from kinds.pause.forms import PauseForm, RuleForm
from kinds.pause.models import ACCEPTED, KEY, PROPOSED, RETURN_WORDS, PausedMoment, PauseRule
from kinds.pause.routes import bp
from models import AssignmentStatus, Visibility, among
from web.i18n import N_

PRIVATE = Visibility.COUNSELOR


@dataclass
class Pauses:
    rules: list[PauseRule] = field(default_factory=list)  # oldest first
    moments: list[PausedMoment] = field(default_factory=list)  # oldest first

    def agreed(self, assignment_ids) -> PauseRule | None:
        return next(
            (
                r
                for r in reversed(self.rules)
                if r.status == ACCEPTED and r.assignment_id in assignment_ids
            ),
            None,
        )

    def waiting(self, assignment_ids) -> PauseRule | None:
        return next(
            (
                r
                for r in reversed(self.rules)
                if r.status == PROPOSED and r.assignment_id in assignment_ids
            ),
            None,
        )


@dataclass
class Logged:
    """A pause as one reader sees it: how it went and the note only when they may."""

    moment: PausedMoment
    by_me: bool
    by_name: str
    rating: int | None
    note: str | None

    @property
    def private(self) -> bool:
        return self.moment.visibility == PRIVATE


@dataclass
class PauseCard:
    kind = KEY
    assignment: object
    week: object
    agreed: PauseRule | None
    waiting: PauseRule | None
    waiting_mine: bool
    logged: list[Logged]
    partner_name: str
    open: bool
    return_words: dict = field(default_factory=lambda: RETURN_WORDS)
    # Nothing is owed: a week without a pause is a good week, not homework left undone.
    done = 0
    total = 0

    @property
    def left(self) -> int:
        """Until the rule is agreed, wording it (or answering the other's wording) is the
        one thing left; logging pauses never is."""
        if not self.open:
            return 0
        if self.waiting is not None:
            return 0 if self.waiting_mine else 1
        return 0 if self.agreed is not None else 1

    @property
    def left_label(self) -> str:
        if self.waiting is not None:
            return gettext("Accept or change the wording")
        return gettext("Word your pause rule")

    @property
    def started(self) -> bool:
        """A rule agreed or proposed by this partner, or a pause they logged this week."""
        return self.agreed is not None or self.waiting_mine or any(p.by_me for p in self.logged)


@dataclass
class PauseWeek:
    week: object
    count: int
    came_back: int
    ratings: list[int]

    @property
    def average(self) -> str:
        return f"{sum(self.ratings) / len(self.ratings):.1f}" if self.ratings else ""


@dataclass
class PauseReview:
    agreed: PauseRule | None
    waiting: PauseRule | None
    weeks: list[PauseWeek]  # newest first, weeks with a pause
    moments: list[PausedMoment]  # newest first
    names: dict[int, str]
    return_words: dict = field(default_factory=lambda: RETURN_WORDS)


@dataclass
class PauseSection:
    agreed: PauseRule | None
    weeks: list[PauseWeek]
    notes: list[tuple[str, PausedMoment, int | None, str | None]]  # writer, pause, rating, note


def _weeks(moments, audience, starts) -> list[PauseWeek]:
    """Pauses per week, newest first, with only the ratings ``audience`` may read."""
    by_week: dict[date, PauseWeek] = {}
    for m in moments:
        if starts is not None and m.week_start not in starts:
            continue
        w = by_week.setdefault(m.week_start, PauseWeek(m.week_start, 0, 0, []))
        w.count += 1
        w.came_back += 1 if m.came_back else 0
        if m.return_rating and (audience is None or audience.may(m.partner_id, m.visibility)):
            w.ratings.append(m.return_rating)
    return [by_week[k] for k in sorted(by_week, reverse=True)]


def _day(d: date) -> str:
    """ "16 Nov", in the reader's language."""
    return write_date(d, "day_month")


class PauseKind(Kind):
    key = KEY
    name = "Pause agreement"
    default_instructions = N_(
        "Write your pause rule together: the word either of you says, how long you stop, "
        "what each of you does to calm down and how you come back to it. When you pause, "
        "log it here, and how coming back went."
    )
    models = (PauseRule, PausedMoment)
    # The rule's wording is joint and shared with both by nature (no visibility of its own).
    # How a return went and the note are the writer's: kept for the counselor, the pause
    # goes with a writer who leaves (a number cannot be emptied).
    private = (
        PrivateText(
            PausedMoment,
            ("note", "return_rating"),
            "visibility",
            private_sql=lambda: PausedMoment.visibility == PRIVATE,
            written_by=lambda pid: PausedMoment.partner_id == pid,
            on_leave="delete",
        ),
    )
    blueprint = bp

    def load(self, hw) -> Pauses:
        ids = [a.id for a in hw.assignments if a.kind == KEY]
        if not ids:
            return Pauses()
        rules = list(
            db.session.scalars(
                select(PauseRule)
                .where(PauseRule.assignment_id.in_(ids))
                .order_by(PauseRule.created_at, PauseRule.id)
            )
        )
        moments = list(
            db.session.scalars(
                select(PausedMoment)
                .where(
                    PausedMoment.assignment_id.in_(ids),
                    PausedMoment.week_start.between(hw.first, hw.last),
                )
                .order_by(PausedMoment.paused_on, PausedMoment.created_at)
            )
        )
        return Pauses(rules, moments)

    def answered(self, hw, assignment, week: date) -> set[int]:
        return {
            m.partner_id
            for m in hw.data[KEY].moments
            if m.week_start == week and m.assignment_id == assignment.id
        }

    def card(self, hw, assignment, week, me, viewer, now) -> PauseCard:
        data: Pauses = hw.data[KEY]
        audience = Audience.of(viewer, hw.couple.id)
        names = {p.id: p.name_with_role for p in hw.couple.partners}
        logged = []
        for m in reversed(data.moments):
            if m.week_start != week.start:
                continue
            may = audience.may(m.partner_id, m.visibility)
            logged.append(
                Logged(
                    m,
                    m.partner_id == me.id,
                    names.get(m.partner_id, ""),
                    m.return_rating if may else None,
                    audience.text(m.partner_id, m.note, m.visibility),
                )
            )
        waiting = data.waiting({assignment.id})
        return PauseCard(
            assignment=assignment,
            week=week,
            agreed=data.agreed({assignment.id}),
            waiting=waiting,
            waiting_mine=waiting is not None and waiting.partner_id == me.id,
            logged=logged,
            partner_name=me.other.name_with_role,
            open=week.is_open(now) and assignment.status == AssignmentStatus.ACTIVE,
        )

    def card_forms(self, card) -> dict:
        rule = RuleForm(formdata=None, prefix="rule", obj=card.waiting or card.agreed)
        return {"rule": rule, "paused": PauseForm(formdata=None, prefix="paused")}

    def grid_rows(self, hw, weeks, who) -> list[GridRow]:
        mine = [a for a in hw.assignments if a.kind == KEY]
        if not mine:
            return []
        moments = hw.data[KEY].moments
        cells = []
        for w in weeks:
            if not any(a.covers(w.start) for a in mine):
                cells.append("")
                continue
            cells.append(who({m.partner_id for m in moments if m.week_start == w.start}))
        return [GridRow("Pauses", cells, anchor="pause")]

    def review(self, hw, weeks, chart_weeks) -> PauseReview | None:
        mine = {a.id for a in hw.assignments if a.kind == KEY}
        if not mine:
            return None
        data: Pauses = hw.data[KEY]
        return PauseReview(
            agreed=data.agreed(mine),
            waiting=data.waiting(mine),
            weeks=_weeks(data.moments, None, None),
            moments=list(reversed(data.moments))[:12],
            names={p.id: p.name_with_role for p in hw.couple.partners},
        )

    def entries(self, hw, weeks, audience, names) -> list[Entry]:
        if not any(a.kind == KEY for a in hw.assignments):
            return []
        starts = {w.start for w in weeks}
        found = []
        for m in hw.data[KEY].moments:
            if m.week_start not in starts or m.partner_id not in names:
                continue
            may = audience.may(m.partner_id, m.visibility)
            outcome = "came back to it" if m.came_back else "not back to it yet"
            if may and m.return_rating:
                outcome += f" · return {m.return_rating} of 5"
            note = audience.text(m.partner_id, m.note, m.visibility)
            found.append(
                Entry(
                    "pause",
                    m.week_start,
                    f"We paused on {_day(m.paused_on)}",
                    m.partner_id,
                    m.created_at,
                    outcome=outcome,
                    words=[("", note)] if note else [],
                    private=(m.visibility == PRIVATE)
                    if (note or m.return_rating) and may
                    else None,
                    policy=m.policy,
                )
            )
        return found

    def dashboard(self, couples, week_of, now):
        """How many pauses each couple logged in their week (a fact, not a count of work)."""
        ids = [p.id for c in couples for p in c.partners]
        earliest = min(week_of.values()) if week_of else None
        counted: dict[tuple[int, date], int] = {}
        if ids and earliest is not None:
            for pid, week in db.session.execute(
                select(PausedMoment.partner_id, PausedMoment.week_start).where(
                    among(PausedMoment.partner_id, ids), PausedMoment.week_start >= earliest
                )
            ):
                counted[(pid, week)] = counted.get((pid, week), 0) + 1

        def row(couple, assignment) -> Progress:
            if assignment is None:
                return Progress()
            n = sum(counted.get((p.id, week_of[couple.id]), 0) for p in couple.partners)
            if not n:
                return Progress()
            return Progress(facts=[f"Paused {n} time{'s' if n != 1 else ''} this week"])

        return row

    def activity(self, couples, since: date):
        ids = [p.id for c in couples for p in c.partners]
        return [
            select(PausedMoment.partner_id, PausedMoment.created_at).where(
                among(PausedMoment.partner_id, ids), PausedMoment.week_start >= since
            )
        ]

    def summarize(self, summary, hw, audience, names) -> PauseSection | None:
        weeks = summary.weeks
        mine = {a.id for a in hw.assignments if a.kind == KEY}
        if not weeks or not any(hw.assignment(KEY, w.start) for w in weeks):
            return None
        starts = {w.start for w in weeks}
        data: Pauses = hw.data[KEY]
        notes = []
        for m in reversed(data.moments):
            if m.week_start not in starts or m.partner_id not in names:
                continue
            may = audience.may(m.partner_id, m.visibility)
            note = audience.text(m.partner_id, m.note, m.visibility)
            if note or (may and m.return_rating):
                notes.append((names[m.partner_id], m, m.return_rating if may else None, note))
        return PauseSection(data.agreed(mine), _weeks(data.moments, audience, starts), notes)

    def export(self, hw, lens) -> dict[str, list]:
        data: Pauses = hw.data[KEY]
        rules = [
            {
                "wording": r.sentence,
                "proposed_at": r.created_at.isoformat() if r.created_at else None,
                "status": r.status,
                **lens.who(r.partner_id),
            }
            for r in data.rules
        ]
        pauses = []
        for m in data.moments:
            row = {
                "paused_on": m.paused_on.isoformat(),
                "came_back": m.came_back,
                **lens.who(m.partner_id),
            }
            if m.return_rating and lens.may(m.partner_id, m.visibility):
                row["return_rating"] = m.return_rating
            lens.put_text(row, "note", m.partner_id, m.note, m.visibility)
            pauses.append(row)
        return {"pause_rules": rules, "pauses": pauses}

    def describe(self, session, obj):
        from domain.audit_changes import couple_of_assignment

        if isinstance(obj, PauseRule):
            couple = couple_of_assignment(session, obj.assignment_id)
            return "Pause rule wording", Place(couple, obj.partner_id)
        if isinstance(obj, PausedMoment):
            couple = couple_of_assignment(session, obj.assignment_id)
            return f"Pause on {obj.paused_on}", Place(couple, obj.partner_id)
        return None

    def demo(self, assignment, weeks, at) -> None:
        partner = {p.place: p for p in assignment.couple.partners}
        first = weeks[0]
        db.session.add(
            PauseRule(
                assignment_id=assignment.id,
                partner_id=partner[1].id,
                word="timeout",
                minutes=20,
                calming="goes for a short walk or sits with a cup of tea",
                coming_back="at the kitchen table, each saying first what we need",
                status=ACCEPTED,
                accepted_by=partner[2].id,
                created_at=at(first, 1, 20),
                accepted_at=at(first, 2, 8),
            )
        )
        for who, back, day, came_back, rating, note, visibility in DEMO_PAUSES:
            if back >= len(weeks):
                continue
            week = weeks[-1 - back]
            db.session.add(
                PausedMoment(
                    assignment_id=assignment.id,
                    partner_id=partner[who].id,
                    week_start=week,
                    paused_on=week + timedelta(days=day),
                    came_back=came_back,
                    return_rating=rating,
                    note=note,
                    visibility=visibility,
                    created_at=at(week, day, 22),
                )
            )

    def bench_rows(self, seed) -> None:
        rng = seed.rng
        first = seed.weeks[0] if seed.weeks else None
        if first is None:
            return
        seed.batch.add(
            "pause_rules",
            {
                "id": seed.ids.take("pause_rules"),
                "assignment_id": seed.assignment_id,
                "partner_id": seed.partners[0],
                "word": "timeout",
                "minutes": 20,
                "calming": "goes for a walk",
                "coming_back": "after dinner, at the table",
                "status": ACCEPTED,
                "created_at": seed.at(first, 20),
                "accepted_at": seed.at(first, 21),
                "accepted_by": seed.partners[-1],
            },
        )
        for week in seed.weeks:
            if rng.random() >= 0.3:
                continue
            came_back = rng.random() < 0.8
            seed.batch.add(
                "paused_moments",
                {
                    "id": seed.ids.take("paused_moments"),
                    "assignment_id": seed.assignment_id,
                    "partner_id": rng.choice(seed.partners),
                    "week_start": week,
                    "paused_on": week + timedelta(days=rng.randint(0, 6)),
                    "came_back": came_back,
                    "return_rating": rng.randint(2, 5) if came_back else None,
                    "note": rng.choice(["", "Better than last time.", "We both needed it."]),
                    "visibility": "shared" if rng.random() < 0.7 else "counselor",
                    "created_at": seed.at(week, 22),
                },
            )

    def sample(self, assignment, writer, week, word, visibility) -> None:
        (private,) = self.private
        db.session.add(
            PausedMoment(
                assignment_id=assignment.id,
                partner_id=writer.id,
                week_start=week,
                paused_on=week,
                came_back=True,
                return_rating=3,
                note=word(private, "note"),
                visibility=visibility,
            )
        )


SHARED = Visibility.SHARED
# (partner place, weeks back from the latest, day, came back, rating, note, who may read it)
DEMO_PAUSES = [
    (1, 3, 2, True, 2, "We came back but it got loud again.", SHARED),
    (2, 2, 4, True, 3, "Better. Sam asked what I needed first.", SHARED),
    (1, 1, 0, False, None, "I wasn't ready to talk yet and said so.", PRIVATE),
    (2, 0, 0, True, 4, "The walk helped. We made a plan for the weekend.", SHARED),
]
