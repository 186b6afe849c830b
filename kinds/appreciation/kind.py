"""Appreciation notes as a kind of homework: its part of every page, copy and export.

A partner writes the other a short note of thanks. The recipient always reads it: a "New
note from Jordan" waits on their week until they open it, and "Our notes" keeps every note
for both to reread. The writer chooses, as they write, who else may read it:

- "Just for Jordan" (``Visibility.PARTNERS``, the default): between the two of them. The
  counselor sees that a note was written (counts per partner per week), never its words.
- "Jordan and our counselor" (``Visibility.SHARED``): the counselor may read the words too.

Nothing here is private from the other partner, so a partner who leaves takes no note with
them: a note they wrote was given to the partner who stays (as a shared answer was), and a
note written to them is the staying partner's own words. Both stay, attributed to "a former
partner", and words kept between the two stay out of the counselor's reach as before.
Notes are never quoted in a summary (nothing to pin): the counselor-shared words are in the
couple page's review, "Since the last session" and the summary itself.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext
from sqlalchemy import false, select

from domain.dates import write as write_date
from domain.visibility import Audience
from extensions import db
from kinds.appreciation.forms import note_form
from kinds.appreciation.models import KEY, AppreciationNote
from kinds.appreciation.routes import bp
from kinds.base import Entry, GridRow, Kind, Place, PrivateText, Progress
from models import AssignmentStatus, Visibility, among
from web.i18n import N_

PARTNERS, SHARED = Visibility.PARTNERS.value, Visibility.SHARED.value


@dataclass
class Notes:
    """The couple's notes written in weeks up to the last loaded one, newest first."""

    notes: list[AppreciationNote] = field(default_factory=list)

    def between(self, first: date, last: date) -> list[AppreciationNote]:
        return [n for n in self.notes if first <= n.week_start <= last]


@dataclass
class NotesCard:
    kind = KEY
    assignment: object
    week: object
    new: list[AppreciationNote]  # written to me, not opened yet (any week up to this one)
    this_week: list[AppreciationNote]  # written by me, or to me and opened, this week
    kept: int  # every note in "Our notes"
    partner_name: str
    partner_joined: bool
    open: bool
    wrote: bool  # I wrote a note this week

    # A note of thanks is never owed: the nudge is gentle, and nothing is left undone.
    done = 0
    total = 0

    @property
    def started(self) -> bool:
        """This partner wrote a note this week (the instructions fold to a line)."""
        return self.wrote

    @property
    def nudge(self) -> bool:
        return self.open and not self.wrote and self.partner_joined


@dataclass
class WeekCounts:
    week: date
    counts: list[tuple[str, int]]  # (writer's name, notes written), by place


@dataclass
class NotesReview:
    weeks: list[WeekCounts]  # newest first
    shared: list[tuple[str, str, AppreciationNote, str]]  # (from, to, note, words)
    total: int


@dataclass
class NotesSection:
    counts: list[tuple[str, int]]  # (writer, notes written in the period)
    notes: list[tuple[str, str, AppreciationNote, str]]  # (from, to, note, words)
    kept_between: int  # notes whose words this copy leaves out


def _wk(week_start: date) -> str:
    """ "week of 16 Nov", in the reader's language."""
    return gettext("week of %(day)s", day=write_date(week_start, "day_month"))


def counts_by_writer(notes, partners) -> list[tuple[str, int]]:
    found = Counter(n.partner_id for n in notes)
    return [(p.name, found.get(p.id, 0)) for p in partners]


