"""The weekly check-in as a kind of homework: its part of every page, copy and export."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from domain.charts import Series, line_chart
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
from kinds.checkin.forms import CheckInAssignmentForm, CheckInForm
from kinds.checkin.models import KEY, PROMPTS, SCALES, CheckIn
from kinds.checkin.routes import bp
from models import AssignmentStatus, Partner, Visibility, among

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


@dataclass
class TheirCheckIn:
    partner_name: str
    scales: dict[str, int] | None
    answers: dict[str, str]  # only the answers the viewer may read, non-empty


@dataclass
class CheckInCard:
    kind = KEY
    prompts = PROMPTS
    assignment: object
    week: object
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

    left_label = "Check in"


@dataclass
class CheckInReview:
    """The couple page's trends and each partner's latest check-in."""

    charts: list
    latest: list  # (partner, CheckIn | None)
    prompts: dict = field(default_factory=lambda: PROMPTS)


@dataclass
class CheckInWeek:
    week: object
    partners: list  # (name, CheckIn | None, scales | None, {prompt: text})


@dataclass
class CheckInSection:
    weeks: list[CheckInWeek]
    charts: list
    prompts: dict = field(default_factory=lambda: PROMPTS)


def their_check_in(
    check_in: CheckIn, writer_id: int, writer_name: str, audience: Audience, shown: bool
) -> TheirCheckIn | None:
    """What ``audience`` may read of someone's check-in (None: nothing at all)."""
    scales = None
    if audience.may(writer_id, check_in.scales_visibility, shown):
        scales = {k: getattr(check_in, k) for k in SCALES}
    answers = {}
    for key in PROMPTS:
        text = audience.text(
            writer_id, getattr(check_in, key), getattr(check_in, f"{key}_visibility"), shown
        )
        if text:
            answers[key] = text
    if scales is None and not answers:
        return None
    return TheirCheckIn(writer_name, scales, answers)


