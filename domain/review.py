"""What the counselor reviews: a couple's week grid, needs, check-ins and trends, and the
dashboard across all their couples with the flags worth a look before a session.

The counselor sees every answer of their own couples; visibility tags are kept so pages
can say which answers the couple shared with each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, Row, bindparam, case, func, select, union_all
from sqlalchemy.orm import joinedload, subqueryload
from sqlalchemy.orm.attributes import set_committed_value

from domain import private_words, whats_new
from domain.homework import couple_week, load
from domain.visibility import Audience
from domain.weeks import Week, weeks_back
from domain.weeks import week_of as week_containing
from extensions import db
from kinds import registry
from kinds.base import Entry, GridRow
from models import (
    Assignment,
    AssignmentStatus,
    CounselingSession,
    Couple,
    CoupleStatus,
    CoupleVisit,
    Invitation,
    Partner,
    User,
    among,
)

GRID_WEEKS = 8
CHART_WEEKS = 12
QUIET_DAYS = 14
# Without a recorded session, "Since the last session" shows the last few weeks.
SINCE_WEEKS = 4


@dataclass
class GridCell:
    """One cell of the week grid as the counselor reads it."""

    text: str  # "S", "both", "none", "so far", "not joined yet", "–"
    state: str  # both / one / none / so-far / not-joined / na (the cell's colour)
    target: str = ""  # the id of the week's entries behind the cell, when there are any


@dataclass
class GridLine:
    row: GridRow
    cells: list[GridCell]


@dataclass
class EntryGroup:
    """One grid row's entries in one week ("One real conversation": who did it, their note)."""

    label: str
    target: str  # the id a grid cell links to
    entries: list[Entry]


@dataclass
class WeekEntries:
    week: Week
    open: bool  # answers may still come ("so far")
    before_last_session: bool  # an older week of the grid, folded away
    groups: list[EntryGroup]


@dataclass
class CoupleReview:
    couple: Couple
    weeks: list[Week]
    rows: list[GridRow]
    sections: list  # (kind, what its ``review`` returned), in the registry's order
    initials: dict[int, str]
    grid: list[GridLine] = field(default_factory=list)
    # "Since the last session": the grid's weeks and those since the session, oldest first.
    since: list[WeekEntries] = field(default_factory=list)
    last_session: CounselingSession | None = None
    names: dict[int, str] = field(default_factory=dict)

    @property
    def recent(self) -> list[WeekEntries]:
        return [w for w in self.since if not w.before_last_session]

    @property
    def earlier(self) -> list[WeekEntries]:
        return [w for w in self.since if w.before_last_session]


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
    review = CoupleReview(couple, grid_weeks, rows, sections, initials)
    review.last_session = last_session(couple)
    since_weeks = _since_weeks(couple, review.last_session, current, chart_weeks)
    # The grid's older weeks too, folded away, so that every cell opens its words.
    shown = sorted(set(since_weeks) | set(grid_weeks))
    review.names = {p.id: p.name_with_role for p in couple.partners}
    audience = Audience.counselor_of(couple)
    entries = [
        e for kind in registry.REGISTRY for e in kind.entries(hw, shown, audience, review.names)
    ]
    review.since = _by_week(shown, set(since_weeks), rows, entries, now)
    review.grid = _grid(review, couple, now)
    return review


def last_session(couple: Couple) -> CounselingSession | None:
    """The couple's latest recorded counseling session, if any."""
    return db.session.scalar(
        select(CounselingSession)
        .where(CounselingSession.couple_id == couple.id)
        .order_by(CounselingSession.number.desc())
        .limit(1)
    )


def _since_weeks(couple: Couple, session, current: Week, loaded: list[Week]) -> list[Week]:
    """From the week of the last session to this week (within what was loaded), or the last
    ``SINCE_WEEKS`` weeks of homework when no session was recorded yet."""
    if session is None:
        return loaded[-SINCE_WEEKS:]
    held = session.held_at.astimezone(ZoneInfo(couple.timezone)).date()
    first = week_containing(held, couple.timezone, couple.week_starts_on)
    return [w for w in loaded if w.start >= first.start] or [current]


def _target(week: Week, anchor: str) -> str:
    return f"since-{week.start.isoformat()}-{anchor}"


def _by_week(weeks, since: set, rows: list[GridRow], entries: list[Entry], now) -> list:
    """The entries of each week, grouped under their grid row, in the grid's order."""
    order = {row.anchor: (i, row.label) for i, row in enumerate(rows)}
    out = []
    for week in weeks:
        mine = [e for e in entries if e.week == week.start]
        groups = []
        for anchor in sorted({e.anchor for e in mine}, key=lambda a: order.get(a, (99, a))):
            found = [e for e in mine if e.anchor == anchor]
            found.sort(key=lambda e: (e.at is None, e.at or datetime.min.replace(tzinfo=UTC)))
            label = order.get(anchor, (0, ""))[1] or found[0].what
            groups.append(EntryGroup(label, _target(week, anchor), found))
        out.append(WeekEntries(week, week.is_open(now), week not in since, groups))
    return out