class AppreciationKind(Kind):
    key = KEY
    name = "Appreciation notes"
    default_instructions = N_(
        "Once a week or whenever you like, write your partner a short note of thanks for "
        "something small they did. A sentence is plenty."
    )
    models = (AppreciationNote,)
    # The recipient always reads a note; "just for" them keeps the words from the
    # counselor. No row is private from the other partner, so none goes with a writer who
    # leaves (see the module's docstring).
    private = (
        PrivateText(
            AppreciationNote,
            ("text",),
            "visibility",
            private_sql=lambda: false(),
            written_by=lambda pid: AppreciationNote.partner_id == pid,
            choices=(SHARED, PARTNERS),
        ),
    )
    blueprint = bp
    links = (("Our notes", "appreciation.collection"),)

    # --- Reading ---------------------------------------------------------------------

    def load(self, hw) -> Notes:
        ids = [p.id for p in hw.couple.partners]
        return Notes(
            list(
                db.session.scalars(
                    select(AppreciationNote)
                    .where(
                        AppreciationNote.partner_id.in_(ids),
                        AppreciationNote.week_start <= hw.last,
                    )
                    .order_by(AppreciationNote.created_at.desc(), AppreciationNote.id.desc())
                )
            )
        )

    def answered(self, hw, assignment, week: date) -> set[int]:
        return {
            n.partner_id
            for n in hw.data[KEY].notes
            if n.week_start == week and n.assignment_id == assignment.id
        }

    def card(self, hw, assignment, week, me, viewer, now) -> NotesCard:
        data: Notes = hw.data[KEY]
        audience = Audience.of(viewer, hw.couple.id)
        mine = [
            n
            for n in data.notes
            if me.id in (n.partner_id, n.recipient_id) and audience.may(n.partner_id, n.visibility)
        ]
        new = [n for n in mine if n.recipient_id == me.id and n.opened_at is None]
        this_week = [
            n
            for n in mine
            if (n.partner_id == me.id and n.week_start == week.start)
            or (
                n.recipient_id == me.id
                and n.opened_at is not None
                and (n.week_start == week.start or week.contains(n.opened_at))
            )
        ]
        other = me.other
        return NotesCard(
            assignment=assignment,
            week=week,
            new=new,
            this_week=this_week,
            kept=len(mine),
            partner_name=other.name,
            partner_joined=other.joined,
            open=week.is_open(now) and assignment.status == AssignmentStatus.ACTIVE,
            wrote=any(n.partner_id == me.id and n.week_start == week.start for n in mine),
        )

    def card_forms(self, card) -> dict:
        return {KEY: note_form(card.partner_name, formdata=None)}

    # --- The counselor ---------------------------------------------------------------

    def grid_rows(self, hw, weeks, who) -> list[GridRow]:
        mine = [a for a in hw.assignments if a.kind == KEY]
        if not mine:
            return []
        notes = hw.data[KEY].notes
        cells = []
        for w in weeks:
            if not any(a.covers(w.start) for a in mine):
                cells.append("")
                continue
            cells.append(who({n.partner_id for n in notes if n.week_start == w.start}))
        return [GridRow("Notes", cells, anchor=KEY)]

    def review(self, hw, weeks, chart_weeks) -> NotesReview | None:
        if not any(a.kind == KEY for a in hw.assignments):
            return None
        notes = hw.data[KEY].notes
        partners = list(hw.couple.partners)
        names = {p.id: p.name_with_role for p in partners}
        counts = [
            WeekCounts(w.start, counts_by_writer(hw.data[KEY].between(w.start, w.start), partners))
            for w in reversed(weeks)
        ]
        audience = Audience.counselor_of(hw.couple)
        shared = [
            (names.get(n.partner_id, ""), names.get(n.recipient_id, ""), n, text)
            for n in notes
            if (text := audience.text(n.partner_id, n.text, n.visibility))
        ]
        # The latest words are what a counselor reads before a session; the rest are in
        # the summaries and the export.
        return NotesReview(counts, shared[:12], len(notes))

    def entries(self, hw, weeks, audience, names) -> list[Entry]:
        if not any(a.kind == KEY for a in hw.assignments):
            return []
        starts = {w.start for w in weeks}
        found = []
        for n in hw.data[KEY].notes:
            if n.week_start not in starts or n.partner_id not in names:
                continue
            to = names.get(n.recipient_id, "their partner")
            text = audience.text(n.partner_id, n.text, n.visibility)
            found.append(
                Entry(
                    KEY,
                    n.week_start,
                    f"A note to {to}",
                    n.partner_id,
                    n.created_at,
                    # Words kept between the two: only that a note was written.
                    outcome="" if text else f"just for {to}",
                    words=[("", text)] if text else [],
                    private=False if text else None,
                    policy=n.policy if text else None,
                )
            )
        return found

    def dashboard(self, couples, week_of, now):
        """How many notes each partner wrote in the couple's week (a fact, not a task)."""
        ids = [p.id for c in couples for p in c.partners]
        earliest = min(week_of.values()) if week_of else None
        wrote: Counter = Counter()
        if ids and earliest is not None:
            wrote = Counter(
                db.session.execute(
                    select(AppreciationNote.partner_id, AppreciationNote.week_start).where(
                        among(AppreciationNote.partner_id, ids),
                        AppreciationNote.week_start >= earliest,
                    )
                ).all()
            )

        def row(couple, assignment) -> Progress:
            if assignment is None:
                return Progress()
            week = week_of[couple.id]
            said = [
                f"{p.name} {wrote[(p.id, week)]}" for p in couple.partners if wrote[(p.id, week)]
            ]
            if not said:
                return Progress()
            return Progress(facts=[f"Notes this week: {', '.join(said)}"])

        return row

    def activity(self, couples, since: date):
        ids = [p.id for c in couples for p in c.partners]
        return [
            select(AppreciationNote.partner_id, AppreciationNote.created_at).where(
                among(AppreciationNote.partner_id, ids), AppreciationNote.week_start >= since
            )
        ]

    # --- Summaries -------------------------------------------------------------------

    def summarize(self, summary, hw, audience: Audience, names) -> NotesSection | None:
        weeks = summary.weeks
        if not weeks or not any(hw.assignment(KEY, w.start) for w in weeks):
            return None
        notes = [
            n
            for n in hw.data[KEY].between(weeks[0].start, weeks[-1].start)
            if n.partner_id in names
        ]
        shown = [
            (names[n.partner_id], names.get(n.recipient_id, ""), n, text)
            for n in notes
            if (text := audience.text(n.partner_id, n.text, n.visibility))
        ]
        return NotesSection(
            counts_by_writer(notes, hw.couple.partners),
            shown,
            kept_between=len(notes) - len(shown),
        )

    # --- Export and the audit trail --------------------------------------------------

    def export(self, hw, lens) -> dict[str, list]:
        """Each note the reader may know of, oldest first: for a partner, the notes they
        wrote and received, whole; for the counselor every note, with words only where the
        writer shared them with the counselor."""
        rows = []
        me = lens.me
        for n in reversed(hw.data[KEY].notes):
            if me is not None and me.id not in (n.partner_id, n.recipient_id):
                continue
            row = {
                "week_start": n.week_start.isoformat(),
                "written_at": n.created_at.isoformat() if n.created_at else None,
                **lens.who(n.partner_id),
                "to": lens.names.get(n.recipient_id, ""),
                "opened": n.opened_at is not None,
            }
            if me is not None:
                row["to_you"] = n.recipient_id == me.id
            text = lens.text(n.partner_id, n.text, n.visibility)
            if text:
                row["note"] = text
                row["note_for"] = (
                    "just for the two of you"
                    if n.visibility == PARTNERS
                    else "the two of you and the counselor"
                )
            rows.append(row)
        return {"appreciation_notes": rows}

    def describe(self, session, obj):
        if isinstance(obj, AppreciationNote):
            from domain.audit_changes import couple_of_assignment

            couple = couple_of_assignment(session, obj.assignment_id)
            return f"Appreciation note, {_wk(obj.week_start)}", Place(couple, obj.partner_id)
        return None

    # --- Demo, benchmark and tests ---------------------------------------------------

    def demo(self, assignment, weeks, at) -> None:
        partner = {p.place: p for p in assignment.couple.partners}
        for who, back, day, text, visibility in DEMO_NOTES:
            if back >= len(weeks):
                continue
            week = weeks[-1 - back]
            writer = partner[who]
            db.session.add(
                AppreciationNote(
                    assignment_id=assignment.id,
                    partner_id=writer.id,
                    recipient_id=partner[3 - who].id,
                    week_start=week,
                    text=text,
                    visibility=visibility,
                    created_at=at(week, day, 20),
                    # The newest note waits to be opened: the demo shows "New note from".
                    opened_at=None if back == 0 else at(week, day, 22),
                )
            )

    def bench_rows(self, seed) -> None:
        rng = seed.rng
        first, second = seed.partners
        for week in seed.weeks:
            for pid, to in ((first, second), (second, first)):
                if rng.random() >= seed.keen * 0.5:
                    continue
                day = rng.randint(0, 6)
                written = seed.at(week, 20) + timedelta(days=day)
                seed.batch.add(
                    "appreciation_notes",
                    {
                        "id": seed.ids.take("appreciation_notes"),
                        "assignment_id": seed.assignment_id,
                        "partner_id": pid,
                        "recipient_id": to,
                        "week_start": week,
                        "text": rng.choice(BENCH_NOTES),
                        "visibility": PARTNERS if rng.random() < 0.7 else SHARED,
                        "policy_id": None,
                        "opened_at": written + timedelta(hours=2),
                        "created_at": written,
                    },
                )

    def sample(self, assignment, writer, week, word, visibility) -> None:
        (private,) = self.private
        db.session.add(
            AppreciationNote(
                assignment_id=assignment.id,
                partner_id=writer.id,
                recipient_id=writer.other.id,
                week_start=week,
                text=word(private, "text"),
                visibility=visibility,
            )
        )


# The demo couple's notes: (writer's place, weeks back from the latest, day of the week,
# words, who may read them besides the recipient).
DEMO_NOTES = [
    (1, 3, 1, "Thank you for picking me up from the station in the rain.", PARTNERS),
    (2, 2, 3, "Thanks for listening on Wednesday without trying to fix it.", SHARED),
    (1, 1, 5, "Thank you for planning Saturday. I loved the picnic.", PARTNERS),
    (2, 0, 0, "Thank you for the coffee on my desk this morning.", PARTNERS),
]
BENCH_NOTES = [
    "Thank you for cooking tonight.",
    "Thanks for waiting up for me.",
    "Thank you for the kind text at lunch.",
    "Thanks for taking the bins out without being asked.",
]
