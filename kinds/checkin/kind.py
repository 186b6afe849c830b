"""The weekly check-in as a kind of homework: its part of every page, copy and export."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from domain import dates
from domain.charts import Series, line_chart
from domain.dates import write as write_date
from domain.visibility import VISIBILITY_WORDS, Audience, revealed
from extensions import db
from kinds.base import (
    Entry,
    GridRow,
    Kind,
    Pinnable,
    Place,
    PrivateText,
    Progress,
    Quotable,
)
from kinds.checkin import questions as qs
from kinds.checkin.forms import CheckInAssignmentForm, for_questions
from kinds.checkin.models import (
    KEY,
    PROMPT,
    PROMPTS,
    SCALE,
    SCALES,
    CheckIn,
    CheckInAnswer,
    CheckInQuestion,
    CheckInQuestionSet,
)
from kinds.checkin.questions import Answer, answers_of, load_answers
from kinds.checkin.routes import bp
from models import Assignment, AssignmentStatus, Partner, Visibility, among
from web.i18n import N_

PRIVATE = Visibility.COUNSELOR


def _private_prompt(key: str) -> PrivateText:
    return PrivateText(
        CheckIn,
        (key,),
        f"{key}_visibility",
        private_sql=lambda: getattr(CheckIn, f"{key}_visibility") == PRIVATE,
        written_by=lambda pid: CheckIn.partner_id == pid,
    )


@dataclass
class CheckIns:
    """The couple's check-ins in the loaded weeks, by (partner place, week)."""

    rows: dict[tuple[int, date], CheckIn] = field(default_factory=dict)
    # The answers kept in ``check_in_answers``, by check-in and question.
    answers: dict[int, dict[int, CheckInAnswer]] = field(default_factory=dict)

    def of(self, c: CheckIn) -> list[Answer]:
        return answers_of(c, self.answers.get(c.id))


@dataclass
class Chart:
    """One trend: the same question on the same range, worded as it was last asked;
    ``earlier`` are the other wordings its answers were given under."""

    title: str
    svg: object
    earlier: list[str] = field(default_factory=list)


@dataclass
class TheirCheckIn:
    partner_name: str
    scales: list[Answer] | None
    answers: list[Answer]  # only the answers the viewer may read, non-empty

    @property
    def said(self) -> str:
        """The numbers in a line: "connected 7 · heard 6 · outside stress 3"."""
        return " · ".join(a.said for a in self.scales or [])


@dataclass
class CheckInCard:
    kind = KEY
    assignment: object
    week: object
    mine: CheckIn | None
    mine_answers: list[Answer]
    form_class: type
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

    left_label = _l("Check in")


@dataclass
class CheckInReview:
    """The couple page's trends and each partner's latest check-in."""

    charts: list[Chart]
    latest: list  # (partner, CheckIn | None, [Answer])


@dataclass
class CheckInWeek:
    week: object
    partners: list  # (name, CheckIn | None, TheirCheckIn | None)


@dataclass
class CheckInSection:
    weeks: list[CheckInWeek]
    charts: list[Chart]


def their_check_in(
    check_in: CheckIn,
    answers: list[Answer],
    writer_id: int,
    writer_name: str,
    audience: Audience,
    shown: bool,
) -> TheirCheckIn | None:
    """What ``audience`` may read of someone's check-in (``answers``: all of it) — None
    for nothing at all."""
    scales = [a for a in answers if a.is_scale]
    seen = None
    if scales and audience.may(writer_id, check_in.scales_visibility, shown):
        seen = scales
    words = []
    for a in answers:
        if a.is_scale:
            continue
        text = audience.text(writer_id, a.text, a.visibility, shown)
        if text:
            words.append(replace(a, text=text))
    if seen is None and not words:
        return None
    return TheirCheckIn(writer_name, seen, words)