class CheckInKind(Kind):
    key = KEY
    name = "Weekly check-in"
    default_instructions = (
        "Once a week, take five quiet minutes on your own to check in: how connected and "
        "heard you felt, what's weighing on you from outside, and what went well or felt off."
    )
    models = (CheckIn,)
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
    )
    pinnable = (Pinnable("check_in", CheckIn, {key: key for key in PROMPTS}),)
    blueprint = bp
    can_wait_for_both = True
    demo_weeks = 12

    # --- Assigning -------------------------------------------------------------------

    def assignment_form(self):
        return CheckInAssignmentForm

    def prefill(self, form, assignment) -> None:
        if assignment is not None and not form.is_submitted():
            form.reveal_after_both.data = assignment.reveal_after_both

    def apply(self, form, assignment, *, new: bool) -> None:
        assignment.reveal_after_both = bool(form is not None and form.reveal_after_both.data)

    def describe_assignment(self, assignment) -> dict:
        return {"answers_shown_once_both_checked_in": assignment.reveal_after_both}

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
        theirs = (
            their_check_in(theirs_row, other.id, other.name_with_role, audience, shown)
            if theirs_row
            else None
        )
        return CheckInCard(
            assignment=assignment,
            week=week,
            mine=mine,
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
            return {KEY: CheckInForm(formdata=None)}
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
        rows = hw.data[KEY].rows
        couple = hw.couple
        latest = []
        for partner in couple.partners:
            theirs = [c for (pid, _), c in rows.items() if pid == partner.id]
            latest.append((partner, max(theirs, key=lambda c: c.week_start) if theirs else None))
        labels = [f"{w.start.day} {w.start:%b}" for w in chart_weeks]
        charts = []
        for key, title in SCALES.items():
            series = [
                Series(
                    p.name_with_role,
                    [
                        getattr(rows[(p.id, w.start)], key) if (p.id, w.start) in rows else None
                        for w in chart_weeks
                    ],
                )
                for p in couple.partners
            ]
            charts.append((title, line_chart(title, labels, series, chart_id=f"chart-{key}")))
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
                theirs = their_check_in(c, pid, names[pid], audience, shown)
                scales = theirs.scales if theirs else None
                outcome = "checked in"
                if scales:
                    outcome = (
                        f"connected {scales['connected']} · heard {scales['heard']} · "
                        f"outside stress {scales['stress']}"
                    )
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
                answers = theirs.answers if theirs else {}
                for key, label in PROMPTS.items():
                    if key in answers:
                        private = getattr(c, f"{key}_visibility") == PRIVATE
                        found.append(
                            Entry(
                                "checkin",
                                week.start,
                                label,
                                pid,
                                c.updated_at or c.created_at,
                                words=[("", answers[key])],
                                private=private,
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
        rows_by = hw.data[KEY].rows
        partners = list(hw.couple.partners)
        series: dict[str, dict[int, list]] = {k: {p.id: [] for p in partners} for k in SCALES}
        assignments = {a.id: a for a in hw.assignments}
        weeks = []
        for week in summary.weeks:
            assignment = hw.assignment(KEY, week.start)
            rows = []
            for p in partners:
                c = rows_by.get((p.id, week.start))
                scales, answers = None, {}
                if c is not None:
                    shown = revealed(assignments.get(c.assignment_id), week.start, hw)
                    theirs = their_check_in(c, p.id, p.name_with_role, audience, shown)
                    if theirs is not None:
                        scales, answers = theirs.scales, theirs.answers
                for key in SCALES:
                    series[key][p.id].append(scales[key] if scales else None)
                rows.append((p.name_with_role, c, scales, answers))
            if assignment is not None:
                weeks.append(CheckInWeek(week, rows))
        if not weeks:
            return None
        labels = [f"{w.start.day} {w.start:%b}" for w in summary.weeks]
        charts = [
            (
                title,
                line_chart(
                    title,
                    labels,
                    [Series(p.name_with_role, series[key][p.id]) for p in partners],
                    chart_id=f"pdf-{key}",
                ),
            )
            for key, title in SCALES.items()
        ]
        # As on the couple page: a trend needs two weeks to compare.
        compared = sum(
            1
            for i in range(len(summary.weeks))
            if any(series[k][p.id][i] is not None for k in SCALES for p in partners)
        )
        return CheckInSection(weeks, charts if compared >= 2 else [])

    def pinnable_rows(self, hw, pinnable) -> list:
        return list(hw.data[KEY].rows.values())

    def pinned(self, pinnable, row, field_name: str) -> Quotable:
        return Quotable(
            pinnable.source,
            row.id,
            field_name,
            row.partner_id,
            getattr(row, field_name, "") or "",
            getattr(row, f"{field_name}_visibility", Visibility.COUNSELOR),
            f"{PROMPTS.get(field_name, '')}, {_wk(row.week_start)}",
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
            if lens.whole(pid):
                rows.append({**head, **_whole(c)})
                continue
            # The other partner's check-in, exactly as their week's card shows it.
            shown = revealed(assignments.get(c.assignment_id), week, hw)
            theirs = their_check_in(c, pid, partners[pid].name, lens.audience, shown)
            if theirs is None:
                continue
            row = dict(head)
            if theirs.scales:
                row["scales"] = theirs.scales
            row.update(theirs.answers)
            rows.append(row)
        return {"check_ins": rows}

    def describe(self, session, obj):
        if isinstance(obj, CheckIn):
            from domain.audit_changes import couple_of_assignment

            couple = couple_of_assignment(session, obj.assignment_id)
            return f"Check-in, week of {obj.week_start}", Place(couple, obj.partner_id)
        return None

    # --- Demo, benchmark and tests ---------------------------------------------------

    def demo(self, assignment, weeks, at) -> None:
        partner = {p.place: p for p in assignment.couple.partners}
        for who, scales_by_week in DEMO_SCALES.items():
            for i, scales in enumerate(scales_by_week):
                if scales is None or i >= len(weeks):
                    continue
                row = CheckIn(
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
        row = CheckIn(
            assignment_id=assignment.id,
            partner_id=writer.id,
            week_start=week,
            connected=5,
            heard=5,
            stress=5,
            scales_shared=visibility == Visibility.SHARED,
        )
        for text in self.private[1:]:
            (column,) = text.columns
            setattr(row, column, word(text, column))
            setattr(row, text.visibility, visibility)
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
            if getattr(before, key) - getattr(now_c, key) >= DROP:
                flags.append(
                    f"{names[pid]}'s {word} dropped from {getattr(before, key)} "
                    f"to {getattr(now_c, key)}"
                )
        if now_c.stress - before.stress >= DROP:
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
        if abs(a.connected - b.connected) >= APART:
            first, second = couple.partners
            flags.append(
                f"Connection scores {abs(a.connected - b.connected)} apart "
                f"({first.name} {a.connected}, {second.name} {b.connected})"
            )
    return flags


def _wk(week_start: date) -> str:
    return f"week of {week_start.day} {week_start:%b}"


def _whole(c: CheckIn) -> dict:
    row: dict = {
        "scales": {key: getattr(c, key) for key in SCALES},
        "scales_for": VISIBILITY_WORDS[Visibility(c.scales_visibility)],
    }
    for key in PROMPTS:
        if getattr(c, key):
            row[key] = getattr(c, key)
            row[f"{key}_for"] = VISIBILITY_WORDS[Visibility(getattr(c, f"{key}_visibility"))]
    row["updated_at"] = c.updated_at.isoformat() if c.updated_at else None
    return row


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
# Benchmark answers: a few plain lines each, or nothing.
BENCH_ANSWERS = {
    "went_well": ["We laughed at dinner.", "You asked about my day twice.", ""],
    "felt_off": ["I felt rushed on Sunday.", "Money again.", ""],
    "support": ["A short walk on Wednesdays?", "Tell me when you need quiet.", ""],
}
