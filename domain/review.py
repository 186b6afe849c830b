"""What the counselor reviews: a couple's week grid, needs, check-ins and trends, and the
dashboard across all their couples with the flags worth a look before a session.

The counselor sees every answer of their own couples; visibility tags are kept so pages
can say which answers the couple shared with each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import selectinload

from domain import whats_new
from domain.homework import couple_week, load
from domain.weeks import Week, weeks_back
from extensions import db
from kinds import registry
from kinds.base import GridRow
from models import AssignmentStatus, Couple, Partner

GRID_WEEKS = 8
CHART_WEEKS = 12
QUIET_DAYS = 14


@dataclass
class CoupleReview:
    couple: Couple
    weeks: list[Week]
    rows: list[GridRow]
    sections: list  # (kind, what its ``review`` returned), in the registry's order
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

    def who(ids: set[int]) -> str:
        return _who(ids, couple, initials)

    rows = [row for kind in registry.REGISTRY for row in kind.grid_rows(hw, grid_weeks, who)]
    sections = [
        (kind, section)
        for kind in registry.REGISTRY
        if (section := kind.review(hw, grid_weeks, chart_weeks)) is not None
    ]
    return CoupleReview(couple, grid_weeks, rows, sections, initials)


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
    last_activity: datetime | None = None  # within the last few weeks only
    flags: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)  # one line each kind adds ("Last check-in…")
    has_homework: bool = False
    # Homework activity since the counselor last opened the couple's page.
    new_activity: bool = False


def dashboard(counselor_id: int, now: datetime | None = None) -> list[CoupleSummary]:
    """This week's completion, each kind's facts and flags for each of the counselor's
    couples. A fixed number of queries however many couples and weeks there are: each
    kind reads all the couples' rows at once (``Kind.dashboard``).
    """
    now = now or datetime.now(UTC)
    couples = list(
        db.session.scalars(
            select(Couple)
            .where(Couple.counselor_id == counselor_id)
            .options(
                selectinload(Couple.partners).selectinload(Partner.user),
                selectinload(Couple.partners).selectinload(Partner.invitations),
                selectinload(Couple.assignments).options(*registry.assignment_loads()),
            )
            .order_by(Couple.status, Couple.name)
        )
    )
    if not couples:
        return []
    weeks = {c.id: couple_week(c, now) for c in couples}
    week_of = {c.id: w.start for c, w in ((c, weeks[c.id]) for c in couples)}
    earliest = min(week_of.values()) - timedelta(weeks=2)
    rows = [(kind, kind.dashboard(couples, week_of, now)) for kind in registry.REGISTRY]
    activity = _recent_activity(couples, earliest - timedelta(weeks=2))
    visits = whats_new.last_visits(counselor_id)

    summaries = []
    for couple in couples:
        week = weeks[couple.id]
        s = CoupleSummary(couple, week)
        active = [a for a in couple.assignments if a.status == AssignmentStatus.ACTIVE]
        s.has_homework = any(a.covers(week.start) for a in active)
        times = [activity[p.id] for p in couple.partners if p.id in activity]
        s.last_activity = max(times) if times else None
        s.new_activity = whats_new.is_new(s.last_activity, visits.get(couple.id))
        s.flags = _quiet(couple, s, now)
        for kind, row in rows:
            running = next((a for a in active if a.kind == kind.key and a.covers(week.start)), None)
            part = row(couple, running)
            s.done += part.done
            s.total += part.total
            s.facts += part.facts
            s.flags += part.flags
        summaries.append(s)
    return summaries


def _recent_activity(couples: list[Couple], since: date) -> dict[int, datetime]:
    """The latest moment each partner did any homework in the weeks from ``since``.

    That is all the quiet flag needs: an answer can only be written while its week is open
    (seven days, then two of grace), so whatever was done in the last two weeks belongs to
    a week from ``since`` on. One query, a union of each kind's own (``Kind.activity``),
    each through an index with the week: its cost follows this counselor's couples, not
    the size of the practice or the length of its history.
    """
    selects = [q for kind in registry.REGISTRY for q in kind.activity(couples, since)]
    if not selects:
        return {}
    moments = union_all(*selects).subquery()
    pid, at = list(moments.c)[:2]
    latest: dict[int, datetime] = {}
    for partner_id, moment in db.session.execute(select(pid, func.max(at)).group_by(pid)):
        if moment is not None:
            latest[partner_id] = aware(moment)
    return latest


def aware(moment) -> datetime:
    """Aggregates bypass the column type on SQLite and come back naive (or as text)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _quiet(couple, s: CoupleSummary, now) -> list[str]:
    """The flag every kind feeds: nothing done for two weeks by a couple with homework."""
    active = [a for a in couple.assignments if a.status == AssignmentStatus.ACTIVE]
    if active and couple.status == "active":
        started = min(a.created_at for a in active)
        quiet_since = s.last_activity or started
        if now - quiet_since >= timedelta(days=QUIET_DAYS) and now - started >= timedelta(
            days=QUIET_DAYS
        ):
            return ["No homework activity for 2 weeks"]
    return []
