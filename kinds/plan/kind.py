"""The connection plan ("7-7-7") as a kind of homework: its part of every page, copy,
export and calendar feed.

What the couple plans (the day, what, who arranges it) is their joint plan, shown to both
partners by nature; the note written when marking one done carries the writer's choice,
shared or for the counselor only. A calendar feed says only "Date (planned together)".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from domain import dates
from domain.dates import write as write_date
from domain.visibility import Audience
from domain.weeks import local_today, week_start_for
from extensions import db
from kinds.base import CalendarEntry, Entry, GridRow, Kind, Place, PrivateText, Progress
from kinds.plan.forms import SAID_A_NAME, SAID_NAMES, KeptForm, PlanAssignmentForm, PlanForm
from kinds.plan.models import (
    AWAY,
    DATE,
    DEFAULT,
    KEY,
    LEAD,
    NAMES,
    OCCASIONS,
    RANGE,
    TRIP,
    PlannedTime,
    PlanSettings,
    add_period,
    numbers,
)
from kinds.plan.routes import bp, choice_of
from models import Assignment, AssignmentStatus, Visibility, among, utcnow
from web.i18n import N_

PRIVATE = Visibility.COUNSELOR
# In the feed owner's language: the feed is built under their locale (``calendar_feed``).
FEED_TITLES = {
    DATE: _l("Date (planned together)"),
    AWAY: _l("Night away (planned together)"),
    TRIP: _l("Trip (planned together)"),
}
FIELDS = {DATE: "date_days", AWAY: "away_weeks", TRIP: "trip_months"}


def when(plan: PlannedTime) -> str:
    """ "Fri 5 Dec, 19:30" or "Fri 5 Dec", in the reader's language ("vie 5 dic")."""
    if plan.at_time:
        return dates.write(datetime.combine(plan.on_day, plan.at_time), "day_time")
    return dates.write(plan.on_day, "weekday")


def _day(d: date) -> str:
    """ "16 Nov", in the reader's language."""
    return write_date(d, "day_month")


def arranges(plan: PlannedTime, me_id: int | None, names: dict[int, str]) -> str:
    """Who arranges it, as the reader reads it ("You arrange it", "Sam arranges it")."""
    if plan.arranger_id is None:
        return gettext("You both arrange it") if me_id else gettext("Both arrange it")
    if plan.arranger_id == me_id:
        return gettext("You arrange it")
    if plan.arranger_id not in names:
        return gettext("A former partner arranges it")
    return gettext("%(name)s arranges it", name=names[plan.arranger_id])


def every_said(occasion: str, n: int) -> str:
    """ "every 7 days", "every week", in the reader's language."""
    if occasion == DATE:
        return gettext("every day") if n == 1 else gettext("every %(num)d days", num=n)
    if occasion == AWAY:
        return gettext("every week") if n == 1 else gettext("every %(num)d weeks", num=n)
    return gettext("every month") if n == 1 else gettext("every %(num)d months", num=n)


@dataclass
class Seen:
    """A plan as one reader sees it: the note only when they may read it."""

    plan: PlannedTime
    when: str
    arranges: str
    planned_by: str
    done_by: str
    note: str | None
    note_mine: bool
    can_mark: bool  # its day has come, and it is not marked yet

    @property
    def private(self) -> bool:
        return self.plan.visibility == PRIVATE


@dataclass
class Occasion:
    """One of the three on the card: the next planned, or when one is due to be planned."""

    occasion: str
    name: str
    every: str
    open: list[Seen]  # planned, not marked done yet, soonest first
    due: date | None  # when the next one falls due (none open from today on)
    to_plan: bool  # due soon enough to count as "to plan" this week

    @property
    def a_name(self) -> str:
        return str(SAID_A_NAME[self.occasion])


