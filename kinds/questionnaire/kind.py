"""Questionnaires as a kind of homework: a counselor's own definition (or Hearth's), asked
of each partner at intake and every few weeks, kept for the counselor unless a partner
shares their score; the counselor reads both partners' scores side by side over time,
against the cut-off, with the changes that pass the reliable-change difference marked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from domain.charts import Series, line_chart
from domain.visibility import VISIBILITY_WORDS, Audience
from extensions import db
from kinds.base import Entry, GridRow, Kind, Place, PrivateText, Progress
from kinds.questionnaire import library
from kinds.questionnaire.forms import QuestionnaireAssignmentForm
from kinds.questionnaire.models import (
    EVERY_DEFAULT,
    KEY,
    Questionnaire,
    QuestionnaireItem,
    QuestionnaireOption,
    QuestionnaireSchedule,
    QuestionnaireTake,
    every,
    is_take_week,
    next_take,
)
from kinds.questionnaire.routes import bp
from kinds.questionnaire.scoring import Score, number, past_cutoff, reliable, score
from models import Assignment, AssignmentStatus, Visibility, among, last_per_partner
from web.i18n import N_

PRIVATE = Visibility.COUNSELOR
RELIABLE_WORDS = "changed by more than the reliable-change difference"


def definitions(ids) -> dict[int, Questionnaire]:
    """Versions by id, with their items and options, in one query whatever their number
    (also when there are none, so a page's count of queries does not depend on answers)."""
    rows = db.session.scalars(
        select(Questionnaire)
        .where(among(Questionnaire.id, sorted(set(ids))))
        .options(joinedload(Questionnaire.items), joinedload(Questionnaire.options))
    ).unique()
    return {q.id: q for q in rows}


@dataclass
class Rules:
    """What scoring a take and flagging its score need of a version (``scoring.score``,
    ``past_cutoff``, ``reliable``), read as plain rows for a dashboard of many couples:
    building every version with its lines and answers as objects was a quarter of a
    100-couple dashboard's work (issue #16)."""

    name: str
    score_as: str
    cutoff: float | None
    cutoff_side: str
    cutoff_meaning: str
    reliable_change: float | None
    low: int
    high: int
    items: list[SimpleNamespace] = field(default_factory=list)


def scoring_rules(ids) -> dict[int, Rules]:
    """The scoring rules of these versions by id, in one query (one row per line)."""
    q, item, option = Questionnaire, QuestionnaireItem, QuestionnaireOption
    points = select(option.points).where(option.questionnaire_id == q.id)
    rows = db.session.execute(
        select(
            q.id,
            q.name,
            q.score_as,
            q.cutoff,
            q.cutoff_side,
            q.cutoff_meaning,
            q.reliable_change,
            func.coalesce(points.with_only_columns(func.min(option.points)).scalar_subquery(), 0),
            func.coalesce(points.with_only_columns(func.max(option.points)).scalar_subquery(), 0),
            item.id,
            item.reversed,
        )
        .outerjoin(item, item.questionnaire_id == q.id)
        .where(among(q.id, sorted(set(ids))))
        .order_by(q.id, item.position)
    ).all()
    found: dict[int, Rules] = {}
    for qid, *rules, low, high, item_id, reversed_ in rows:
        if qid not in found:
            found[qid] = Rules(*rules, low=low, high=high)
        if item_id is not None:
            found[qid].items.append(SimpleNamespace(id=item_id, reversed=reversed_))
    return found


@dataclass
class Takes:
    """Every take of the couple's partners up to the last loaded week, by (partner, week),
    and every version they were answered under or are asked now."""

    rows: dict[tuple[int, date], QuestionnaireTake] = field(default_factory=dict)
    versions: dict[int, Questionnaire] = field(default_factory=dict)

    def of(self, partner_id: int) -> list[QuestionnaireTake]:
        return sorted(
            (t for (pid, _), t in self.rows.items() if pid == partner_id),
            key=lambda t: t.week_start,
        )

    def before(self, take: QuestionnaireTake) -> QuestionnaireTake | None:
        earlier = [t for t in self.of(take.partner_id) if t.week_start < take.week_start]
        return earlier[-1] if earlier else None

    def definition(self, take: QuestionnaireTake) -> Questionnaire:
        return self.versions[take.questionnaire_id]

    def score(self, take: QuestionnaireTake | None) -> Score | None:
        if take is None:
            return None
        return score(self.definition(take), take.points())


@dataclass
class Seen:
    """What a reader may see of one take: the score and answers (None when kept from them),
    whether it changed reliably from the take before and is past the cut-off, and the note."""

    name: str
    take: QuestionnaireTake
    definition: Questionnaire
    score: Score | None
    answers: list[tuple[str, str]] | None  # (item wording, answer words), the version's own
    note: str | None
    reliable: bool = False
    was: Score | None = None
    past: bool = False

    @property
    def change_words(self) -> str:
        if not self.reliable or self.was is None:
            return ""
        return gettext(
            "changed by more than the reliable-change difference (%(was)s to %(now)s)",
            was=number(self.was.value),
            now=number(self.score.value),
        )


def seen(data: Takes, take: QuestionnaireTake, name: str, audience: Audience) -> Seen:
    definition = data.definition(take)
    note = audience.text(take.partner_id, take.note, take.note_visibility)
    if not audience.may(take.partner_id, take.answers_visibility):
        return Seen(name, take, definition, None, None, note)
    now = data.score(take)
    points = take.points()
    answers = [
        (
            definition.said(item.text),
            definition.option_words(points[item.id]) if item.id in points else "—",
        )
        for item in definition.items
    ]
    before = data.before(take)
    was = data.score(before)
    # The change is told only when the earlier score is as readable as this one.
    if before is not None and not audience.may(before.partner_id, before.answers_visibility):
        was = None
    return Seen(
        name,
        take,
        definition,
        now,
        answers,
        note,
        reliable=reliable(definition, was.value if was else None, now.value),
        was=was,
        past=past_cutoff(definition, now.value),
    )


@dataclass
class QuestionnaireCard:
    kind = KEY
    assignment: object
    week: object
    definition: Questionnaire
    take_week: bool
    mine: QuestionnaireTake | None
    my_score: Score | None
    my_last: QuestionnaireTake | None
    partner_name: str
    partner_took: bool
    theirs: Seen | None
    next_week: date | None
    open: bool

    @property
    def left_label(self) -> str:
        return gettext("Answer the questionnaire")

    @property
    def done(self) -> int:
        return 1 if self.take_week and self.mine else 0

    @property
    def total(self) -> int:
        return 1 if self.take_week else 0

    @property
    def started(self) -> bool:
        return self.my_last is not None


@dataclass
class QuestionnaireReview:
    """The couple page: both partners' scores side by side over time, the chart, the
    latest answers, and where the questionnaire comes from."""

    definition: Questionnaire
    partners: list  # Partner
    rows: list  # (week, [Seen | None per partner])
    latest: list  # (Partner, Seen | None)
    chart: object | None
    every: int


@dataclass
class QuestionnaireSection:
    definition: Questionnaire
    partners: list
    rows: list  # (week, [Seen | None per partner]), only what the copy's reader may see
    chart: object | None


def _partner_rows(data: Takes, partners, weeks: list[date], audience: Audience) -> list:
    rows = []
    for week in weeks:
        cells = []
        for p in partners:
            take = data.rows.get((p.id, week))
            cells.append(seen(data, take, p.name_with_role, audience) if take else None)
        rows.append((week, cells))
    return rows


def _ticks(low: float, high: float) -> tuple[int, ...]:
    span = high - low
    step = max(1, round(span / 4)) if span >= 4 else 1
    ticks = list(range(int(low), int(high) + 1, step))
    if ticks[-1] != int(high):
        ticks.append(int(high))
    return tuple(ticks)


def _chart(definition: Questionnaire, partners, rows, chart_id: str):
    """Each partner's score over the take weeks, on the questionnaire's own range, with the
    cut-off line when it has one. An incomplete or unreadable take is a gap, not a point."""
    weeks = [w for w, cells in rows if any(c and c.score and c.score.complete for c in cells)]
    if len(weeks) < 2:
        return None
    by_week = dict(rows)
    series = [
        Series(
            p.name_with_role,
            [
                c.score.value if (c := by_week[w][i]) and c.score and c.score.complete else None
                for w in weeks
            ],
        )
        for i, p in enumerate(partners)
    ]
    low, high = definition.lowest_score, definition.highest_score
    line = None
    if definition.cutoff is not None:
        line = (definition.cutoff, f"cut-off {definition.cutoff:g}")
    return line_chart(
        f"{definition.name}: scores over time",
        [_day(w) for w in weeks],
        series,
        chart_id=chart_id,
        low=int(low),
        high=int(high) if high > low else int(low) + 1,
        ticks=_ticks(low, high if high > low else low + 1),
        line=line,
    )


class QuestionnaireKind(Kind):
    key = KEY
    name = "Questionnaire"
    default_instructions = N_(
        "Every few weeks, take a few quiet minutes on your own and answer these short "
        "questions. There are no right answers; it helps us see what is changing."
    )
    models = (QuestionnaireSchedule, QuestionnaireTake)
    # Answers kept for the counselor cannot be emptied into something meaningful: the take
    # goes with a partner who leaves. A note kept for the counselor is emptied.
    private = (
        PrivateText(
            QuestionnaireTake,
            ("answers",),
            "answers_visibility",
            private_sql=lambda: QuestionnaireTake.score_shared.is_(False),
            written_by=lambda pid: QuestionnaireTake.partner_id == pid,
            on_leave="delete",
        ),
        PrivateText(
            QuestionnaireTake,
            ("note",),
            "note_visibility",
            private_sql=lambda: QuestionnaireTake.note_visibility == PRIVATE,
            written_by=lambda pid: QuestionnaireTake.partner_id == pid,
        ),
    )
    blueprint = bp
    demo_weeks = None

    # --- Assigning -------------------------------------------------------------------

    def assignment_form(self):
        return QuestionnaireAssignmentForm

    def prefill(self, form, assignment) -> None:
        if form.is_submitted():
            return
        form.every_weeks.data = every(assignment) if assignment else EVERY_DEFAULT
        schedule = assignment.questionnaire_schedule if assignment else None
        if schedule is not None:
            form.questionnaire_id.data = str(schedule.questionnaire_id)
        elif form.questionnaire_id.choices:
            form.questionnaire_id.data = form.questionnaire_id.choices[0].value

    def apply(self, form, assignment, *, new: bool) -> None:
        weeks = form.every_weeks.data if form is not None else EVERY_DEFAULT
        if form is not None:
            chosen = form.chosen()
        else:
            with db.session.no_autoflush:  # the new assignment is not in the session yet
                chosen = library.shipped(flush=False)
        if assignment.questionnaire_schedule is None:
            assignment.questionnaire_schedule = QuestionnaireSchedule(every_weeks=weeks)
        schedule = assignment.questionnaire_schedule
        schedule.every_weeks = weeks
        if isinstance(chosen, Questionnaire):
            schedule.questionnaire = chosen
        else:
            with db.session.no_autoflush:
                schedule.questionnaire = db.session.get(Questionnaire, chosen)

    def same_settings(self, form, assignment) -> bool:
        schedule = assignment.questionnaire_schedule
        return (
            schedule is not None
            and schedule.every_weeks == form.every_weeks.data
            and schedule.questionnaire_id == form.chosen()
        )

    def assignment_loads(self) -> list:
        return [selectinload(Assignment.questionnaire_schedule)]

    def describe_assignment(self, assignment) -> dict:
        schedule = assignment.questionnaire_schedule
        return {
            "questionnaire": schedule.questionnaire.title if schedule else None,
            "asked_again_every_weeks": every(assignment),
        }

    def template_settings(self, assignment) -> dict:
        """How often, and which questionnaire by its name: ids mean nothing in a colleague's
        Hearth, and the newest version of the same name is the one to ask."""
        schedule = assignment.questionnaire_schedule
        settings = {"every_weeks": every(assignment)}
        if schedule is not None:
            settings["questionnaire"] = schedule.questionnaire.name
        return settings

    def prefill_template(self, form, settings: dict) -> None:
        weeks = settings.get("every_weeks")
        if isinstance(weeks, int) and not isinstance(weeks, bool) and 1 <= weeks <= 26:
            form.every_weeks.data = weeks
        name = settings.get("questionnaire")
        if isinstance(name, str) and name:
            # The choices are the newest version of each the counselor may use.
            for choice in form.questionnaire_id.choices:
                q = db.session.get(Questionnaire, int(choice.value))
                if q is not None and q.name == name:
                    form.questionnaire_id.data = choice.value
                    break

    # --- Reading ---------------------------------------------------------------------

    def load(self, hw) -> Takes:
        data = Takes()
        partner_ids = [p.id for p in hw.couple.partners]
        for row in db.session.scalars(
            select(QuestionnaireTake).where(
                QuestionnaireTake.partner_id.in_(partner_ids),
                QuestionnaireTake.week_start <= hw.last,
            )
        ):
            data.rows[(row.partner_id, row.week_start)] = row
        asked = [
            a.questionnaire_schedule.questionnaire_id
            for a in hw.assignments
            if a.kind == KEY and a.questionnaire_schedule is not None
        ]
        data.versions = definitions([t.questionnaire_id for t in data.rows.values()] + asked)
        return data

    def answered(self, hw, assignment, week: date) -> set[int]:
        rows = hw.data[KEY].rows
        return {
            p.id
            for p in hw.couple.partners
            if (t := rows.get((p.id, week))) is not None and t.assignment_id == assignment.id
        }

    def card(self, hw, assignment, week, me, viewer, now) -> QuestionnaireCard:
        other = me.other
        data: Takes = hw.data[KEY]
        mine = data.rows.get((me.id, week.start))
        theirs_row = data.rows.get((other.id, week.start))
        audience = Audience.of(viewer, hw.couple.id)
        theirs = None
        if theirs_row is not None:
            theirs = seen(data, theirs_row, other.name_with_role, audience)
            if theirs.score is None and theirs.note is None:
                theirs = None
        mine_before = [t for t in data.of(me.id) if t.week_start <= week.start]
        return QuestionnaireCard(
            assignment=assignment,
            week=week,
            definition=data.versions[assignment.questionnaire_schedule.questionnaire_id],
            take_week=is_take_week(assignment, week.start),
            mine=mine,
            my_score=data.score(mine),
            my_last=mine_before[-1] if mine_before else None,
            partner_name=other.name_with_role,
            partner_took=theirs_row is not None,
            theirs=theirs,
            next_week=next_take(assignment, week.start),
            open=week.is_open(now) and assignment.status == AssignmentStatus.ACTIVE,
        )

    # --- The counselor ---------------------------------------------------------------

    def grid_rows(self, hw, weeks, who) -> list[GridRow]:
        mine = [a for a in hw.assignments if a.kind == KEY]
        if not mine:
            return []
        rows = hw.data[KEY].rows
        cells = []
        for w in weeks:
            if not any(is_take_week(a, w.start) for a in mine):
                cells.append("")
                continue
            cells.append(who({p.id for p in hw.couple.partners if (p.id, w.start) in rows}))
        gap = every(mine[-1])
        label = f"Questionnaire (every {gap} weeks)" if gap > 1 else "Questionnaire"
        return [GridRow(label, cells, anchor=KEY)]

    def review(self, hw, weeks, chart_weeks) -> QuestionnaireReview | None:
        assigned = [a for a in hw.assignments if a.kind == KEY]
        if not assigned:
            return None
        data: Takes = hw.data[KEY]
        audience = Audience.counselor_of(hw.couple)
        partners = list(hw.couple.partners)
        taken = sorted({w for (_pid, w) in data.rows})
        rows = _partner_rows(data, partners, taken, audience)
        latest = []
        for p in partners:
            takes = data.of(p.id)
            latest.append((p, seen(data, takes[-1], p.name_with_role, audience) if takes else None))
        schedule = assigned[-1].questionnaire_schedule
        definition = data.versions[schedule.questionnaire_id]
        chart = _chart(definition, partners, rows, "chart-questionnaire")
        return QuestionnaireReview(
            definition, partners, list(reversed(rows)), latest, chart, every(assigned[-1])
        )

    def entries(self, hw, weeks, audience, names) -> list[Entry]:
        if not any(a.kind == KEY for a in hw.assignments):
            return []
        data: Takes = hw.data[KEY]
        found = []
        for week in weeks:
            for pid in names:
                take = data.rows.get((pid, week.start))
                if take is None:
                    continue
                s = seen(data, take, names[pid], audience)
                at = take.updated_at or take.created_at
                outcome = "answered the questionnaire"
                if s.score is not None:
                    outcome = f"score {s.score.shown}"
                    if s.reliable:
                        outcome += f" · {s.change_words}"
                    if s.past:
                        outcome += f" · past the cut-off ({s.definition.cutoff_meaning})"
                found.append(
                    Entry(
                        KEY,
                        week.start,
                        s.definition.name,
                        pid,
                        at,
                        outcome=outcome,
                        private=(not take.score_shared) if s.score is not None else None,
                        policy=take.policy,
                    )
                )
                if s.note:
                    found.append(
                        Entry(
                            KEY,
                            week.start,
                            "Questionnaire note",
                            pid,
                            at,
                            words=[("", s.note)],
                            private=take.note_visibility == PRIVATE,
                            policy=take.policy,
                        )
                    )
        return found

    def dashboard(self, couples, week_of, now):
        """This take week's answers, the last take of each couple, and a flag for a score
        that crossed the cut-off or changed by the reliable-change difference."""
        partner_ids = [p.id for c in couples for p in c.partners]
        # Only each partner's last two takes: the row shows the latest and compares it
        # with the one before (scoring a year of takes was the dashboard's costliest part).
        takes = db.session.execute(
            last_per_partner(
                QuestionnaireTake,
                partner_ids,
                QuestionnaireTake.questionnaire_id,
                QuestionnaireTake.answers,
            )
        ).all()
        versions = scoring_rules(t.questionnaire_id for t in takes)
        by_partner: dict[int, list] = {}
        for t in takes:
            q = versions[t.questionnaire_id]
            points = {int(k): int(v) for k, v in (t.answers or {}).items()}
            by_partner.setdefault(t.partner_id, []).append(
                (t.week_start, score(q, points).value, q)
            )
        for rows in by_partner.values():
            rows.sort(key=lambda r: r[0])
        mine = [a.id for c in couples for a in c.assignments if a.kind == KEY]
        gaps = dict(
            db.session.execute(
                select(
                    QuestionnaireSchedule.assignment_id, QuestionnaireSchedule.every_weeks
                ).where(among(QuestionnaireSchedule.assignment_id, mine))
            ).all()
        )

        def row(couple, assignment) -> Progress:
            week = week_of[couple.id]
            dates = [t[-1][0] for p in couple.partners if (t := by_partner.get(p.id))]
            facts = []
            if dates:
                facts.append(f"Last questionnaire: week of {_day(max(dates))}")
            elif assignment is not None:
                facts.append("Last questionnaire: none yet")
            flags = []
            for p in couple.partners:
                rows = [t for t in by_partner.get(p.id, []) if t[0] <= week]
                if len(rows) < 2:
                    continue
                (_, was, _), (_, now_v, q) = rows[-2], rows[-1]
                if past_cutoff(q, now_v) and not past_cutoff(q, was) and was is not None:
                    flags.append(
                        f"{p.name}'s {q.name} score crossed the cut-off "
                        f"({number(was)} to {number(now_v)}: {q.cutoff_meaning})"
                    )
                elif reliable(q, was, now_v):
                    flags.append(
                        f"{p.name}'s {q.name} score {RELIABLE_WORDS} "
                        f"({number(was)} to {number(now_v)})"
                    )
            progress = Progress(facts=facts, flags=flags)
            gap = gaps.get(assignment.id, EVERY_DEFAULT) if assignment is not None else None
            if assignment is not None and is_take_week(assignment, week, gap):
                progress.total = 2
                progress.done = sum(
                    1
                    for p in couple.partners
                    if any(t[0] == week for t in by_partner.get(p.id, []))
                )
            return progress

        return row

    def activity(self, couples, since: date):
        partners = [p.id for c in couples for p in c.partners]
        return [
            select(QuestionnaireTake.partner_id, QuestionnaireTake.updated_at).where(
                among(QuestionnaireTake.partner_id, partners), QuestionnaireTake.week_start >= since
            )
        ]

    # --- Summaries -------------------------------------------------------------------

    def summarize(self, summary, hw, audience: Audience, names) -> QuestionnaireSection | None:
        assigned = [a for a in hw.assignments if a.kind == KEY]
        if not assigned:
            return None
        data: Takes = hw.data[KEY]
        period = {w.start for w in summary.weeks}
        weeks = sorted({w for (_pid, w) in data.rows if w in period})
        if not weeks:
            return None
        partners = list(hw.couple.partners)
        rows = _partner_rows(data, partners, weeks, audience)
        schedule = assigned[-1].questionnaire_schedule
        definition = data.versions[schedule.questionnaire_id]
        # The chart shows the scores over time up to this session (what this copy's reader
        # may see), so the period's takes read against the ones before.
        so_far = sorted({w for (_pid, w) in data.rows if w <= max(period)})
        history = _partner_rows(data, partners, so_far, audience)
        chart = _chart(definition, partners, history, "pdf-questionnaire")
        return QuestionnaireSection(definition, partners, rows, chart)

    # --- Export and the audit trail --------------------------------------------------

    def export(self, hw, lens) -> dict[str, list]:
        data: Takes = hw.data[KEY]
        partners = {p.id: p for p in hw.couple.partners}
        rows = []
        for (pid, week), take in sorted(data.rows.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            head = {"week_start": week.isoformat(), **lens.who(pid)}
            s = seen(data, take, partners[pid].name, lens.audience)
            q = s.definition
            row = dict(head, questionnaire=q.title)
            if s.score is not None:
                row["answers"] = [{"item": text, "answer": words} for text, words in s.answers]
                row["score"] = s.score.value
                row["score_complete"] = s.score.complete
                if lens.whole(pid):
                    row["answers_for"] = VISIBILITY_WORDS[Visibility(take.answers_visibility)]
            if s.note:
                row["note"] = s.note
                if lens.whole(pid):
                    row["note_for"] = VISIBILITY_WORDS[Visibility(take.note_visibility)]
            if s.score is None and not s.note and not lens.whole(pid):
                continue  # the other partner's take, nothing of it shared
            rows.append(row)
        return {"questionnaire_takes": rows}

    def describe(self, session, obj):
        from domain.audit_changes import couple_of_assignment

        if isinstance(obj, QuestionnaireTake):
            couple = couple_of_assignment(session, obj.assignment_id)
            return f"Questionnaire, week of {obj.week_start}", Place(couple, obj.partner_id)
        if isinstance(obj, QuestionnaireSchedule):
            couple = couple_of_assignment(session, obj.assignment_id)
            return f"Questionnaire asked every {obj.every_weeks} weeks", Place(couple)
        return None

    # --- Demo, benchmark and tests ---------------------------------------------------

    def demo(self, assignment, weeks, at) -> None:
        # Hearth's own questionnaire at intake and three weeks later, so the change shows.
        schedule = assignment.questionnaire_schedule
        schedule.every_weeks = DEMO_EVERY
        db.session.flush()
        q = schedule.questionnaire
        partner = {p.place: p for p in assignment.couple.partners}
        takes = [w for w in weeks if is_take_week(assignment, w)]
        for who, by_take in DEMO_TAKES.items():
            for i, (points, note, shared) in enumerate(by_take):
                if i >= len(takes):
                    continue
                db.session.add(
                    QuestionnaireTake(
                        assignment_id=assignment.id,
                        partner_id=partner[who].id,
                        questionnaire_id=q.id,
                        week_start=takes[i],
                        answers={
                            str(item.id): p
                            for item, p in zip(q.items, points, strict=True)
                            if p is not None
                        },
                        score_shared=shared,
                        note=note,
                        note_visibility=PRIVATE,
                        created_at=at(takes[i], 3, 21),
                        updated_at=at(takes[i], 3, 21),
                    )
                )

    def bench_rows(self, seed) -> None:
        rng = seed.rng
        # Each benchmark couple answers a small questionnaire of its own (retired, so no
        # counselor's list grows with the benchmark).
        qid = seed.ids.take("questionnaires")
        seed.batch.add(
            "questionnaires",
            {
                "id": qid,
                "owner_id": None,
                "family_id": None,
                "number": 1,
                "shipped_key": f"bench-{qid}",
                "name": "Benchmark questionnaire",
                "instructions": "",
                "source": "Made up for the benchmark.",
                "score_as": "sum",
                "cutoff": 6.0,
                "cutoff_meaning": "worth a look",
                "cutoff_side": "below",
                "reliable_change": 3.0,
                "retired_at": seed.created,
                "created_at": seed.created,
            },
        )
        items = []
        for n in range(1, 5):
            items.append(seed.ids.take("questionnaire_items"))
            seed.batch.add(
                "questionnaire_items",
                {
                    "id": items[-1],
                    "questionnaire_id": qid,
                    "position": n,
                    "text": f"Item {n}",
                    "reversed": n == 4,
                },
            )
        for points, label in enumerate(("No", "Somewhat", "Yes")):
            seed.batch.add(
                "questionnaire_options",
                {
                    "id": seed.ids.take("questionnaire_options"),
                    "questionnaire_id": qid,
                    "points": points,
                    "label": label,
                },
            )
        seed.batch.add(
            "questionnaire_schedules",
            {
                "id": seed.ids.take("questionnaire_schedules"),
                "assignment_id": seed.assignment_id,
                "questionnaire_id": qid,
                "every_weeks": EVERY_DEFAULT,
            },
        )
        first = seed.weeks[0] if seed.weeks else None
        for week in seed.weeks:
            if ((week - first).days // 7) % EVERY_DEFAULT:
                continue
            for partner_id in seed.partners:
                if rng.random() >= seed.keen + 0.2:
                    continue
                at = seed.at(week, 21) + timedelta(days=3)
                seed.batch.add(
                    "questionnaire_takes",
                    {
                        "id": seed.ids.take("questionnaire_takes"),
                        "assignment_id": seed.assignment_id,
                        "partner_id": partner_id,
                        "questionnaire_id": qid,
                        "week_start": week,
                        "answers": {str(i): rng.randint(0, 2) for i in items},
                        "score_shared": rng.random() < 0.2,
                        "note": "",
                        "note_visibility": "counselor",
                        "created_at": at,
                        "updated_at": at,
                        "version": 1,
                    },
                )

    def sample(self, assignment, writer, week, word, visibility) -> None:
        q = assignment.questionnaire_schedule.questionnaire
        db.session.add(
            QuestionnaireTake(
                assignment_id=assignment.id,
                partner_id=writer.id,
                questionnaire_id=q.id,
                week_start=week,
                answers={str(item.id): q.low for item in q.items},
                score_shared=visibility == Visibility.SHARED,
                note=word(self.private[1], "note"),
                note_visibility=visibility,
            )
        )


def _day(d: date) -> str:
    return f"{d.day} {d:%b}"


DEMO_EVERY = 3
# The demo couple's takes, oldest first: points per item of Hearth's own questionnaire
# (None: left blank), a note, whether the score is shared.
DEMO_TAKES = {
    1: [
        ((1, 2, 1, 3, 2, 3), "Hard to answer the one about being on the same side.", False),
        ((2, 3, 2, 2, 3, 1), "", True),
    ],
    2: [
        ((1, 1, 1, 2, 2, 3), "I miss our evenings.", False),
        ((3, 2, 2, 1, None, 1), "", False),
    ],
}