def _grid(review: CoupleReview, couple: Couple, now) -> list[GridLine]:
    """The grid's cells in words: the open week says "so far" rather than "none", a couple
    who have not joined say so, and a cell with words behind it links to them."""
    targets = {g.target for w in review.since for g in w.groups}
    nobody = not any(p.joined for p in couple.partners)
    lines = []
    for row in review.rows:
        cells = []
        for week, value in zip(review.weeks, row.cells, strict=True):
            target = _target(week, row.anchor) if row.anchor else ""
            target = target if target in targets else ""
            if value == "":
                cells.append(GridCell("–", "na"))
            elif value == "none" and nobody:
                cells.append(GridCell("not joined yet", "not-joined"))
            elif value == "none" and week.is_open(now):
                cells.append(GridCell("so far", "so-far", target))
            elif value == "none":
                cells.append(GridCell("none", "none", target))
            else:
                cells.append(GridCell(value, "both" if value == "both" else "one", target))
        lines.append(GridLine(row, cells))
    return lines


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
    # Private words to the counselor not read yet (``domain.private_words``).
    unread_words: int = 0


#: Couples on one page of the dashboard. Its work grows with the couples it shows, so a
#: practice of a hundred couples pays for a page of them, not for all of them (issue #16);
#: most counselors' couples fit on one page.
DASHBOARD_PAGE = 30


@dataclass
class DashboardPage:
    """One page of the dashboard: its couples' ids, in the order of the whole list (active
    couples, then paused, then archived, each by name), with each one's ``data_version``
    and when the counselor last opened its page; and the rows' summaries once
    ``dashboard_page`` has made them."""

    ids: list[int]
    number: int  # from 1
    per_page: int
    total: int  # all of the counselor's couples
    versions: dict[int, int] = field(default_factory=dict)
    visits: dict[int, datetime] = field(default_factory=dict)
    summaries: list[CoupleSummary] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)

    @property
    def first(self) -> int:
        """The place of the page's first couple in the whole list, from 1."""
        return (self.number - 1) * self.per_page + 1 if self.ids else 0

    @property
    def last(self) -> int:
        return self.first + len(self.ids) - 1 if self.ids else 0

    @property
    def next_count(self) -> int:
        """How many couples the next page shows (none on the last page)."""
        return max(0, min(self.per_page, self.total - self.last))