@dataclass
class PlanCard:
    kind = KEY
    assignment: object
    week: object
    occasions: list[Occasion]
    kept: list[Seen]  # done, the day in this week
    me_id: int
    partner_name: str
    open: bool
    coming_up: str  # the plain "what's planned" line for This week ("" when nothing)
    today: date
    done: int = 0
    total: int = 0

    @property
    def left(self) -> int:
        """One thing at most: planning what is due and marking what was had are one
        errand on the week, not three (at the start all three are due at once)."""
        if not self.open:
            return 0
        return 1 if self._plans() or self._marks() else 0

    def _plans(self) -> list[Occasion]:
        return [o for o in self.occasions if o.to_plan]

    def _marks(self) -> list[Seen]:
        return [s for o in self.occasions for s in o.open if s.can_mark]

    @property
    def left_label(self) -> str:
        marks, plans = self._marks(), self._plans()
        if marks and not plans:
            if len(marks) == 1:
                return gettext("Mark it done")
            return gettext("Mark %(num)d done", num=len(marks))
        if plans and not marks:
            if len(plans) == 1:
                return gettext("Plan %(what)s", what=plans[0].a_name)
            return gettext("Plan your time together")
        return gettext("Plan or mark done")

    @property
    def started(self) -> bool:
        return any(o.open for o in self.occasions) or bool(self.kept)


@dataclass
class PlanWeek:
    week: date
    plans: list  # (PlannedTime, note or None), by day
    planned: int = 0
    kept: int = 0


@dataclass
class PlanReview:
    every: list[str]  # "A date every 7 days", ...
    weeks: list[PlanWeek]  # newest first
    coming: list[PlannedTime]  # planned, the day still to come, soonest first
    names: dict[int, str]
    when: object = when


@dataclass
class PlanSection:
    every: list[str]
    weeks: list[PlanWeek]  # oldest first
    names: dict[int, str]
    when: object = when


def _everys(assignment) -> list[str]:
    n = numbers(assignment)
    # In the reader's language: the partners' copy of a summary is drawn in theirs.
    return [f"{str(SAID_A_NAME[o]).capitalize()} {every_said(o, n[o])}" for o in OCCASIONS]


