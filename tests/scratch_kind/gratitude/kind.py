"""The throwaway kind: every part of the contract, as small as it can honestly be."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from domain.audit_changes import couple_of_assignment
from domain.visibility import Audience
from extensions import db
from kinds.base import Entry, GridRow, Kind, Place, PrivateText, Progress
from models import AssignmentStatus, Visibility
from tests.scratch_kind.gratitude.models import KEY, GratitudeNote
from tests.scratch_kind.gratitude.routes import NoteForm, bp


@dataclass
class GratitudeCard:
    kind = KEY
    assignment: object
    week: object
    mine: GratitudeNote | None
    theirs: str | None
    open: bool

    @property
    def done(self) -> int:
        return 1 if self.mine else 0

    total = 1


class GratitudeKind(Kind):
    key = KEY
    name = "Gratitude"
    default_instructions = "Once a week, write one line of thanks."
    models = (GratitudeNote,)
    private = (
        PrivateText(
            GratitudeNote,
            ("text",),
            "visibility",
            private_sql=lambda: GratitudeNote.visibility == Visibility.COUNSELOR,
            written_by=lambda pid: GratitudeNote.partner_id == pid,
            on_leave="delete",
        ),
    )
    blueprint = bp

    def load(self, hw):
        ids = [p.id for p in hw.couple.partners]
        return {
            (n.partner_id, n.week_start): n
            for n in db.session.scalars(
                select(GratitudeNote).where(
                    GratitudeNote.partner_id.in_(ids),
                    GratitudeNote.week_start.between(hw.first, hw.last),
                )
            )
        }

    def answered(self, hw, assignment, week: date) -> set[int]:
        return {pid for (pid, w), n in hw.data[KEY].items() if w == week}

    def card(self, hw, assignment, week, me, viewer, now):
        notes = hw.data[KEY]
        theirs = notes.get((me.other.id, week.start))
        audience = Audience.of(viewer, hw.couple.id)
        return GratitudeCard(
            assignment,
            week,
            notes.get((me.id, week.start)),
            audience.text(me.other.id, theirs.text, theirs.visibility) if theirs else None,
            week.is_open(now) and assignment.status == AssignmentStatus.ACTIVE,
        )

    def card_forms(self, card) -> dict:
        return {KEY: NoteForm(formdata=None, prefix=KEY)}

    def grid_rows(self, hw, weeks, who):
        if not any(a.kind == KEY for a in hw.assignments):
            return []
        cells = [who({p for (p, w) in hw.data[KEY] if w == week.start}) for week in weeks]
        return [GridRow("Gratitude", cells, anchor="gratitude")]

    def review(self, hw, weeks, chart_weeks):
        return sorted(hw.data[KEY].values(), key=lambda n: n.week_start) or None

    def entries(self, hw, weeks, audience, names):
        found = []
        for week in weeks:
            for pid in names:
                note = hw.data[KEY].get((pid, week.start))
                text = audience.text(pid, note.text, note.visibility) if note else None
                if text:
                    private = note.visibility == Visibility.COUNSELOR
                    found.append(
                        Entry(
                            "gratitude",
                            week.start,
                            "Thanks",
                            pid,
                            note.created_at,
                            words=[("", text)],
                            private=private,
                        )
                    )
        return found

    def dashboard(self, couples, week_of, now):
        return lambda couple, assignment: Progress(0, 2 if assignment else 0)

    def activity(self, couples, since):
        ids = [p.id for c in couples for p in c.partners]
        return [
            select(GratitudeNote.partner_id, GratitudeNote.created_at).where(
                GratitudeNote.partner_id.in_(ids), GratitudeNote.week_start >= since
            )
        ]

    def summarize(self, summary, hw, audience, names):
        if not any(a.kind == KEY for a in hw.assignments):
            return None
        return [
            (names[n.partner_id], text)
            for n in hw.data[KEY].values()
            if (text := audience.text(n.partner_id, n.text, n.visibility))
        ]

    def export(self, hw, lens):
        rows = []
        for (pid, week), n in sorted(hw.data[KEY].items(), key=lambda kv: kv[0][1]):
            row = {"week_start": week.isoformat(), **lens.who(pid)}
            lens.put_text(row, "text", pid, n.text, n.visibility)
            if "text" in row:
                rows.append(row)
        return {"gratitude": rows}

    def describe(self, session, obj):
        if isinstance(obj, GratitudeNote):
            couple = couple_of_assignment(session, obj.assignment_id)
            return f"Gratitude, week of {obj.week_start}", Place(couple, obj.partner_id)
        return None

    def demo(self, assignment, weeks, at) -> None:
        for partner in assignment.couple.partners:
            db.session.add(
                GratitudeNote(
                    assignment_id=assignment.id,
                    partner_id=partner.id,
                    week_start=weeks[-1],
                    text="Thank you for the tea.",
                )
            )

    def bench_rows(self, seed) -> None:
        for week in seed.weeks:
            for pid in seed.partners:
                seed.batch.add(
                    "gratitude_notes",
                    {
                        "id": seed.ids.take("gratitude_notes"),
                        "assignment_id": seed.assignment_id,
                        "partner_id": pid,
                        "week_start": week,
                        "text": "Thanks.",
                        "visibility": "shared",
                        "created_at": seed.at(week, 20),
                    },
                )

    def sample(self, assignment, writer, week, word, visibility) -> None:
        (private,) = self.private
        db.session.add(
            GratitudeNote(
                assignment_id=assignment.id,
                partner_id=writer.id,
                week_start=week,
                text=word(private, "text"),
                visibility=visibility,
            )
        )