def _ticks(low: int, high: int) -> tuple[int, ...]:
    if (low, high) == (1, 10):
        return (1, 4, 7, 10)
    return tuple(sorted({low, (low + high) // 2, high}))


def trend_charts(points: dict, partners, weeks: list[date], prefix: str) -> list[Chart]:
    """A chart for each question asked on the same range in ``weeks``: ``points`` are the
    numbers each reader may see, by (partner place, week), as answers. A question asked on
    another range, or a new question, is another chart: trends never join unlike things."""
    order: list[tuple] = []
    values: dict[tuple, dict[tuple[int, date], int]] = {}
    wordings: dict[tuple, list[str]] = {}
    for week in weeks:
        for p in partners:
            for a in points.get((p.id, week), []):
                trend = a.question.trend
                if trend not in values:
                    order.append(trend)
                    values[trend], wordings[trend] = {}, []
                values[trend][(p.id, week)] = a.number
                # As the reader reads it: Hearth's wording in their language.
                if a.label not in wordings[trend]:
                    wordings[trend].append(a.label)
    labels = [dates.write(w, "day_month") for w in weeks]
    charts = []
    for trend in order:
        key, low, high = trend
        title = wordings[trend][-1]
        chart_id = f"{prefix}-{key}" if (low, high) == (1, 10) else f"{prefix}-{key}-{low}-{high}"
        series = [
            Series(p.name_with_role, [values[trend].get((p.id, w)) for w in weeks])
            for p in partners
        ]
        svg = line_chart(
            title, labels, series, chart_id=chart_id, low=low, high=high, ticks=_ticks(low, high)
        )
        charts.append(Chart(title, svg, wordings[trend][:-1]))
    return charts


class CheckInKind(Kind):
    key = KEY
    name = "Weekly check-in"
    default_instructions = N_(
        "Once a week, take five quiet minutes on your own to check in: how connected and "
        "heard you felt, what's weighing on you from outside, and what went well or felt off."
    )
    models = (CheckIn, CheckInQuestionSet, CheckInQuestion, CheckInAnswer)
    # Numbers kept for the counselor cannot be emptied: the whole check-in goes with a
    # partner who leaves. Prompts kept for the counselor are emptied; shared ones stay.
    private = (
        PrivateText(
            CheckIn,
            ("connected", "heard", "stress"),
            "scales_visibility",
            private_sql=lambda: CheckIn.scales_shared.is_(False),
            written_by=lambda pid: CheckIn.partner_id == pid,
            on_leave="delete",
        ),
        *(_private_prompt(key) for key in PROMPTS),
        # Words to a counselor's own prompts; their numbers go with the check-in above.
        PrivateText(
            CheckInAnswer,
            ("text",),
            "visibility",
            private_sql=lambda: CheckInAnswer.visibility == PRIVATE,
            written_by=lambda pid: CheckInAnswer.partner_id == pid,
        ),
    )
    pinnable = (
        Pinnable("check_in", CheckIn, {key: key for key in PROMPTS}),
        Pinnable("check_in_answer", CheckInAnswer, {"": "text"}),
    )
    blueprint = bp
    can_wait_for_both = True
    demo_weeks = 12

    # --- Assigning -------------------------------------------------------------------

    def assignment_form(self):
        return CheckInAssignmentForm

    def prefill(self, form, assignment) -> None:
        if form.is_submitted():
            return
        if assignment is not None:
            form.reveal_after_both.data = assignment.reveal_after_both
        form.show(_latest(assignment))

    def editing(self, form, action: str) -> bool:
        return form.step(action)

    def apply(self, form, assignment, *, new: bool) -> None:
        assignment.reveal_after_both = bool(form is not None and form.reveal_after_both.data)
        asked = form.questions() if form is not None and hasattr(form, "questions") else None
        if asked is not None:
            qs.change(assignment, _checked(asked, assignment), new=new)

    def same_settings(self, form, assignment) -> bool:
        asked = form.questions()
        return asked is None or qs.same(_checked(asked, assignment), _latest(assignment))

    def assignment_loads(self) -> list:
        # Each version comes with its questions (joined): one query for all assignments.
        return [
            selectinload(Assignment.checkin_question_sets).joinedload(CheckInQuestionSet.questions)
        ]

    def describe_assignment(self, assignment) -> dict:
        return {
            "answers_shown_once_both_checked_in": assignment.reveal_after_both,
            # Empty: the standard three scales and three prompts throughout.
            "question_versions": [
                {
                    "from_week": v.effective_from.isoformat(),
                    "questions": [qs.plain(q) for q in v.questions],
                }
                for v in assignment.checkin_question_sets
            ],
        }

    def template_settings(self, assignment) -> dict:
        return {
            "reveal_after_both": bool(assignment.reveal_after_both),
            "questions": [qs.plain(q) for q in _latest(assignment)],
        }

    def prefill_template(self, form, settings: dict) -> None:
        if isinstance(settings.get("reveal_after_both"), bool):
            form.reveal_after_both.data = settings["reveal_after_both"]
        found = qs.from_plain(settings.get("questions"))
        if found:
            form.show(found)

    # --- Reading ---------------------------------------------------------------------

    def load(self, hw) -> CheckIns:
        data = CheckIns()
        partner_ids = [p.id for p in hw.couple.partners]
        for row in db.session.scalars(
            select(CheckIn).where(
                among(CheckIn.partner_id, partner_ids),
                CheckIn.week_start.between(hw.first, hw.last),
            )
        ):
            data.rows[(row.partner_id, row.week_start)] = row
        data.answers = load_answers(data.rows.values())
        return data

    def answered(self, hw, assignment, week: date) -> set[int]:
        """From what was loaded when ``week`` is in range; otherwise asked of the database
        (a moment pinned from a week the summary no longer covers)."""
        if hw.first <= week <= hw.last:
            rows = hw.data[KEY].rows
            return {
                p.id
                for p in hw.couple.partners
                if (c := rows.get((p.id, week))) is not None and c.assignment_id == assignment.id
            }
        return set(
            db.session.scalars(
                select(CheckIn.partner_id).where(
                    CheckIn.assignment_id == assignment.id, CheckIn.week_start == week
                )
            )
        )

    def card(self, hw, assignment, week, me, viewer, now) -> CheckInCard:
        other = me.other
        rows = hw.data[KEY].rows
        mine = rows.get((me.id, week.start))
        theirs_row = rows.get((other.id, week.start))
        shown = revealed(assignment, week.start, hw)
        audience = Audience.of(viewer, hw.couple.id)
        data = hw.data[KEY]
        theirs = (
            their_check_in(
                theirs_row, data.of(theirs_row), other.id, other.name_with_role, audience, shown
            )
            if theirs_row
            else None
        )
        return CheckInCard(
            assignment=assignment,
            week=week,
            mine=mine,
            mine_answers=data.of(mine) if mine else [],
            form_class=for_questions(qs.questions_for(assignment, week.start)),
            partner_name=other.name_with_role,
            partner_checked_in=theirs_row is not None,
            theirs=theirs,
            waiting_for_me=bool(
                assignment.reveal_after_both and theirs_row is not None and mine is None
            ),
            open=week.is_open(now) and assignment.status == AssignmentStatus.ACTIVE,
        )

    def card_forms(self, card) -> dict:
        """The check-in itself, on the card, until this partner has checked in."""
        if card.open and card.mine is None:
            return {KEY: card.form_class(formdata=None)}
        return {}

    # --- The counselor ---------------------------------------------------------------

    def grid_rows(self, hw, weeks, who) -> list[GridRow]:
        mine = [a for a in hw.assignments if a.kind == KEY]
        if not mine:
            return []
        rows = hw.data[KEY].rows
        cells = []
        for w in weeks:
            if not any(a.covers(w.start) for a in mine):
                cells.append("")
                continue
            cells.append(who({p.id for p in hw.couple.partners if (p.id, w.start) in rows}))
        return [GridRow("Check-in", cells, anchor="checkin")]

    def review(self, hw, weeks, chart_weeks) -> CheckInReview | None:
        if not any(a.kind == KEY for a in hw.assignments):
            return None
        data = hw.data[KEY]
        rows = data.rows
        couple = hw.couple
        latest = []
        for partner in couple.partners:
            theirs = [c for (pid, _), c in rows.items() if pid == partner.id]
            last = max(theirs, key=lambda c: c.week_start) if theirs else None
            latest.append((partner, last, data.of(last) if last else []))
        # The counselor reads every number.
        points = {
            key: [a for a in data.of(c) if a.is_scale]
            for key, c in rows.items()
            if any(key[1] == w.start for w in chart_weeks)
        }
        charts = trend_charts(points, couple.partners, [w.start for w in chart_weeks], "chart")
        # A trend needs two weeks to compare; one point on a chart says nothing.
        answered = {w for (_pid, w) in rows if any(w == cw.start for cw in chart_weeks)}
        return CheckInReview(charts if len(answered) >= 2 else [], latest)

    def entries(self, hw, weeks, audience, names) -> list[Entry]:
        if not any(a.kind == KEY for a in hw.assignments):
            return []
        rows = hw.data[KEY].rows
        assignments = {a.id: a for a in hw.assignments}
        found = []
        for week in weeks:
            for pid in names:
                c = rows.get((pid, week.start))
                if c is None:
                    continue
                shown = revealed(assignments.get(c.assignment_id), week.start, hw)
                theirs = their_check_in(c, hw.data[KEY].of(c), pid, names[pid], audience, shown)
                scales = theirs.scales if theirs else None
                outcome = theirs.said if scales else "checked in"
                found.append(
                    Entry(
                        "checkin",
                        week.start,
                        "Check-in",
                        pid,
                        c.updated_at or c.created_at,
                        outcome=outcome,
                        # The numbers kept from the partner are marked like words.
                        private=(not c.scales_shared) if scales else None,
                        policy=c.policy,
                    )
                )
                for answer in theirs.answers if theirs else []:
                    found.append(
                        Entry(
                            "checkin",
                            week.start,
                            answer.question.label,  # as it was asked that week
                            pid,
                            c.updated_at or c.created_at,
                            words=[("", answer.text)],
                            private=answer.visibility == PRIVATE,
                            policy=c.policy,
                        )
                    )
        return found

    def dashboard(self, couples, week_of, now):
        """This week's check-ins, the last check-in of each couple, and the flags their
        numbers raise: a scale that
        dropped (or stress that rose) by ``DROP`` since the week before, or connection
        scores ``APART`` apart in the same week."""
        partner_ids = [p.id for c in couples for p in c.partners]
        earliest = min(week_of.values()) - timedelta(weeks=2)
        # Plain rows, not model objects: a dashboard reads hundreds of check-ins and only
        # compares their scales.
        recent = db.session.execute(
            select(
                CheckIn.partner_id,
                CheckIn.week_start,
                CheckIn.connected,
                CheckIn.heard,
                CheckIn.stress,
            ).where(among(CheckIn.partner_id, partner_ids), CheckIn.week_start >= earliest)
        ).all()
        last: dict[int, date] = {}
        for c in recent:
            seen = last.get(c.partner_id)
            last[c.partner_id] = c.week_start if seen is None else max(seen, c.week_start)
        quiet = [p for p in partner_ids if p not in last]
        if quiet:
            # One index lookup per partner (partner, week), however long their history.
            latest_week = (
                select(func.max(CheckIn.week_start))
                .where(CheckIn.partner_id == Partner.id)
                .scalar_subquery()
            )
            for pid, week_start in db.session.execute(
                select(Partner.id, latest_week).where(among(Partner.id, quiet))
            ):
                if week_start is not None:
                    last[pid] = week_start
        by_couple: dict[int, list] = {}
        couple_of = {p.id: c.id for c in couples for p in c.partners}
        for c in recent:
            by_couple.setdefault(couple_of[c.partner_id], []).append(c)

        def row(couple, assignment) -> Progress:
            week = week_of[couple.id]
            theirs = by_couple.get(couple.id, [])
            dates = [last[p.id] for p in couple.partners if p.id in last]
            latest = max(dates) if dates else None
            fact = f"Last check-in: week of {latest.day} {latest:%b}" if latest else None
            progress = Progress(
                facts=[fact or "Last check-in: none yet"], flags=_flags(couple, week, theirs)
            )
            if assignment is not None:
                progress.total = 2
                progress.done = sum(1 for c in theirs if c.week_start == week)
            return progress

        return row

    def activity(self, couples, since: date):
        partners = [p.id for c in couples for p in c.partners]
        return [
            select(CheckIn.partner_id, CheckIn.updated_at).where(
                among(CheckIn.partner_id, partners), CheckIn.week_start >= since
            )
        ]

    # --- Summaries -------------------------------------------------------------------

    def summarize(self, summary, hw, audience: Audience, names) -> CheckInSection | None:
        if not any(a.kind == KEY for a in hw.assignments):
            return None
        data = hw.data[KEY]
        partners = list(hw.couple.partners)
        assignments = {a.id: a for a in hw.assignments}
        points: dict[tuple[int, date], list[Answer]] = {}
        weeks = []
        for week in summary.weeks:
            assignment = hw.assignment(KEY, week.start)
            rows = []
            for p in partners:
                c = data.rows.get((p.id, week.start))
                theirs = None
                if c is not None:
                    shown = revealed(assignments.get(c.assignment_id), week.start, hw)
                    theirs = their_check_in(c, data.of(c), p.id, p.name_with_role, audience, shown)
                    if theirs is not None and theirs.scales:
                        points[(p.id, week.start)] = theirs.scales
                rows.append((p.name_with_role, c, theirs))
            if assignment is not None:
                weeks.append(CheckInWeek(week, rows))
        if not weeks:
            return None
        charts = trend_charts(points, partners, [w.start for w in summary.weeks], "pdf")
        # As on the couple page: a trend needs two weeks to compare.
        compared = len({w for (_pid, w) in points})
        return CheckInSection(weeks, charts if compared >= 2 else [])

    def pinnable_rows(self, hw, pinnable) -> list:
        data = hw.data[KEY]
        if pinnable.model is CheckInAnswer:
            return [a for by_q in data.answers.values() for a in by_q.values() if a.text]
        return list(data.rows.values())

    def pinned(self, pinnable, row, field_name: str) -> Quotable:
        if isinstance(row, CheckInAnswer):
            c = row.check_in
            return Quotable(
                pinnable.source,
                row.id,
                field_name,
                row.partner_id,
                row.text or "",
                row.visibility,
                f"{row.question.label}, {_wk(c.week_start)}",
                c.week_start,
                c.assignment_id,
            )
        return Quotable(
            pinnable.source,
            row.id,
            field_name,
            row.partner_id,
            getattr(row, field_name, "") or "",
            getattr(row, f"{field_name}_visibility", Visibility.COUNSELOR),
            f"{_prompt_label(row, field_name)}, {_wk(row.week_start)}",
            row.week_start,
            row.assignment_id,
        )

    # --- Export and the audit trail --------------------------------------------------

    def export(self, hw, lens) -> dict[str, list]:
        assignments = {a.id: a for a in hw.assignments}
        partners = {p.id: p for p in hw.couple.partners}
        rows = []
        items = sorted(hw.data[KEY].rows.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        for (pid, week), c in items:
            head = {"week_start": week.isoformat(), **lens.who(pid)}
            answers = hw.data[KEY].of(c)
            if lens.whole(pid):
                rows.append({**head, **_whole(c, answers)})
                continue
            # The other partner's check-in, exactly as their week's card shows it.
            shown = revealed(assignments.get(c.assignment_id), week, hw)
            theirs = their_check_in(c, answers, pid, partners[pid].name, lens.audience, shown)
            if theirs is None:
                continue
            row = dict(head)
            if theirs.scales:
                row["scales"] = _scales(c, theirs.scales)
            if c.question_set_id:
                row["answers"] = [_said(a) for a in theirs.answers]
            else:
                row.update({a.question.key: a.text for a in theirs.answers})
            rows.append(row)
        return {"check_ins": rows}

    def describe(self, session, obj):
        if isinstance(obj, CheckIn):
            from domain.audit_changes import couple_of_assignment

            couple = couple_of_assignment(session, obj.assignment_id)
            return f"Check-in, week of {obj.week_start}", Place(couple, obj.partner_id)
        from domain.audit_changes import couple_of_assignment, get

        if isinstance(obj, CheckInAnswer):
            c = get(session, CheckIn, obj.check_in_id)
            couple = couple_of_assignment(session, c.assignment_id) if c else None
            return "Check-in answer", Place(couple, obj.partner_id)
        if isinstance(obj, CheckInQuestionSet):
            couple = couple_of_assignment(session, obj.assignment_id)
            return f"Check-in questions from week of {obj.effective_from}", Place(couple)
        if isinstance(obj, CheckInQuestion):
            qset = get(session, CheckInQuestionSet, obj.set_id)
            couple = couple_of_assignment(session, qset.assignment_id) if qset else None
            return "Check-in question", Place(couple)
        return None

    # --- Demo, benchmark and tests ---------------------------------------------------

    def demo(self, assignment, weeks, at) -> None:
        partner = {p.place: p for p in assignment.couple.partners}
        # A second version some weeks in: "heard" reworded (the same trend), and a prompt
        # of the counselor's own, shared by default.
        qset = None
        if len(weeks) > DEMO_CHANGED:
            standard = list(qs.STANDARD)
            standard[1] = replace(standard[1], label="How listened to I felt")
            qset = CheckInQuestionSet(effective_from=weeks[DEMO_CHANGED])
            asked = [*standard, DEMO_PROMPT]
            qset.questions = [
                CheckInQuestion(
                    **{k: v for k, v in qs.plain(q).items()},
                    position=[x for x in asked if x.kind == q.kind].index(q) + 1,
                )
                for q in asked
            ]
            assignment.checkin_question_sets.append(qset)
            db.session.flush()
        for who, scales_by_week in DEMO_SCALES.items():
            for i, scales in enumerate(scales_by_week):
                if scales is None or i >= len(weeks):
                    continue
                under = qset if qset is not None and i >= DEMO_CHANGED else None
                row = CheckIn(
                    question_set=under,
                    assignment_id=assignment.id,
                    partner_id=partner[who].id,
                    week_start=weeks[i],
                    connected=scales[0],
                    heard=scales[1],
                    stress=scales[2],
                    scales_shared=True,
                    created_at=at(weeks[i], 5, 21),
                    updated_at=at(weeks[i], 5, 21),
                )
                for key, (text, visibility) in DEMO_ANSWERS.get((who, i), {}).items():
                    setattr(row, key, text)
                    setattr(row, f"{key}_visibility", visibility)
                if under is not None and (who, i) in DEMO_TRY:
                    text, visibility = DEMO_TRY[(who, i)]
                    [added] = [q for q in under.questions if q.key == DEMO_PROMPT.key]
                    row.answers.append(
                        CheckInAnswer(
                            question_id=added.id,
                            partner_id=partner[who].id,
                            text=text,
                            visibility=visibility,
                        )
                    )
                db.session.add(row)

    def bench_rows(self, seed) -> None:
        rng = seed.rng
        scales = [[rng.randint(3, 6), rng.randint(3, 6), rng.randint(3, 8)] for _ in seed.partners]
        for week in seed.weeks:
            for p, partner_id in enumerate(seed.partners):
                # Scales wander a step at a time, a little more often up than down.
                for s in range(3):
                    scales[p][s] = min(10, max(1, scales[p][s] + rng.choice([-1, 0, 0, 1, 1])))
                if rng.random() >= seed.keen + 0.1:
                    continue
                at = seed.at(week, 21) + timedelta(days=5)
                row = {
                    "id": seed.ids.take("check_ins"),
                    "assignment_id": seed.assignment_id,
                    "partner_id": partner_id,
                    "week_start": week,
                    "connected": scales[p][0],
                    "heard": scales[p][1],
                    "stress": scales[p][2],
                    "scales_shared": True,
                    "created_at": at,
                    "updated_at": at,
                    "version": 1,
                }
                for prompt, choices in BENCH_ANSWERS.items():
                    row[prompt] = rng.choice(choices)
                    row[f"{prompt}_visibility"] = "shared" if rng.random() < 0.3 else "counselor"
                seed.batch.add("check_ins", row)

    def sample(self, assignment, writer, week, word, visibility) -> None:
        # Written under a counselor's version: the standard questions kept (their columns)
        # and a scale and a prompt of the counselor's own (``check_in_answers``).
        qset = qs.set_for(assignment, week)
        if qset is None:
            qset = qs.change(
                assignment,
                [
                    *qs.STANDARD,
                    qs.Question("qsampleclose", SCALE, "How close I felt", "far", "close", 0, 6),
                    qs.Question("qsampletry", PROMPT, "One thing to try next week"),
                ],
                new=True,
            )
            db.session.flush()
        row = CheckIn(
            assignment_id=assignment.id,
            partner_id=writer.id,
            week_start=week,
            connected=5,
            heard=5,
            stress=5,
            scales_shared=visibility == Visibility.SHARED,
            question_set=qset,
        )
        for text in self.private[1:]:
            if text.model is not CheckIn:
                continue
            (column,) = text.columns
            setattr(row, column, word(text, column))
            setattr(row, text.visibility, visibility)
        answers = self.private[-1]
        for q in qset.questions:
            if q.column:
                continue
            row.answers.append(
                CheckInAnswer(
                    question_id=q.id,
                    partner_id=writer.id,
                    number=3 if q.kind == SCALE else None,
                    text="" if q.kind == SCALE else word(answers, "text"),
                    visibility=row.scales_visibility if q.kind == SCALE else visibility,
                )
            )
        db.session.add(row)


DROP = 3  # a scale that moved this much in a week is worth a look
APART = 4  # connection scores this far apart in one week are too


def _flags(couple, week: date, check_ins: list) -> list[str]:
    """What the couple's recent check-ins (rows with partner, week and three scales) say
    is worth a look before a session."""
    flags = []
    by_partner: dict[int, dict[date, object]] = {}
    for c in check_ins:
        by_partner.setdefault(c.partner_id, {})[c.week_start] = c
    names = {p.id: p.name for p in couple.partners}
    for pid, weeks in by_partner.items():
        latest = max(weeks)
        if latest < week - timedelta(weeks=1):
            continue  # too old to say anything about this week
        before = weeks.get(latest - timedelta(weeks=1))
        if before is None:
            continue
        now_c = weeks[latest]
        for key, word in (("connected", "connection"), ("heard", "feeling heard")):
            was, now_n = getattr(before, key), getattr(now_c, key)
            # Only the same question on the same range (a column holds nothing else).
            if was is not None and now_n is not None and was - now_n >= DROP:
                flags.append(
                    f"{names[pid]}'s {word} dropped from {getattr(before, key)} "
                    f"to {getattr(now_c, key)}"
                )
        if None not in (now_c.stress, before.stress) and now_c.stress - before.stress >= DROP:
            flags.append(
                f"{names[pid]}'s outside stress rose from {before.stress} to {now_c.stress}"
            )
    both = [
        w
        for w in (week, week - timedelta(weeks=1))
        if len(couple.partners) == 2 and all(w in by_partner.get(p.id, {}) for p in couple.partners)
    ]
    if both:
        w = both[0]
        a, b = (by_partner[p.id][w] for p in couple.partners)
        if None not in (a.connected, b.connected) and abs(a.connected - b.connected) >= APART:
            first, second = couple.partners
            flags.append(
                f"Connection scores {abs(a.connected - b.connected)} apart "
                f"({first.name} {a.connected}, {second.name} {b.connected})"
            )
    return flags


def _wk(week_start: date) -> str:
    """ "week of 16 Nov", in the reader's language."""
    return gettext("week of %(day)s", day=write_date(week_start, "day_month"))


def _whole(c: CheckIn, answers: list[Answer]) -> dict:
    """A partner's own check-in, whole, for their export (the standard questions as they
    always were; a counselor's version with each answer's wording)."""
    row: dict = {
        "scales": _scales(c, [a for a in answers if a.is_scale]),
        "scales_for": VISIBILITY_WORDS[Visibility(c.scales_visibility)],
    }
    words = [a for a in answers if not a.is_scale]
    if c.question_set_id:
        row["answers"] = [_said(a) for a in words]
    else:
        for a in words:
            row[a.question.key] = a.text
            row[f"{a.question.key}_for"] = VISIBILITY_WORDS[Visibility(a.visibility)]
    row["updated_at"] = c.updated_at.isoformat() if c.updated_at else None
    return row


def _scales(c: CheckIn, scales: list[Answer]):
    """The numbers: by key for the standard questions, each with its wording and range
    under a counselor's version."""
    if not c.question_set_id:
        return {a.question.key: a.number for a in scales}
    return [
        {
            "question": a.question.label,
            "low": a.question.low,
            "high": a.question.high,
            "answer": a.number,
        }
        for a in scales
    ]


def _said(a: Answer) -> dict:
    return {
        "question": a.question.label,
        "answer": a.text,
        "for": VISIBILITY_WORDS[Visibility(a.visibility)],
    }


def _prompt_label(row: CheckIn, key: str) -> str:
    """A standard prompt's wording as ``row`` was asked it."""
    if row.question_set_id:
        for q in row.question_set.questions:
            if q.key == key:
                return q.label
    return PROMPTS.get(key, "")


def _latest(assignment) -> list:
    """The questions an assignment asks from its newest version on (standard: none)."""
    sets = assignment.checkin_question_sets if assignment is not None else []
    return list(sets[-1].questions) if sets else list(qs.STANDARD)


def _checked(questions: list, assignment) -> list:
    """``questions`` from the editor with their identities checked: a key this assignment
    never asked (or one already used above) is a new question."""
    known = qs.known_keys(assignment)
    seen: set[str] = set()
    found = []
    for q in questions:
        key = q.key if q.key in known and q.key not in seen else qs.new_key()
        # A standard key changes kind never: a scale's key is not a prompt's.
        if key in SCALES and q.kind != SCALE or key in PROMPTS and q.kind != PROMPT:
            key = qs.new_key()
        seen.add(key)
        found.append(replace(q, key=key))
    return found


SHARED = Visibility.SHARED
# The demo couple's weeks, oldest first: (connected, heard, stress), None for a missed week.
DEMO_SCALES = {
    1: [(4, 3, 7), (5, 4, 6), (4, 4, 8), (6, 5, 5), (7, 6, 4), None],
    2: [(5, 4, 5), (5, 5, 5), None, (6, 6, 6), (7, 7, 3), (6, 4, 5)],
}
DEMO_ANSWERS = {
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
# The demo's second version of the questions starts in this week (0: the first).
DEMO_CHANGED = 2
DEMO_PROMPT = qs.Question(
    "qdemotry", PROMPT, "One small thing we could try this week", default_visibility=SHARED.value
)
DEMO_TRY = {
    (1, 2): ("Ten minutes on the sofa after the kids are in bed.", SHARED),
    (1, 4): ("Phones away during dinner.", SHARED),
    (2, 4): ("A walk after dinner on Sunday.", SHARED),
    (2, 5): ("Ask before planning the weekend.", PRIVATE),
}
# Benchmark answers: a few plain lines each, or nothing.
BENCH_ANSWERS = {
    "went_well": ["We laughed at dinner.", "You asked about my day twice.", ""],
    "felt_off": ["I felt rushed on Sunday.", "Money again.", ""],
    "support": ["A short walk on Wednesdays?", "Tell me when you need quiet.", ""],
}
