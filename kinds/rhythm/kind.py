"""The weekly rhythm as a kind of homework: its part of every page, copy and export."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext, ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from domain.dates import write as write_date
from domain.visibility import VISIBILITY_WORDS, Audience
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
from kinds.rhythm.forms import ReflectionForm, RhythmAssignmentForm, RhythmMarkForm
from kinds.rhythm.models import (
    DEFAULT_ITEMS,
    KEY,
    RhythmItem,
    RhythmMark,
    RhythmReflection,
    label_from,
)
from kinds.rhythm.routes import bp
from models import Assignment, AssignmentStatus, Visibility, among
from web.i18n import N_

PRIVATE = Visibility.COUNSELOR
SHARED = Visibility.SHARED


@dataclass
class Rhythm:
    """The couple's marks and reflections in the loaded weeks."""

    marks: dict[tuple[int, date], RhythmMark] = field(default_factory=dict)  # (item, week)
    # (assignment, week, partner place)
    reflections: dict[tuple[int, date, int], RhythmReflection] = field(default_factory=dict)


@dataclass
class MarkView:
    by_name: str
    by_me: bool
    at: datetime
    note: str | None  # None when the viewer may not read it (or there is none)
    note_visibility: str


@dataclass
class ItemView:
    item: RhythmItem
    mark: MarkView | None


@dataclass
class ReflectionView:
    partner_name: str
    helped: str | None
    didnt_help: str | None


@dataclass
class RhythmCard:
    kind = KEY
    assignment: Assignment
    week: object
    items: list[ItemView]
    open: bool
    mine: RhythmReflection | None
    theirs: ReflectionView | None

    @property
    def done(self) -> int:
        return sum(1 for i in self.items if i.mark)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def left_label(self) -> str:
        left = self.total - self.done
        return ngettext("%(num)d still to do together", "%(num)d still to do together", left)

    @property
    def started(self) -> bool:
        """This partner has done something on the card this week (a mark, a reflection)."""
        return self.mine is not None or any(i.mark and i.mark.by_me for i in self.items)


@dataclass
class RhythmWeek:
    week: object
    # wording, done by, note, note kept for the counselor
    items: list[tuple[str, str | None, str | None, bool]]
    # who, helped, didn't, kept for the counselor
    reflections: list[tuple[str, str | None, str | None, bool]]


@dataclass
class RhythmSection:
    weeks: list[RhythmWeek]
    items: list[str]  # the columns' short labels, as in the latest week shown