def page_count(total: int, per_page: int) -> int:
    """Pages of ``per_page`` for ``total`` couples; an empty list is still one page."""
    return max(1, -(-total // per_page))


def _couples_of(counselor_id: int):
    """The counselor's couples, in the dashboard's order, with what every row shows."""
    return (
        select(Couple)
        .where(Couple.counselor_id == counselor_id)
        .options(
            # The partners with their names in one query (nothing else of the account is
            # shown), and the assignments themselves: each kind reads what else it needs in
            # its own queries (``Kind.dashboard``). Loaded through the couples' own query,
            # not a list of their ids: a hundred couples send one number, not a hundred.
            subqueryload(Couple.partners)
            .joinedload(Partner.user)
            .load_only(User.display_name, raiseload=True),
            subqueryload(Couple.assignments),
        )
        .order_by(_STATUS_ORDER, Couple.name, Couple.id)
    )


#: Active couples first, then paused ones, then archived ones (the last pages).
_STATUS_ORDER = case(
    (Couple.status == CoupleStatus.ACTIVE, 0), (Couple.status == CoupleStatus.PAUSED, 1), else_=2
)


def dashboard(counselor_id: int, now: datetime | None = None) -> list[CoupleSummary]:
    """This week's completion, each kind's facts and flags for every one of the
    counselor's couples (the daily digest counts them all). A fixed number of queries
    however many couples and weeks there are: each kind reads all the couples' rows at
    once (``Kind.dashboard``)."""
    return summarize(counselor_id, list(db.session.scalars(_couples_of(counselor_id))), now)


@cache
def _page_query():
    """A page of a counselor's couples (``page_of_couples``), for the bound parameters
    ``counselor_id``, ``per_page`` and ``skip``. Built once, with its cache key: the
    dashboard asks it on every showing."""
    counselor_id = bindparam("counselor_id")
    return (
        select(Couple.id, Couple.data_version, CoupleVisit.opened_at, func.count().over())
        .outerjoin(
            CoupleVisit,
            (CoupleVisit.couple_id == Couple.id) & (CoupleVisit.counselor_id == counselor_id),
        )
        .where(Couple.counselor_id == counselor_id)
        .order_by(_STATUS_ORDER, Couple.name, Couple.id)
        .limit(bindparam("per_page", type_=Integer))
        .offset(bindparam("skip", type_=Integer))
    )


def page_of_couples(
    counselor_id: int, number: int = 1, per_page: int = DASHBOARD_PAGE
) -> DashboardPage:
    """One page of the counselor's couples as ids, with each one's ``data_version``, when
    the counselor last opened its page, and the number of all their couples: one query,
    no couple loaded. That is enough to tell whether a row drawn before still holds;
    ``load_rows`` reads the couples whose rows are to be drawn. A page past the end shows
    the last one."""
    number = max(number, 1)

    def page(number: int) -> list[Row]:
        at = {"counselor_id": counselor_id, "per_page": per_page, "skip": (number - 1) * per_page}
        return db.session.execute(_page_query(), at).all()

    rows = page(number)
    if not rows and number > 1:
        total = db.session.scalar(
            select(func.count(Couple.id)).where(Couple.counselor_id == counselor_id)
        )
        number = page_count(total, per_page)
        rows = page(number)
    return DashboardPage(
        [couple_id for couple_id, *_ in rows],
        number,
        per_page,
        rows[0][3] if rows else 0,
        versions={couple_id: version for couple_id, version, *_ in rows},
        visits={couple_id: visit for couple_id, _, visit, _ in rows if visit is not None},
    )


def load_rows(counselor_id: int, ids: list[int]) -> list[Couple]:
    """The counselor's couples of ``ids``, in that order, with what a dashboard row shows
    of them: the partners with their names and the assignments (each kind reads the rest
    in ``Kind.dashboard``). Three queries, as many as ``_couples_of`` makes."""
    if not ids:
        return []
    found = {
        c.id: c
        for c in db.session.scalars(
            select(Couple).where(Couple.counselor_id == counselor_id, among(Couple.id, ids))
        )
    }
    couples = [found[i] for i in ids if i in found]  # one deleted meanwhile is left out
    here = [c.id for c in couples]
    partners: dict[int, list[Partner]] = {i: [] for i in here}
    for partner in db.session.scalars(
        select(Partner)
        .where(among(Partner.couple_id, here))
        .options(joinedload(Partner.user).load_only(User.display_name, raiseload=True))
        .order_by(Partner.couple_id, Partner.place)
    ):
        partners[partner.couple_id].append(partner)
    assignments: dict[int, list[Assignment]] = {i: [] for i in here}
    for assignment in db.session.scalars(
        select(Assignment).where(among(Assignment.couple_id, here)).order_by(Assignment.id)
    ):
        assignments[assignment.couple_id].append(assignment)
    for couple in couples:
        set_committed_value(couple, "partners", partners[couple.id])
        set_committed_value(couple, "assignments", assignments[couple.id])
    return couples


def dashboard_page(
    counselor_id: int, number: int = 1, now: datetime | None = None, per_page: int = DASHBOARD_PAGE
) -> DashboardPage:
    """One page of the dashboard with every row's summary (what the page reads when no
    row is kept: ``blueprints.counselor.couple_rows``)."""
    page = page_of_couples(counselor_id, number, per_page)
    couples = load_rows(counselor_id, page.ids)
    page.summaries = summarize(counselor_id, couples, now, visits=page.visits)
    return page


def summarize(
    counselor_id: int,
    couples: list[Couple],
    now: datetime | None = None,
    *,
    visits: dict[int, datetime] | None = None,
) -> list[CoupleSummary]:
    """The dashboard's summary of each of ``couples`` (loaded as ``_couples_of`` or
    ``load_rows`` loads them), in their order; ``visits``, when the caller has read them,
    are when the counselor last opened each couple's page."""
    now = now or datetime.now(UTC)
    if not couples:
        return []
    _load_waiting_invitations(couples)
    weeks = {c.id: couple_week(c, now) for c in couples}
    week_of = {c.id: w.start for c, w in ((c, weeks[c.id]) for c in couples)}
    earliest = min(week_of.values()) - timedelta(weeks=2)
    rows = [(kind, kind.dashboard(couples, week_of, now)) for kind in registry.REGISTRY]
    activity = _recent_activity(couples, earliest - timedelta(weeks=2))
    if visits is None:
        visits = whats_new.last_visits(counselor_id)
    unread = private_words.unread(c.id for c in couples)

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
        s.unread_words = unread.get(couple.id, 0)
        for kind, row in rows:
            running = next((a for a in active if a.kind == kind.key and a.covers(week.start)), None)
            part = row(couple, running)
            s.done += part.done
            s.total += part.total
            s.facts += part.facts
            s.flags += part.flags
        summaries.append(s)
    return summaries


def _load_waiting_invitations(couples: list[Couple]) -> None:
    """The links of the places nobody has joined yet, the only ones the dashboard shows
    (a practice's couples have mostly joined: their links are not read at all)."""
    waiting = {p.id: p for c in couples for p in c.partners if not p.joined and not p.left}
    found: dict[int, list[Invitation]] = {pid: [] for pid in waiting}
    if waiting:
        for invitation in db.session.scalars(
            select(Invitation)
            .where(among(Invitation.partner_id, waiting))
            .order_by(Invitation.created_at.desc())
        ):
            found[invitation.partner_id].append(invitation)
    for pid, partner in waiting.items():
        set_committed_value(partner, "invitations", found[pid])


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
