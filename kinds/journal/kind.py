"""The shared journal of progress as a kind of homework: its part of every page, copy and
export.

Either partner writes down a small moment that felt meaningful. Moments are shared with
the partner by default (the journal is for looking back on together); a writer may keep one
for the counselor. On a hard week (a check-in scale that dropped, among the check-ins the
reader may see) the card offers to look back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext
from sqlalchemy import select

from domain.dates import write as write_date
from domain.visibility import Audience
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
from kinds.checkin.kind import DROP
from kinds.checkin.models import CheckIn
from kinds.journal.forms import MomentForm
from kinds.journal.models import KEY, JournalEntry
from kinds.journal.routes import bp, newest_first
from models import AssignmentStatus, Visibility, among
from web.i18n import N_

PRIVATE = Visibility.COUNSELOR


@dataclass
class Journal:
    """The couple's moments written in weeks up to the last loaded one, and the check-ins
    of the loaded weeks (and the week before) that say whether a week was hard."""

    entries: list[JournalEntry] = field(default_factory=list)
    check_ins: list = field(default_factory=list)  # (partner, week, scales, shared)

    def between(self, first: date, last: date) -> list[JournalEntry]:
        return [e for e in self.entries if first <= e.week_start <= last]


@dataclass
class Moment:
    """A moment as one reader sees it: the words only when they may read them."""

    entry: JournalEntry
    by_me: bool
    by_name: str
    text: str

    @property
    def private(self) -> bool:
        return self.entry.visibility == PRIVATE


@dataclass
class JournalCard:
    kind = KEY
    assignment: object
    week: object
    moments: list[Moment]  # this week's, newest first, the ones I may read
    looking_back: int  # every moment I may read, all weeks
    hard: bool  # a scale I may see dropped: offer to look back
    partner_name: str
    open: bool

    # Nothing is owed: a meaningful moment can't be due, so the journal adds nothing to
    # the week's "done" count or to what is left this week.
    done = 0
    total = 0

    @property
    def started(self) -> bool:
        """This partner wrote a moment down this week (the instructions fold to a line)."""
        return any(m.by_me for m in self.moments)


@dataclass
class JournalReview:
    moments: list[JournalEntry]  # newest first
    names: dict[int, str]
    total: int


@dataclass
class JournalSection:
    moments: list[tuple[str, JournalEntry, str]]  # (writer, entry, words), newest first


def hard_week(check_ins, week: date, may_see) -> bool:
    """Did a check-in scale drop by ``DROP`` (or outside stress rise by as much) between the
    week before and ``week``, or between the two weeks before it when ``week`` has no
    check-in yet? Only check-ins whose numbers ``may_see(partner_id, visibility)``: a
    partner who kept their numbers for the counselor is never given away by an offer."""
    by_partner: dict[int, dict[date, object]] = {}
    for c in check_ins:
        if may_see(c.partner_id, c.visibility):
            by_partner.setdefault(c.partner_id, {})[c.week_start] = c
    for weeks in by_partner.values():
        latest = max((w for w in weeks if w <= week), default=None)
        if latest is None or latest < week - timedelta(weeks=1):
            continue
        before = weeks.get(latest - timedelta(weeks=1))
        if before is None:
            continue
        now = weeks[latest]
        if any(
            was is not None and then is not None and was - then >= DROP
            for was, then in (
                (before.connected, now.connected),
                (before.heard, now.heard),
                (now.stress, before.stress),
            )
        ):
            return True
    return False


@dataclass
class _CheckInScales:
    partner_id: int
    week_start: date
    connected: int | None  # None: not asked on 1–10 that week
    heard: int | None
    stress: int | None
    visibility: str


def _weeks_before(day: date, weeks: int) -> date:
    """``weeks`` before ``day``, or the earliest date (an export loads all time)."""
    return day - timedelta(weeks=weeks) if day > date.min + timedelta(weeks=weeks) else date.min


def _wk(week_start: date) -> str:
    """ "week of 16 Nov", in the reader's language."""
    return gettext("week of %(day)s", day=write_date(week_start, "day_month"))


def _day(d: date) -> str:
    """ "16 Nov", in the reader's language."""
    return write_date(d, "day_month")