class RhythmKind(Kind):
    key = KEY
    name = "Weekly rhythm"
    default_instructions = N_(
        "Each week, make room for three small things together. Either of you can tick one "
        "off when it has happened. They don't need to be perfect; they need to be real."
    )
    models = (RhythmItem, RhythmMark, RhythmReflection)
    # Ticks are joint and stay when a partner leaves; a note kept for the counselor is
    # emptied. A reflection kept for the counselor goes whole.
    private = (
        PrivateText(
            RhythmMark,
            ("note",),
            "note_visibility",
            private_sql=lambda: RhythmMark.note_visibility == PRIVATE,
            written_by=lambda pid: RhythmMark.partner_id == pid,
        ),
        PrivateText(
            RhythmReflection,
            ("helped", "didnt_help"),
            "visibility",
            private_sql=lambda: RhythmReflection.visibility == PRIVATE,
            written_by=lambda pid: RhythmReflection.partner_id == pid,
            on_leave="delete",
        ),
    )
    pinnable = (
        Pinnable("rhythm_mark", RhythmMark, {"": "note"}),
        Pinnable("reflection", RhythmReflection, {"helped": "helped", "didnt_help": "didnt_help"}),
    )
    blueprint = bp

    # --- Assigning -------------------------------------------------------------------

    def assignment_form(self):
        return RhythmAssignmentForm

    def prefill(self, form, assignment) -> None:
        if assignment:
            words = [(i.wording, i.shown_label) for i in assignment.rhythm_items]
        else:
            words = [(w, label_from(w)) for w in DEFAULT_ITEMS]
        for (item_f, label_f), (wording, label) in zip(_fields(form), words, strict=False):
            item_f.data = wording
            if label_f is not None:
                label_f.data = label

    def apply(self, form, assignment, *, new: bool) -> None:
        if form is not None:
            words = [(i.data, (lb.data if lb else "") or "") for i, lb in _fields(form)]
        else:
            words = [(w, "") for w in DEFAULT_ITEMS]
        if new:
            assignment.rhythm_items = [
                RhythmItem(position=i, wording=w, label=_label(label, w, default))
                for i, ((w, label), default) in enumerate(
                    zip(words, DEFAULT_ITEMS, strict=True), start=1
                )
            ]
            return
        for item, (wording, label) in zip(assignment.rhythm_items, words, strict=False):
            item.label = _label(label, wording, item.wording)
            item.wording = wording

    def same_settings(self, form, assignment) -> bool:
        return [i.wording for i in assignment.rhythm_items] == [i.data for i, _ in _fields(form)]

    def assignment_loads(self) -> list:
        return [selectinload(Assignment.rhythm_items)]

    def describe_assignment(self, assignment) -> dict:
        return {
            "items": [i.wording for i in assignment.rhythm_items],
            "labels": [i.shown_label for i in assignment.rhythm_items],
        }

    def template_settings(self, assignment) -> dict:
        return {
            "items": [i.wording for i in assignment.rhythm_items],
            "labels": [i.shown_label for i in assignment.rhythm_items],
        }

    def prefill_template(self, form, settings: dict) -> None:
        items, labels = settings.get("items"), settings.get("labels")
        items = items if isinstance(items, list) else []
        labels = labels if isinstance(labels, list) else []
        for n, (item_f, label_f) in enumerate(_fields(form)):
            wording = items[n] if n < len(items) else None
            if not isinstance(wording, str) or not wording.strip():
                continue  # a missing or odd item keeps the default wording
            item_f.data = wording
            if label_f is not None:
                label = labels[n] if n < len(labels) else None
                label_f.data = label if isinstance(label, str) and label else label_from(wording)

    # --- Reading ---------------------------------------------------------------------

    def load(self, hw) -> Rhythm:
        data = Rhythm()
        item_ids = [i.id for a in hw.assignments if a.kind == KEY for i in a.rhythm_items]
        ids = [a.id for a in hw.assignments if a.kind == KEY]
        if item_ids:
            for mark in db.session.scalars(
                select(RhythmMark).where(
                    among(RhythmMark.item_id, item_ids),
                    RhythmMark.week_start.between(hw.first, hw.last),
                )
            ):
                data.marks[(mark.item_id, mark.week_start)] = mark
        if ids:
            for r in db.session.scalars(
                select(RhythmReflection).where(
                    among(RhythmReflection.assignment_id, ids),
                    RhythmReflection.week_start.between(hw.first, hw.last),
                )
            ):
                data.reflections[(r.assignment_id, r.week_start, r.partner_id)] = r
        return data

    def answered(self, hw, assignment, week: date) -> set[int]:
        data = hw.data[KEY]
        done = {
            m.partner_id
            for i in assignment.rhythm_items
            if (m := data.marks.get((i.id, week))) is not None
        }
        return done | {
            pid for (aid, w, pid) in data.reflections if aid == assignment.id and w == week
        }

    def card(self, hw, assignment, week, me, viewer, now) -> RhythmCard:
        data = hw.data[KEY]
        audience = Audience.of(viewer, hw.couple.id)
        other = me.other
        items = []
        for item in assignment.rhythm_items:
            mark = data.marks.get((item.id, week.start))
            view = None
            if mark is not None:
                writer = me if mark.partner_id == me.id else other
                view = MarkView(
                    by_name=writer.name_with_role,
                    by_me=mark.partner_id == me.id,
                    at=mark.created_at,
                    note=audience.text(writer.id, mark.note, mark.note_visibility),
                    note_visibility=mark.note_visibility,
                )
            items.append(ItemView(item, view))
        theirs_row = data.reflections.get((assignment.id, week.start, other.id))
        theirs = None
        if theirs_row is not None:
            helped = audience.text(other.id, theirs_row.helped, theirs_row.visibility)
            didnt = audience.text(other.id, theirs_row.didnt_help, theirs_row.visibility)
            if helped or didnt:
                theirs = ReflectionView(other.name_with_role, helped, didnt)
        return RhythmCard(
            assignment=assignment,
            week=week,
            items=items,
            open=week.is_open(now) and assignment.status == AssignmentStatus.ACTIVE,
            mine=data.reflections.get((assignment.id, week.start, me.id)),
            theirs=theirs,
        )

    def card_forms(self, card) -> dict:
        forms = {}
        for item in card.items:
            key = f"mark-{item.item.id}"
            if item.mark is None:  # marking is for what is not marked yet
                forms[key] = RhythmMarkForm(formdata=None, prefix=key)
            elif item.mark.by_me and item.mark.note:
                key = f"note-{item.item.id}"
                forms[key] = RhythmMarkForm(formdata=None, prefix=key, obj=item.mark)
        key = f"reflection-{card.assignment.id}"
        forms[key] = ReflectionForm(formdata=None, prefix=key, obj=card.mine)
        if card.mine is not None:
            forms[key].version.data = str(card.mine.version)
        return forms

    # --- The counselor ---------------------------------------------------------------

    def grid_rows(self, hw, weeks, who) -> list[GridRow]:
        rhythm = hw.assignment(KEY) or next(
            (a for a in reversed(hw.assignments) if a.kind == KEY), None
        )
        if rhythm is None:
            return []
        data = hw.data[KEY]
        rows = []
        for item in rhythm.rhythm_items:
            cells = []
            for w in weeks:
                if not rhythm.covers(w.start):
                    cells.append("")
                    continue
                mark = data.marks.get((item.id, w.start))
                cells.append(who({mark.partner_id} if mark else set()))
            rows.append(
                GridRow(item.shown_label, cells, item.wording, anchor=f"rhythm-{item.position}")
            )
        cells = []
        for w in weeks:
            if not rhythm.covers(w.start):
                cells.append("")
                continue
            ids = {
                p.id for p in hw.couple.partners if (rhythm.id, w.start, p.id) in data.reflections
            }
            cells.append(who(ids))
        rows.append(GridRow("What helped / didn't", cells, anchor="rhythm-reflection"))
        return rows

    def review(self, hw, weeks, chart_weeks):
        return None  # the grid's rows and the week's entries say it all on the couple page

    def entries(self, hw, weeks, audience, names) -> list[Entry]:
        data = hw.data[KEY]
        found = []
        for week in weeks:
            assignment = hw.assignment(KEY, week.start)
            if assignment is None:
                continue
            for item in assignment.rhythm_items:
                mark = data.marks.get((item.id, week.start))
                if mark is None:
                    continue
                note = audience.text(mark.partner_id, mark.note, mark.note_visibility)
                found.append(
                    Entry(
                        f"rhythm-{item.position}",
                        week.start,
                        item.shown_label,
                        mark.partner_id,
                        mark.created_at,
                        outcome="done",
                        words=[("Note", note)] if note else [],
                        private=(mark.note_visibility == PRIVATE) if note else None,
                        policy=mark.policy,
                    )
                )
            for pid in names:
                r = data.reflections.get((assignment.id, week.start, pid))
                if r is None:
                    continue
                words = [
                    (label, text)
                    for label, text in (
                        ("What helped", audience.text(pid, r.helped, r.visibility)),
                        ("What didn't", audience.text(pid, r.didnt_help, r.visibility)),
                    )
                    if text
                ]
                if words:
                    found.append(
                        Entry(
                            "rhythm-reflection",
                            week.start,
                            "End-of-week reflection",
                            pid,
                            r.updated_at,
                            words=words,
                            private=r.visibility == PRIVATE,
                            policy=r.policy,
                        )
                    )
        return found

    def dashboard(self, couples, week_of, now):
        # From the assignments' ids alone: the dashboard loads no items (a hundred couples'
        # items as objects cost more than the page's own work).
        rhythms = {a.id for c in couples for a in c.assignments if a.kind == KEY}
        items: dict[int, int] = {}  # assignment id -> how many items it has
        marked: dict[tuple[int, date], set[int]] = {}  # (assignment id, week) -> items marked
        if rhythms:
            items = dict(
                db.session.execute(
                    select(RhythmItem.assignment_id, func.count(RhythmItem.id))
                    .where(among(RhythmItem.assignment_id, rhythms))
                    .group_by(RhythmItem.assignment_id)
                ).all()
            )
            for assignment_id, item_id, week_start in db.session.execute(
                select(RhythmItem.assignment_id, RhythmMark.item_id, RhythmMark.week_start)
                .join(RhythmItem, RhythmItem.id == RhythmMark.item_id)
                .where(
                    among(RhythmItem.assignment_id, rhythms),
                    RhythmMark.week_start >= min(week_of.values()),
                )
            ):
                marked.setdefault((assignment_id, week_start), set()).add(item_id)

        def count(couple, assignment) -> Progress:
            if assignment is None:
                return Progress()
            done = marked.get((assignment.id, week_of[couple.id]), set())
            return Progress(len(done), items.get(assignment.id, 0))

        return count

    def activity(self, couples, since: date):
        rhythms = [a.id for c in couples for a in c.assignments if a.kind == KEY]
        return [
            select(RhythmMark.partner_id.label("pid"), RhythmMark.created_at.label("at"))
            .join(RhythmItem, RhythmItem.id == RhythmMark.item_id)
            .where(among(RhythmItem.assignment_id, rhythms), RhythmMark.week_start >= since),
            select(RhythmReflection.partner_id, RhythmReflection.updated_at).where(
                among(RhythmReflection.assignment_id, rhythms), RhythmReflection.week_start >= since
            ),
        ]

    # --- Summaries -------------------------------------------------------------------

    def summarize(self, summary, hw, audience, names) -> RhythmSection | None:
        data = hw.data[KEY]
        section = RhythmSection([], [])
        for week in summary.weeks:
            assignment = hw.assignment(KEY, week.start)
            if assignment is None:
                continue
            section.items = [i.read_label for i in assignment.rhythm_items]
            items = []
            for item in assignment.rhythm_items:
                mark = data.marks.get((item.id, week.start))
                if mark is None:
                    items.append((item.wording, None, None, False))
                else:
                    note = audience.text(mark.partner_id, mark.note, mark.note_visibility)
                    private = mark.note_visibility == PRIVATE
                    items.append((item.wording, names[mark.partner_id], note, private))
            reflections = []
            for pid, name in names.items():
                r = data.reflections.get((assignment.id, week.start, pid))
                if r is None:
                    continue
                helped = audience.text(pid, r.helped, r.visibility)
                didnt = audience.text(pid, r.didnt_help, r.visibility)
                if helped or didnt:
                    reflections.append((name, helped, didnt, r.visibility == PRIVATE))
            section.weeks.append(RhythmWeek(week, items, reflections))
        return section if section.weeks else None

    def quotable(self, hw) -> list[Quotable]:
        found = super().quotable(hw)
        for q in found:
            if q.source == "reflection":
                q.where = f"{REFLECTION_LABELS.get(q.field, '')}, {q.where}"
        return found

    def pinnable_rows(self, hw, pinnable) -> list:
        data = hw.data[KEY]
        return list((data.marks if pinnable.model is RhythmMark else data.reflections).values())

    def pinned(self, pinnable, row, field_name: str) -> Quotable:
        if pinnable.model is RhythmMark:
            text, visibility, where = row.note, row.note_visibility, _wk(row.week_start)
            assignment_id = None
        else:
            column = pinnable.column(field_name)
            text = getattr(row, column, "") if column else ""
            # In the summary a pinned reflection reads "week of 3 Nov"; the counselor's
            # picker says which box it came from (``quotable``).
            visibility, where = row.visibility, _wk(row.week_start)
            assignment_id = row.assignment_id
        return Quotable(
            pinnable.source,
            row.id,
            field_name,
            row.partner_id,
            text or "",
            visibility,
            where,
            row.week_start,
            assignment_id,
        )

    # --- Export and the audit trail --------------------------------------------------

    def export(self, hw, lens) -> dict[str, list]:
        data = hw.data[KEY]
        items = {i.id: (a.id, i.wording) for a in hw.assignments for i in a.rhythm_items}
        marks = []
        # Either partner's tick is part of the joint rhythm both see; only the note may be
        # private.
        for (item_id, week), mark in sorted(
            data.marks.items(), key=lambda kv: (kv[0][1], kv[0][0])
        ):
            assignment_id, wording = items[item_id]
            row = {
                "homework_id": assignment_id,
                "week_start": week.isoformat(),
                "item": wording,
                **lens.who(mark.partner_id),
                "at": mark.created_at.isoformat() if mark.created_at else None,
            }
            lens.put_text(row, "note", mark.partner_id, mark.note, mark.note_visibility)
            marks.append(row)
        reflections = []
        for (assignment_id, week, pid), r in sorted(
            data.reflections.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2])
        ):
            row = {"homework_id": assignment_id, "week_start": week.isoformat(), **lens.who(pid)}
            lens.put_text(row, "what_helped", pid, r.helped, r.visibility)
            lens.put_text(row, "what_didnt", pid, r.didnt_help, r.visibility)
            if lens.whole(pid):
                row["for"] = VISIBILITY_WORDS[Visibility(r.visibility)]
                reflections.append(row)
            elif "what_helped" in row or "what_didnt" in row:
                reflections.append(row)
        return {"rhythm_marks": marks, "rhythm_reflections": reflections}

    def describe(self, session, obj):
        from domain.audit_changes import couple_of_assignment, get

        match obj:
            case RhythmReflection():
                couple = couple_of_assignment(session, obj.assignment_id)
                return f"Rhythm reflection, week of {obj.week_start}", Place(couple, obj.partner_id)
            case RhythmMark():
                item = get(session, RhythmItem, obj.item_id)
                couple = couple_of_assignment(session, item.assignment_id) if item else None
                return f"Rhythm item done, week of {obj.week_start}", Place(couple, obj.partner_id)
            case RhythmItem():
                return "Rhythm item", Place(couple_of_assignment(session, obj.assignment_id))
        return None

    # --- Demo, benchmark and tests ---------------------------------------------------

    def demo(self, assignment, weeks, at) -> None:
        partner = {p.place: p for p in assignment.couple.partners}
        for i, week in enumerate(DEMO_MARKS[: len(weeks)]):
            for item, done in zip(assignment.rhythm_items, week, strict=True):
                if done is None:
                    continue
                _position, who, note = done
                db.session.add(
                    RhythmMark(
                        item_id=item.id,
                        week_start=weeks[i],
                        partner_id=partner[who].id,
                        note=note,
                        note_visibility=SHARED,
                        created_at=at(weeks[i], 2 + who, 20),
                    )
                )
        for i, by_partner in DEMO_REFLECTIONS.items():
            for who, (helped, didnt, visibility) in by_partner.items():
                db.session.add(
                    RhythmReflection(
                        assignment_id=assignment.id,
                        week_start=weeks[i],
                        partner_id=partner[who].id,
                        helped=helped,
                        didnt_help=didnt,
                        visibility=visibility,
                        updated_at=at(weeks[i], 6, 21),
                    )
                )

    def bench_rows(self, seed) -> None:
        rng = seed.rng
        items = []
        for position, wording in enumerate(DEFAULT_ITEMS, start=1):
            items.append(seed.ids.take("rhythm_items"))
            seed.batch.add(
                "rhythm_items",
                {
                    "id": items[-1],
                    "assignment_id": seed.assignment_id,
                    "position": position,
                    "wording": wording,
                },
            )
        for week in seed.weeks:
            for item_id in items:
                if rng.random() < seed.keen:
                    seed.batch.add(
                        "rhythm_marks",
                        {
                            "id": seed.ids.take("rhythm_marks"),
                            "item_id": item_id,
                            "week_start": week,
                            "partner_id": rng.choice(seed.partners),
                            "note": rng.choice(BENCH_NOTES),
                            "note_visibility": "shared",
                            "created_at": seed.at(week, 20) + timedelta(days=rng.randint(0, 6)),
                        },
                    )
            for partner_id in seed.partners:
                if rng.random() < seed.keen * 0.5:
                    helped, didnt = rng.choice(BENCH_REFLECTIONS)
                    seed.batch.add(
                        "rhythm_reflections",
                        {
                            "id": seed.ids.take("rhythm_reflections"),
                            "assignment_id": seed.assignment_id,
                            "week_start": week,
                            "partner_id": partner_id,
                            "helped": helped,
                            "didnt_help": didnt,
                            "visibility": "shared" if rng.random() < 0.7 else "counselor",
                            "updated_at": seed.at(week, 21) + timedelta(days=6),
                            "version": 1,
                        },
                    )

    def sample(self, assignment, writer, week, word, visibility) -> None:
        note, reflection = self.private
        (item, *_rest) = assignment.rhythm_items
        db.session.add(
            RhythmMark(
                item_id=item.id,
                week_start=week,
                partner_id=writer.id,
                note=word(note, "note"),
                note_visibility=visibility,
            )
        )
        db.session.add(
            RhythmReflection(
                assignment_id=assignment.id,
                week_start=week,
                partner_id=writer.id,
                helped=word(reflection, "helped"),
                didnt_help=word(reflection, "didnt_help"),
                visibility=visibility,
            )
        )