class PlanKind(Kind):
    key = KEY
    name = "Connection plan"
    default_instructions = N_(
        "Make time for the two of you: a date every week, a night away every few weeks and "
        "a trip every few months. Plan each one together here, and mark it done afterwards."
    )
    models = (PlanSettings, PlannedTime)
    # What is planned is the couple's joint plan, shown to both by nature. The note written
    # when marking one done is the marker's: kept for the counselor, it is emptied when
    # they leave (the plan itself stays, both planned it).
    private = (
        PrivateText(
            PlannedTime,
            ("note",),
            "visibility",
            private_sql=lambda: PlannedTime.visibility == PRIVATE,
            written_by=lambda pid: PlannedTime.done_by == pid,
        ),
    )
    blueprint = bp

    # --- Assigning -------------------------------------------------------------------

    def assignment_form(self):
        return PlanAssignmentForm

    def prefill(self, form, assignment) -> None:
        if not form.is_submitted():
            n = numbers(assignment) if assignment else dict.fromkeys(OCCASIONS, DEFAULT)
            for occasion, name in FIELDS.items():
                form[name].data = n[occasion]

    def apply(self, form, assignment, *, new: bool) -> None:
        chosen = {
            occasion: form[name].data if form is not None else DEFAULT
            for occasion, name in FIELDS.items()
        }
        if assignment.plan_settings is None:
            assignment.plan_settings = PlanSettings()
        s = assignment.plan_settings
        s.date_days, s.away_weeks, s.trip_months = chosen[DATE], chosen[AWAY], chosen[TRIP]

    def same_settings(self, form, assignment) -> bool:
        n = numbers(assignment)
        return all(n[o] == form[name].data for o, name in FIELDS.items())

    def assignment_loads(self) -> list:
        return [selectinload(Assignment.plan_settings)]

    def describe_assignment(self, assignment) -> dict:
        n = numbers(assignment)
        return {
            "date_every_days": n[DATE],
            "night_away_every_weeks": n[AWAY],
            "trip_every_months": n[TRIP],
        }

    def template_settings(self, assignment) -> dict:
        n = numbers(assignment)
        return {name: n[occasion] for occasion, name in FIELDS.items()}

    def prefill_template(self, form, settings: dict) -> None:
        for occasion, name in FIELDS.items():
            value = settings.get(name)
            low, high = RANGE[occasion]
            if type(value) is int and low <= value <= high:
                form[name].data = value

    # --- Reading ---------------------------------------------------------------------

    def load(self, hw) -> list[PlannedTime]:
        """Every plan of the couple (a few a month): the card needs the last one of each
        kind to say when the next falls due, whatever weeks are loaded."""
        ids = [a.id for a in hw.assignments if a.kind == KEY]
        if not ids:
            return []
        return list(
            db.session.scalars(
                select(PlannedTime)
                .where(PlannedTime.assignment_id.in_(ids))
                .order_by(PlannedTime.on_day, PlannedTime.at_time, PlannedTime.id)
            )
        )

    def _week_of(self, hw, day: date) -> date:
        return week_start_for(day, hw.couple.week_starts_on)

    def answered(self, hw, assignment, week: date) -> set[int]:
        found = set()
        for p in hw.data[KEY]:
            if p.assignment_id == assignment.id and self._week_of(hw, p.on_day) == week:
                found |= {pid for pid in (p.planned_by, p.done_by) if pid}
        return found

    # --- The partner's week ----------------------------------------------------------

    def card(self, hw, assignment, week, me, viewer, now) -> PlanCard:
        plans: list[PlannedTime] = [p for p in hw.data[KEY] if p.assignment_id == assignment.id]
        audience = Audience.of(viewer, hw.couple.id)
        names = {p.id: p.name_with_role for p in hw.couple.partners}
        today = local_today(hw.couple.timezone, now)

        def seen(p: PlannedTime) -> Seen:
            return Seen(
                p,
                when(p),
                arranges(p, me.id, names),
                gettext("you")
                if p.planned_by == me.id
                else names.get(p.planned_by) or gettext("a former partner"),
                gettext("you")
                if p.done_by == me.id
                else names.get(p.done_by) or gettext("a former partner"),
                audience.text(p.done_by, p.note, p.visibility) if p.done_by else None,
                p.done_by == me.id,
                not p.done and p.on_day <= today,
            )

        n = numbers(assignment)
        # A week gone by shows what was planned in it, not what is due now.
        gone = week.end < today
        occasions = []
        for o in OCCASIONS:
            mine = [p for p in plans if p.occasion == o]
            open_ = [
                seen(p)
                for p in mine
                if not p.done and (not gone or week.start <= p.on_day <= week.end)
            ]
            due = to_plan = None
            if not gone and not any(p.on_day >= today for p in mine if not p.done):
                last = max((p.on_day for p in mine), default=None)
                due = add_period(last, o, n[o]) if last else assignment.starts_on
                to_plan = due <= today + LEAD[o]
            occasions.append(
                Occasion(o, str(SAID_NAMES[o]), every_said(o, n[o]), open_, due, bool(to_plan))
            )
        in_week = [p for p in plans if week.start <= p.on_day <= week.end]
        upcoming = [p for p in plans if not p.done and p.on_day >= today]
        coming_up = ""
        if upcoming:
            first = upcoming[0]
            coming_up = gettext(
                "%(what_kind)s on %(when)s: %(what)s",
                what_kind=SAID_NAMES[first.occasion],
                when=when(first),
                what=first.what,
            )
        return PlanCard(
            assignment=assignment,
            week=week,
            occasions=occasions,
            kept=[seen(p) for p in in_week if p.done],
            me_id=me.id,
            partner_name=me.other.name_with_role,
            open=week.is_open(now) and assignment.status == AssignmentStatus.ACTIVE,
            coming_up=coming_up,
            today=today,
            done=sum(1 for p in in_week if p.done),
            total=len(in_week),
        )

    def card_forms(self, card) -> dict:
        forms = {f"plan-{o}": PlanForm(formdata=None, prefix=f"plan-{o}") for o in OCCASIONS}
        for o in card.occasions:
            for s in o.open:
                key = f"change-{s.plan.id}"
                form = PlanForm(formdata=None, prefix=key, obj=s.plan)
                form.arranged_by.data = choice_of(s.plan, card.me_id)
                form.version.data = str(s.plan.version)
                forms[key] = form
                forms[f"kept-{s.plan.id}"] = KeptForm(formdata=None, prefix=f"kept-{s.plan.id}")
        return forms

    # --- The counselor ---------------------------------------------------------------

    def grid_rows(self, hw, weeks, who) -> list[GridRow]:
        mine = [a for a in hw.assignments if a.kind == KEY]
        if not mine:
            return []
        cells = []
        for w in weeks:
            if not any(a.covers(w.start) for a in mine):
                cells.append("")
                continue
            kept = {
                p.done_by
                for p in hw.data[KEY]
                if p.done and p.done_by and w.start <= p.on_day <= w.end
            }
            cells.append(who(kept))
        return [GridRow("Connection plan (kept)", cells, anchor=KEY)]

    def _weeks(self, hw, plans, audience) -> dict[date, PlanWeek]:
        by_week: dict[date, PlanWeek] = {}
        for p in plans:
            start = self._week_of(hw, p.on_day)
            w = by_week.setdefault(start, PlanWeek(start, []))
            note = audience.text(p.done_by, p.note, p.visibility) if p.done_by else None
            w.plans.append((p, note))
            w.planned += 1
            w.kept += 1 if p.done else 0
        return by_week

    def review(self, hw, weeks, chart_weeks) -> PlanReview | None:
        mine = [a for a in hw.assignments if a.kind == KEY]
        if not mine:
            return None
        today = local_today(hw.couple.timezone)
        plans = hw.data[KEY]
        past = [p for p in plans if p.on_day < today or p.done]
        by_week = self._weeks(hw, past, Audience.counselor_of(hw.couple))
        return PlanReview(
            every=_everys(mine[-1]),
            weeks=[by_week[k] for k in sorted(by_week, reverse=True)][:12],
            coming=[p for p in plans if p.on_day >= today and not p.done],
            names={p.id: p.name_with_role for p in hw.couple.partners},
        )

    def entries(self, hw, weeks, audience, names) -> list[Entry]:
        if not any(a.kind == KEY for a in hw.assignments):
            return []
        starts = {w.start for w in weeks}
        found = []
        for p in hw.data[KEY]:
            start = self._week_of(hw, p.on_day)
            if start not in starts:
                continue
            writer = p.done_by or p.planned_by
            if writer not in names:
                continue
            note = audience.text(p.done_by, p.note, p.visibility) if p.done_by else None
            found.append(
                Entry(
                    KEY,
                    start,
                    f"{p.name} on {when(p)}: {p.what}",
                    writer,
                    p.done_at or p.created_at,
                    outcome="kept" if p.done else "planned",
                    words=[("", note)] if note else [],
                    private=(p.visibility == PRIVATE) if note else None,
                    policy=p.policy,
                )
            )
        return found

    def dashboard(self, couples, week_of, now):
        """This week's planned times kept, and the next one planned (a fact)."""
        ids = [c.id for c in couples]
        rows = []
        if ids:
            # Only times from the earliest of these weeks on: the row counts this week's
            # and names the next one, so a year of earlier dates was read for nothing.
            rows = db.session.execute(
                select(
                    Assignment.couple_id,
                    PlannedTime.occasion,
                    PlannedTime.on_day,
                    PlannedTime.done_at,
                )
                .join(Assignment, Assignment.id == PlannedTime.assignment_id)
                .where(
                    among(Assignment.couple_id, ids),
                    PlannedTime.on_day >= min(week_of.values()),
                )
            ).all()
        by_couple: dict[int, list] = {}
        for r in rows:
            by_couple.setdefault(r.couple_id, []).append(r)

        def row(couple, assignment) -> Progress:
            if assignment is None:
                return Progress()
            week = week_of[couple.id]
            end = week + timedelta(days=6)
            mine = by_couple.get(couple.id, [])
            in_week = [r for r in mine if week <= r.on_day <= end]
            today = local_today(couple.timezone, now)
            coming = sorted(r.on_day for r in mine if r.on_day >= today and r.done_at is None)
            facts = [f"Next planned: {_day(coming[0])}" if coming else "Nothing planned yet"]
            return Progress(
                done=sum(1 for r in in_week if r.done_at is not None),
                total=len(in_week),
                facts=facts,
            )

        return row

    def activity(self, couples, since: date):
        ids = [p.id for c in couples for p in c.partners]
        return [
            select(PlannedTime.planned_by, PlannedTime.created_at).where(
                among(PlannedTime.planned_by, ids), PlannedTime.on_day >= since
            ),
            select(PlannedTime.done_by, PlannedTime.done_at).where(
                among(PlannedTime.done_by, ids), PlannedTime.on_day >= since
            ),
        ]

    # --- Summaries -------------------------------------------------------------------

    def summarize(self, summary, hw, audience, names) -> PlanSection | None:
        weeks = summary.weeks
        if not weeks or not any(hw.assignment(KEY, w.start) for w in weeks):
            return None
        starts = {w.start for w in weeks}
        plans = [p for p in hw.data[KEY] if self._week_of(hw, p.on_day) in starts]
        by_week = self._weeks(hw, plans, audience)
        assignment = next(a for w in weeks if (a := hw.assignment(KEY, w.start)))
        return PlanSection(
            every=_everys(assignment),
            weeks=[by_week[k] for k in sorted(by_week)],
            names=names,
        )

    # --- Export and the audit trail --------------------------------------------------

    def export(self, hw, lens) -> dict[str, list]:
        rows = []
        for p in hw.data[KEY]:
            row = {
                "what_kind": NAMES[p.occasion],
                "day": p.on_day.isoformat(),
                "time": p.at_time.strftime("%H:%M") if p.at_time else None,
                "what": p.what,
                "arranged_by": lens.names.get(p.arranger_id, "") if p.arranger_id else "both",
                "planned": lens.who(p.planned_by) if p.planned_by else {},
                "done": p.done,
            }
            if p.done:
                row["done_at"] = p.done_at.isoformat()
                row["marked_done"] = lens.who(p.done_by) if p.done_by else {}
                lens.put_text(row, "note", p.done_by, p.note, p.visibility)
            rows.append(row)
        return {"connection_plan": rows}

    def describe(self, session, obj):
        from domain.audit_changes import couple_of_assignment

        if isinstance(obj, PlannedTime):
            couple = couple_of_assignment(session, obj.assignment_id)
            return f"{NAMES[obj.occasion]} planned for {obj.on_day}", Place(
                couple, obj.done_by or obj.planned_by
            )
        if isinstance(obj, PlanSettings):
            couple = couple_of_assignment(session, obj.assignment_id)
            return (
                f"Connection plan every {obj.date_days} days, {obj.away_weeks} weeks, "
                f"{obj.trip_months} months",
                Place(couple),
            )
        return None

    # --- The calendar feed -----------------------------------------------------------

    def calendar(self, couple, first: date, last: date) -> list[CalendarEntry]:
        """Every planned time in the feed's window, under a title that says only what kind
        of time it is: never what, nor who arranges it."""
        found = db.session.scalars(
            select(PlannedTime)
            .join(Assignment, Assignment.id == PlannedTime.assignment_id)
            .where(
                Assignment.couple_id == couple.id,
                PlannedTime.on_day.between(first, last),
            )
            .order_by(PlannedTime.on_day, PlannedTime.id)
        )
        return [
            CalendarEntry(
                uid=f"plan-{p.id}@hearth",
                day=p.on_day,
                title=str(FEED_TITLES[p.occasion]),
                at=p.at_time,
                days=2 if p.occasion == AWAY else 1,
                stamp=p.updated_at,
            )
            for p in found
        ]

    # --- Demo, benchmark and tests ---------------------------------------------------

    def demo(self, assignment, weeks, at) -> None:
        partner = {p.place: p for p in assignment.couple.partners}
        for back, day, hour, what, who, done, note, visibility in DEMO_DATES:
            if back >= len(weeks):
                continue
            week = weeks[-1 - back]
            plan = PlannedTime(
                assignment_id=assignment.id,
                occasion=DATE,
                on_day=week + timedelta(days=day),
                at_time=time(hour, 0),
                what=what,
                arranger_id=partner[who].id if who else None,
                planned_by=partner[who or 1].id,
                created_at=at(week, 0, 20),
            )
            if done:
                plan.done_at, plan.done_by = at(week, day + 1, 9), partner[done].id
                plan.note, plan.visibility = note, visibility
            db.session.add(plan)
        latest = weeks[-1]
        # Coming up: this week's date, a night away and a trip, planned by either.
        for occasion, days, what, who in DEMO_AHEAD:
            db.session.add(
                PlannedTime(
                    assignment_id=assignment.id,
                    occasion=occasion,
                    on_day=latest + timedelta(days=days),
                    at_time=time(19, 30) if occasion == DATE else None,
                    what=what,
                    arranger_id=partner[who].id if who else None,
                    planned_by=partner[who or 2].id,
                    created_at=at(latest, 0, 21),
                )
            )

    def bench_rows(self, seed) -> None:
        rng = seed.rng
        seed.batch.add(
            "plan_settings",
            {
                "id": seed.ids.take("plan_settings"),
                "assignment_id": seed.assignment_id,
                "date_days": DEFAULT,
                "away_weeks": DEFAULT,
                "trip_months": DEFAULT,
            },
        )
        for week in seed.weeks:
            if rng.random() >= seed.keen + 0.2:
                continue
            planned = seed.at(week, 20)
            done = rng.random() < 0.8
            seed.batch.add(
                "planned_times",
                {
                    "id": seed.ids.take("planned_times"),
                    "assignment_id": seed.assignment_id,
                    "occasion": DATE,
                    "on_day": week + timedelta(days=rng.randint(0, 6)),
                    "at_time": time(19, 0),
                    "what": rng.choice(["A walk and dinner", "Cinema", "Cooking together"]),
                    "arranger_id": rng.choice([*seed.partners, None]),
                    "planned_by": rng.choice(seed.partners),
                    "done_at": planned + timedelta(days=3) if done else None,
                    "done_by": rng.choice(seed.partners) if done else None,
                    "note": rng.choice(["", "Lovely evening.", "We talked for hours."])
                    if done
                    else "",
                    "visibility": "shared" if rng.random() < 0.8 else "counselor",
                    "created_at": planned,
                    "updated_at": planned,
                    "version": 1,
                },
            )

    def sample(self, assignment, writer, week, word, visibility) -> None:
        (private,) = self.private
        db.session.add(
            PlannedTime(
                assignment_id=assignment.id,
                occasion=DATE,
                on_day=week,
                what="A walk by the river",
                planned_by=writer.id,
                done_at=utcnow(),
                done_by=writer.id,
                note=word(private, "note"),
                visibility=visibility,
            )
        )


SHARED = Visibility.SHARED
# (weeks back from the latest, day, hour, what, arranged by place or None for both,
#  marked done by place or None, note, who may read it)
DEMO_DATES = [
    (4, 4, 19, "Dinner at the little Italian place", 1, 2, "We laughed a lot.", SHARED),
    (3, 5, 18, "A walk along the river, phones at home", None, 1, "", SHARED),
    (2, 4, 20, "Cooking a new recipe together", 2, 2, "I felt far away all evening.", PRIVATE),
    (1, 5, 19, "Cinema and a late snack", 1, None, "", SHARED),
]
# (kind, days after the latest week's start, what, arranged by place or None for both)
DEMO_AHEAD = [
    (DATE, 5, "Board games at the café on the corner", 2),
    (AWAY, 24, "A night at the coast, the little guesthouse", None),
    (TRIP, 120, "Four days in the mountains", 1),
]