class JournalKind(Kind):
    key = KEY
    name = "Shared journal"
    default_instructions = N_(
        "When a small moment between you two feels meaningful, write it down in a sentence. "
        "On harder weeks, look back at what you've written together."
    )
    models = (JournalEntry,)
    # A moment kept for the counselor is only words: the whole row goes with a writer who
    # leaves (an empty moment with a date would still say something happened).
    private = (
        PrivateText(
            JournalEntry,
            ("text",),
            "visibility",
            private_sql=lambda: JournalEntry.visibility == PRIVATE,
            written_by=lambda pid: JournalEntry.partner_id == pid,
            on_leave="delete",
        ),
    )
    pinnable = (Pinnable("journal", JournalEntry, {"": "text"}),)
    blueprint = bp

    # --- Reading ---------------------------------------------------------------------

    def load(self, hw) -> Journal:
        ids = [p.id for p in hw.couple.partners]
        entries = list(
            db.session.scalars(
                select(JournalEntry).where(
                    JournalEntry.partner_id.in_(ids), JournalEntry.week_start <= hw.last
                )
            )
        )
        scales = [
            _CheckInScales(
                r.partner_id,
                r.week_start,
                r.connected,
                r.heard,
                r.stress,
                Visibility.SHARED if r.scales_shared else PRIVATE,
            )
            for r in db.session.execute(
                select(
                    CheckIn.partner_id,
                    CheckIn.week_start,
                    CheckIn.connected,
                    CheckIn.heard,
                    CheckIn.stress,
                    CheckIn.scales_shared,
                ).where(
                    CheckIn.partner_id.in_(ids),
                    CheckIn.week_start.between(_weeks_before(hw.first, 2), hw.last),
                )
            )
        ]
        return Journal(newest_first(entries), scales)

    def answered(self, hw, assignment, week: date) -> set[int]:
        return {
            e.partner_id
            for e in hw.data[KEY].entries
            if e.week_start == week and e.assignment_id == assignment.id
        }

    def card(self, hw, assignment, week, me, viewer, now) -> JournalCard:
        data: Journal = hw.data[KEY]
        audience = Audience.of(viewer, hw.couple.id)
        names = {p.id: p.name_with_role for p in hw.couple.partners}
        readable = [e for e in data.entries if audience.may(e.partner_id, e.visibility)]
        moments = [
            Moment(e, e.partner_id == me.id, names.get(e.partner_id, ""), e.text)
            for e in readable
            if e.week_start == week.start
        ]
        return JournalCard(
            assignment=assignment,
            week=week,
            moments=moments,
            looking_back=len(readable),
            hard=hard_week(data.check_ins, week.start, audience.may),
            partner_name=me.other.name_with_role,
            open=week.is_open(now) and assignment.status == AssignmentStatus.ACTIVE,
        )

    def card_forms(self, card) -> dict:
        return {KEY: MomentForm(formdata=None, prefix=KEY)}

    # --- The counselor ---------------------------------------------------------------

    def grid_rows(self, hw, weeks, who) -> list[GridRow]:
        mine = [a for a in hw.assignments if a.kind == KEY]
        if not mine:
            return []
        entries = hw.data[KEY].entries
        cells = []
        for w in weeks:
            if not any(a.covers(w.start) for a in mine):
                cells.append("")
                continue
            cells.append(who({e.partner_id for e in entries if e.week_start == w.start}))
        return [GridRow("Journal", cells, anchor="journal")]

    def review(self, hw, weeks, chart_weeks) -> JournalReview | None:
        if not any(a.kind == KEY for a in hw.assignments):
            return None
        entries = hw.data[KEY].entries
        names = {p.id: p.name_with_role for p in hw.couple.partners}
        # The latest moments are what a counselor reads before a session; the rest are
        # in the summaries and the export.
        return JournalReview(entries[:12], names, len(entries))

    def entries(self, hw, weeks, audience, names) -> list[Entry]:
        if not any(a.kind == KEY for a in hw.assignments):
            return []
        starts = {w.start for w in weeks}
        found = []
        for e in hw.data[KEY].entries:
            if e.week_start not in starts or e.partner_id not in names:
                continue
            text = audience.text(e.partner_id, e.text, e.visibility)
            if not text:
                continue
            what = "A moment" + (f" on {_day(e.happened_on)}" if e.happened_on else "")
            found.append(
                Entry(
                    "journal",
                    e.week_start,
                    what,
                    e.partner_id,
                    e.created_at,
                    words=[("", text)],
                    private=e.visibility == PRIVATE,
                    policy=e.policy,
                )
            )
        return found

    def dashboard(self, couples, week_of, now):
        """Who of the two wrote a moment down in the couple's week (a fact, not a count)."""
        ids = [p.id for c in couples for p in c.partners]
        earliest = min(week_of.values()) if week_of else None
        wrote: set[tuple[int, date]] = set()
        if ids and earliest is not None:
            wrote = {
                (pid, week)
                for pid, week in db.session.execute(
                    select(JournalEntry.partner_id, JournalEntry.week_start).where(
                        among(JournalEntry.partner_id, ids), JournalEntry.week_start >= earliest
                    )
                )
            }

        def row(couple, assignment) -> Progress:
            if assignment is None:
                return Progress()
            week = week_of[couple.id]
            writers = [p.name for p in couple.partners if (p.id, week) in wrote]
            if not writers:
                return Progress()
            # Not counted as homework done: a fact worth knowing before a session.
            return Progress(facts=[f"Journal this week: {' and '.join(writers)}"])

        return row

    def activity(self, couples, since: date):
        ids = [p.id for c in couples for p in c.partners]
        return [
            select(JournalEntry.partner_id, JournalEntry.created_at).where(
                among(JournalEntry.partner_id, ids), JournalEntry.week_start >= since
            )
        ]

    # --- Summaries -------------------------------------------------------------------

    def summarize(self, summary, hw, audience: Audience, names) -> JournalSection | None:
        weeks = summary.weeks
        if not weeks or not any(hw.assignment(KEY, w.start) for w in weeks):
            return None
        first, last = weeks[0].start, weeks[-1].start
        moments = [
            (names[e.partner_id], e, text)
            for e in hw.data[KEY].between(first, last)
            if e.partner_id in names and (text := audience.text(e.partner_id, e.text, e.visibility))
        ]
        return JournalSection(moments)

    def pinnable_rows(self, hw, pinnable) -> list:
        return hw.data[KEY].between(hw.first, hw.last)

    def pinned(self, pinnable, row, field_name: str) -> Quotable:
        when = _day(row.happened_on) if row.happened_on else _wk(row.week_start)
        return Quotable(
            pinnable.source,
            row.id,
            field_name,
            row.partner_id,
            row.text or "",
            row.visibility,
            gettext("Journal, %(when)s", when=when),
            row.week_start,
            row.assignment_id,
        )

    # --- Export and the audit trail --------------------------------------------------

    def export(self, hw, lens) -> dict[str, list]:
        rows = []
        for e in reversed(hw.data[KEY].entries):  # oldest first, like the other kinds
            row = {
                "week_start": e.week_start.isoformat(),
                "happened_on": e.happened_on.isoformat() if e.happened_on else None,
                **lens.who(e.partner_id),
            }
            lens.put_text(row, "moment", e.partner_id, e.text, e.visibility)
            if "moment" in row:
                rows.append(row)
        return {"journal": rows}

    def describe(self, session, obj):
        if isinstance(obj, JournalEntry):
            from domain.audit_changes import couple_of_assignment

            couple = couple_of_assignment(session, obj.assignment_id)
            return f"Journal moment, {_wk(obj.week_start)}", Place(couple, obj.partner_id)
        return None

    # --- Demo, benchmark and tests ---------------------------------------------------

    def demo(self, assignment, weeks, at) -> None:
        partner = {p.place: p for p in assignment.couple.partners}
        for who, back, day, text, visibility in DEMO_MOMENTS:
            if back >= len(weeks):
                continue
            week = weeks[-1 - back]
            db.session.add(
                JournalEntry(
                    assignment_id=assignment.id,
                    partner_id=partner[who].id,
                    week_start=week,
                    happened_on=week + timedelta(days=day) if day is not None else None,
                    text=text,
                    visibility=visibility,
                    created_at=at(week, day or 0, 21),
                )
            )

    def bench_rows(self, seed) -> None:
        rng = seed.rng
        for week in seed.weeks:
            for pid in seed.partners:
                if rng.random() >= seed.keen * 0.6:
                    continue
                day = rng.randint(0, 6)
                seed.batch.add(
                    "journal_entries",
                    {
                        "id": seed.ids.take("journal_entries"),
                        "assignment_id": seed.assignment_id,
                        "partner_id": pid,
                        "week_start": week,
                        "happened_on": week + timedelta(days=day),
                        "text": rng.choice(BENCH_MOMENTS),
                        "visibility": "shared" if rng.random() < 0.85 else "counselor",
                        "created_at": seed.at(week, 21) + timedelta(days=day),
                    },
                )

    def sample(self, assignment, writer, week, word, visibility) -> None:
        (private,) = self.private
        db.session.add(
            JournalEntry(
                assignment_id=assignment.id,
                partner_id=writer.id,
                week_start=week,
                text=word(private, "text"),
                visibility=visibility,
            )
        )


SHARED = Visibility.SHARED
# The demo couple's moments: (partner place, weeks back from the latest, day of the week or
# None, words, who may read them).
DEMO_MOMENTS = [
    (1, 4, 2, "Alex left a note on the fridge before my early shift.", SHARED),
    (2, 3, 0, "We walked to the lake and didn't look at our phones once.", SHARED),
    (1, 2, None, "We talked about money without it turning into a fight.", SHARED),
    (2, 1, 1, "I felt close to Sam again when we cooked together.", PRIVATE),
    (2, 0, 0, "Sam laughed at my terrible joke at breakfast.", SHARED),
]
BENCH_MOMENTS = [
    "We laughed while cooking.",
    "You brought me tea without asking.",
    "A slow walk on Sunday.",
    "We said sorry quickly this time.",
]