REFLECTION_LABELS = {"helped": "What helped", "didnt_help": "What didn't"}


def _label(label: str, wording: str, before: str) -> str:
    """The label to keep: the counselor's, unless it is empty or was only the one taken
    from the wording ``before`` it changed (then it follows the new wording)."""
    if not label or (wording != before and label == label_from(before)):
        return label_from(wording)
    return label


def _fields(form) -> list:
    """The assignment form's three item fields with their label fields, in order (None
    where a caller's form has no labels: they are then taken from the wording)."""
    return [(getattr(form, f"item{n}"), getattr(form, f"label{n}", None)) for n in (1, 2, 3)]


def _wk(week_start: date) -> str:
    """ "week of 16 Nov", in the reader's language."""
    return gettext("week of %(day)s", day=write_date(week_start, "day_month"))


# Per week (oldest first): which items were done, by whom (1 or 2), with a note.
DEMO_MARKS = [
    [(1, 1, "We talked about the move, calmly this time."), None, (3, 2, "")],
    [None, (2, 1, "Cooked the lasagne together."), None],
    [None, None, None],  # a hard week: nothing
    [(1, 2, "Talked about Sunday without raising our voices."), (2, 2, ""), (3, 1, "")],
    [(1, 1, ""), (2, 2, "Walked to the lake."), (3, 1, "A long hug after work.")],
    [(1, 2, ""), None, None],  # this week, still going
]
DEMO_REFLECTIONS = {
    1: {1: ("Starting with what we appreciate.", "Doing it late at night.", SHARED)},
    3: {
        1: ("Planning the walk ahead.", "", SHARED),
        2: ("", "I felt rushed on the conversation, I need more time.", PRIVATE),
    },
    4: {2: ("The lake walk. No phones.", "", SHARED)},
}
BENCH_NOTES = [
    "",
    "",
    "We talked about the weekend without raising our voices.",
    "Cooked together, slowly, no phones.",
    "A long walk after dinner.",
    "A hug at the door before work.",
]
BENCH_REFLECTIONS = [
    ("Planning it on Sunday.", "Leaving it to the last evening."),
    ("Starting with what we appreciate.", ""),
    ("", "We were both too tired this week."),
    ("The walk, again.", "Work calls at dinner."),
]
