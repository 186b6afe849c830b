"""What the counselor reviews: a couple's week grid, needs, check-ins and trends, and the
dashboard across all their couples with the flags worth a look before a session.

The counselor sees every answer of their own couples; visibility tags are kept so pages
can say which answers the couple shared with each other.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import selectinload

from domain import whats_new
from domain.charts import Series, line_chart
from domain.homework import CoupleHomework, couple_week, load
from domain.views import SCALES
from domain.weeks import Week, weeks_back
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
    Partner,
    RhythmMark,
    RhythmReflection,
    StepDone,
)

GRID_WEEKS = 8
CHART_WEEKS = 12
QUIET_DAYS = 14
DROP = 3
APART = 4


@dataclass
class GridRow:
    label: str
    cells: list[str]  # per week: "A", "B", "both", "none" or "" (not assigned)
    detail: str = ""


@dataclass
class CoupleReview:
    couple: Couple
    weeks: list[Week]
    rows: list[GridRow]
    needs: list[tuple[Partner, Need, list[NeedRating | None]]]
    latest: list[tuple[Partner, CheckIn | None]]
    charts: list
    initials: dict[int, str]


def _initials(couple: Couple) -> dict[int, str]:
    """Short labels for the grid: first letters, or A/B when both start alike."""
    names = [p.name for p in couple.partners]
    letters = [n[:1].upper() or "?" for n in names]
    if len(set(letters)) < 2:
        letters = ["A", "B"]
    return {p.id: letters[i] for i, p in enumerate(couple.partners)}


def _who(ids: set[int], couple: Couple, initials: dict[int, str]) -> str:
    if not ids:
        return "none"
    if len(ids) == 2:
        return "both"
    return initials[next(iter(ids))]


def couple_review(couple: Couple, now: datetime | None = None) -> CoupleReview:
    """Everything the couple page shows the counselor, in a fixed number of queries."""
    current = couple_week(couple, now)
    span = weeks_back(current, CHART_WEEKS)
    hw = load(couple, span[0].start, current.start)
    # Grid and charts start with the homework, not with empty weeks before it.
    first_start = min((a.starts_on for a in hw.assignments), default=current.start)
    chart_weeks = [w for w in span if w.start >= first_start] or [current]
    grid_weeks = chart_weeks[-GRID_WEEKS:]
    initials = _initials(couple)
    rows = _grid_rows(hw, grid_weeks, initials)

    needs = []
    for partner in couple.partners:
        for need in hw.needs_of(partner.id):
            needs.append((partner, need, [hw.ratings.get((need.id, w.start)) for w in grid_weeks]))

    latest = []
    for partner in couple.partners:
        mine = [c for (pid, _), c in hw.check_ins.items() if pid == partner.id]
        latest.append((partner, max(mine, key=lambda c: c.week_start) if mine else None))

    labels = [f"{w.start.day} {w.start:%b}" for w in chart_weeks]
    charts = []
    for key, title in SCALES.items():
        series = [
            Series(
                p.name_with_role,
                [
                    getattr(hw.check_ins[(p.id, w.start)], key)
                    if (p.id, w.start) in hw.check_ins
                    else None
                    for w in chart_weeks
                ],
            )
            for p in couple.partners
        ]
        charts.append((title, line_chart(title, labels, series, chart_id=f"chart-{key}")))
    return CoupleReview(couple, grid_weeks, rows, needs, latest, charts, initials)


def _grid_rows(hw: CoupleHomework, weeks: list[Week], initials: dict[int, str]) -> list[GridRow]:
    couple = hw.couple
    rows: list[GridRow] = []
    rhythm = hw.assignment(HomeworkKind.RHYTHM) or next(
        (a for a in reversed(hw.assignments) if a.kind == HomeworkKind.RHYTHM), None
    )
    if rhythm is not None:
        for item in rhythm.rhythm_items:
            cells = []
            for w in weeks:
                if not rhythm.covers(w.start):
                    cells.append("")
                    continue
                mark = hw.marks.get((item.id, w.start))
                cells.append(_who({mark.partner_id} if mark else set(), couple, initials))
            rows.append(GridRow(_short(item.wording), cells, item.wording))
        cells = []
        for w in weeks:
            if not rhythm.covers(w.start):
                cells.append("")
                continue
            ids = {p.id for p in couple.partners if (rhythm.id, w.start, p.id) in hw.reflections}
            cells.append(_who(ids, couple, initials))
        rows.append(GridRow("What helped / didn't", cells))
    needs_assignment = next((a for a in hw.assignments if a.kind == HomeworkKind.NEEDS), None)
    if needs_assignment is not None:
        rated, steps = [], []
        for w in weeks:
            covering = [
                a for a in hw.assignments if a.kind == HomeworkKind.NEEDS and a.covers(w.start)
            ]
            if not covering:
                rated.append("")
                steps.append("")
                continue
            rated_ids = {n.owner_id for n in hw.needs if (n.id, w.start) in hw.ratings}
            step_ids = {d.partner_id for (sid, ws), d in hw.steps_done.items() if ws == w.start}
            rated.append(_who(rated_ids, couple, initials))
            steps.append(_who(step_ids, couple, initials))
        rows.append(GridRow("Needs rated", rated))
        rows.append(GridRow("Steps taken for the other", steps))
    checkin = next((a for a in hw.assignments if a.kind == HomeworkKind.CHECKIN), None)
    if checkin is not None:
        cells = []
        for w in weeks:
            if not any(
                a.kind == HomeworkKind.CHECKIN and a.covers(w.start) for a in hw.assignments
            ):
                cells.append("")
                continue
            ids = {p.id for p in couple.partners if (p.id, w.start) in hw.check_ins}
            cells.append(_who(ids, couple, initials))
        rows.append(GridRow("Check-in", cells))
    return rows


def _short(text: str, limit: int = 42) -> str:
    first = text.split(":")[0] if ":" in text[:limit] else text
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


# --- Dashboard ---------------------------------------------------------------------------


@dataclass
class CoupleSummary:
    couple: Couple
    week: Week | None
    done: int = 0
    total: int = 0
    last_check_in: date | None = None
    last_activity: datetime | None = None  # within the last few weeks only
    flags: list[str] = field(default_factory=list)
    has_homework: bool = False
    # Homework activity since the counselor last opened the couple's page.
    new_activity: bool = False


def dashboard(counselor_id: int, now: datetime | None = None) -> list[CoupleSummary]:
    """This week's completion, last check-in and flags for each of the counselor's couples.

    A fixed number of queries however many couples and weeks there are.
    """
    now = now or datetime.now(UTC)
    couples = list(
        db.session.scalars(
            select(Couple)
            .where(Couple.counselor_id == counselor_id)
            .options(
                selectinload(Couple.partners).selectinload(Partner.user),
                selectinload(Couple.partners).selectinload(Partner.invitations),
                selectinload(Couple.assignments).selectinload(Assignment.rhythm_items),
            )
            .order_by(Couple.status, Couple.name)
        )
    )
    if not couples:
        return []
    weeks = {c.id: couple_week(c, now) for c in couples}
    this_week = min(w.start for w in weeks.values())
    earliest = this_week - timedelta(weeks=2)
    partner_ids = [p.id for c in couples for p in c.partners]
    couple_of = {p.id: c.id for c in couples for p in c.partners}
    item_couple = {i.id: c.id for c in couples for a in c.assignments for i in a.rhythm_items}

    # Plain rows, not model objects: a dashboard reads hundreds of answers and only counts
    # them (check-ins: compares their scales), so it skips the cost of building objects.
    marks = (
        db.session.execute(
            select(RhythmMark.item_id, RhythmMark.week_start).where(
                RhythmMark.item_id.in_(item_couple), RhythmMark.week_start >= this_week
            )
        ).all()
        if item_couple
        else []
    )
    needs = db.session.execute(
        select(Need.id, Need.owner_id).where(
            Need.owner_id.in_(partner_ids), Need.status == NeedStatus.ACTIVE
        )
    ).all()
    ratings = (
        db.session.execute(
            select(NeedRating.need_id, NeedRating.week_start).where(
                NeedRating.need_id.in_([n.id for n in needs]), NeedRating.week_start >= this_week
            )
        ).all()
        if needs
        else []
    )
    check_ins = db.session.execute(
        select(
            CheckIn.partner_id, CheckIn.week_start, CheckIn.connected, CheckIn.heard, CheckIn.stress
        ).where(CheckIn.partner_id.in_(partner_ids), CheckIn.week_start >= earliest)
    ).all()
    # The latest check-in of a partner who checked in lately is among those just loaded;
    # only the others need a look further back.
    last_check_in: dict[int, date] = {}
    for c in check_ins:
        seen = last_check_in.get(c.partner_id)
        last_check_in[c.partner_id] = c.week_start if seen is None else max(seen, c.week_start)
    quiet = [p for p in partner_ids if p not in last_check_in]
    if quiet:
        # One index lookup per partner (partner, week), however long their history.
        latest_week = (
            select(func.max(CheckIn.week_start))
            .where(CheckIn.partner_id == Partner.id)
            .scalar_subquery()
        )
        for pid, week_start in db.session.execute(
            select(Partner.id, latest_week).where(Partner.id.in_(quiet))
        ):
            if week_start is not None:
                last_check_in[pid] = week_start
    activity = _recent_activity(couples, earliest - timedelta(weeks=2))
    visits = whats_new.last_visits(counselor_id)

    # Each couple's answers, grouped once: a couple's summary never walks another's rows.
    marked: dict[tuple[int, date], set[int]] = defaultdict(set)
    for m in marks:
        marked[(item_couple[m.item_id], m.week_start)].add(m.item_id)
    needs_of: dict[int, list] = defaultdict(list)
    for n in needs:
        needs_of[couple_of[n.owner_id]].append(n)
    rated = {(r.need_id, r.week_start) for r in ratings}
    check_ins_of: dict[int, list] = defaultdict(list)
    for c in check_ins:
        check_ins_of[couple_of[c.partner_id]].append(c)

    summaries = []
    for couple in couples:
        week = weeks[couple.id]
        s = CoupleSummary(couple, week)
        active = [a for a in couple.assignments if a.status == AssignmentStatus.ACTIVE]
        s.has_homework = any(a.covers(week.start) for a in active)
        ids = [p.id for p in couple.partners]
        for a in active:
            if not a.covers(week.start):
                continue
            if a.kind == HomeworkKind.RHYTHM:
                done = marked[(couple.id, week.start)]
                s.total += len(a.rhythm_items)
                s.done += sum(1 for i in a.rhythm_items if i.id in done)
            elif a.kind == HomeworkKind.NEEDS:
                mine = needs_of[couple.id]
                s.total += len(mine)
                s.done += sum(1 for n in mine if (n.id, week.start) in rated)
            elif a.kind == HomeworkKind.CHECKIN:
                s.total += 2
                s.done += sum(1 for c in check_ins_of[couple.id] if c.week_start == week.start)
        dates = [last_check_in[p] for p in ids if p in last_check_in]
        s.last_check_in = max(dates) if dates else None
        times = [activity[p] for p in ids if p in activity]
        s.last_activity = max(times) if times else None
        s.new_activity = whats_new.is_new(s.last_activity, visits.get(couple.id))
        s.flags = _flags(couple, week, s, check_ins_of[couple.id], now)
        summaries.append(s)
    return summaries


def _recent_activity(couples: list[Couple], since: date) -> dict[int, datetime]:
    """The latest moment each partner did any homework in the weeks from ``since``.

    That is all the quiet flag needs: an answer can only be written while its week is open
    (seven days, then two of grace), so whatever was done in the last two weeks belongs to
    a week from ``since`` on. One query, through an index of each table (items,
    assignments, needs, partners, each with the week): its cost follows this counselor's
    couples, not the size of the practice or the length of its history.
    """
    partners = [p.id for c in couples for p in c.partners]
    items = [i.id for c in couples for a in c.assignments for i in a.rhythm_items]
    rhythms = [a.id for c in couples for a in c.assignments if a.kind == HomeworkKind.RHYTHM]

    moments = union_all(
        select(RhythmMark.partner_id.label("pid"), RhythmMark.created_at.label("at")).where(
            RhythmMark.item_id.in_(items), RhythmMark.week_start >= since
        ),
        select(RhythmReflection.partner_id, RhythmReflection.updated_at).where(
            RhythmReflection.assignment_id.in_(rhythms), RhythmReflection.week_start >= since
        ),
        select(StepDone.partner_id, StepDone.created_at)
        .join(NeedStep, NeedStep.id == StepDone.step_id)
        .join(Need, Need.id == NeedStep.need_id)
        .where(Need.owner_id.in_(partners), StepDone.week_start >= since),
        select(CheckIn.partner_id, CheckIn.updated_at).where(
            CheckIn.partner_id.in_(partners), CheckIn.week_start >= since
        ),
        select(Need.owner_id, NeedRating.updated_at)
        .join(NeedRating, NeedRating.need_id == Need.id)
        .where(Need.owner_id.in_(partners), NeedRating.week_start >= since),
    ).subquery()
    latest: dict[int, datetime] = {}
    for pid, moment in db.session.execute(
        select(moments.c.pid, func.max(moments.c.at)).group_by(moments.c.pid)
    ):
        if moment is not None:
            latest[pid] = _aware(moment)
    return latest


def _aware(moment) -> datetime:
    # Aggregates bypass the column type on SQLite and come back naive (or as text).
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _flags(couple, week: Week, s: CoupleSummary, check_ins: list, now) -> list[str]:
    """What is worth a look; ``check_ins`` are the couple's recent check-ins (objects or
    rows with their partner, week and three scales)."""
    flags = []
    active = [a for a in couple.assignments if a.status == AssignmentStatus.ACTIVE]
    if active and couple.status == "active":
        started = min(a.created_at for a in active)
        quiet_since = s.last_activity or started
        if now - quiet_since >= timedelta(days=QUIET_DAYS) and now - started >= timedelta(
            days=QUIET_DAYS
        ):
            flags.append("No homework activity for 2 weeks")
    by_partner: dict[int, dict[date, CheckIn]] = defaultdict(dict)
    for c in check_ins:
        by_partner[c.partner_id][c.week_start] = c
    names = {p.id: p.name for p in couple.partners}
    for pid, weeks in by_partner.items():
        latest = max(weeks)
        if latest < week.start - timedelta(weeks=1):
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
        for w in (week.start, week.start - timedelta(weeks=1))
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
