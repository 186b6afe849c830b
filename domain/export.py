"""Taking a couple's record away: what each person may see, as JSON and PDFs in a ZIP.

A partner's export is their couple's homework as the visibility rule lets them read it:
their own answers whole, their partner's answers only where ``domain/visibility.py`` says
they may (shared, and revealed where the counselor asked for it), and the couple's copy of
each summary the counselor released. The counselor's export is the couple's whole record:
every answer with who it was for, every session with its private notes, and both copies of
each summary.

Every answer goes through the same rule the pages ask, so an answer a partner cannot read
on a page is never in their file either; where an answer is left out, nothing says what it
was or that it was there.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from domain import pdf
from domain.homework import KIND_NAMES, CoupleHomework, load
from domain.summary import COUNSELOR_COPY, COUPLE_COPY, RATING_WORDS, build
from domain.views import PROMPTS, SCALES, their_check_in
from domain.visibility import Viewer, check_in_revealed, may_see, strictest, visible
from extensions import db
from forms import WEEKDAYS
from models import (
    CheckIn,
    CounselingSession,
    Couple,
    HomeworkKind,
    Need,
    Partner,
    Visibility,
    utcnow,
)

FORMAT = "hearth-export/1"
VISIBILITY_WORDS = {
    Visibility.SHARED: "shared with my partner",
    Visibility.COUNSELOR: "for my counselor only",
}

PARTNER_README = """\
Your Hearth export
==================

This is everything of your couple's homework that you can read in Hearth, made on {date}.

- hearth.json holds your answers and everything your partner chose to share with you:
  the weekly rhythm, needs with their steps and weekly ratings, check-ins, and the
  sessions your counselor shared with you. Your own answers say who they were for.
- summaries/ holds the summaries your counselor released to you both, as PDF files.

Times are in UTC; your couple's own time zone is in hearth.json ("couple").
Answers your partner kept for the counselor are not in this file.
Please keep it somewhere safe: it is as personal as what you wrote.
"""

COUNSELOR_README = """\
Hearth export of couple {couple_id}
====================================

The couple's whole record, made on {date}: every answer of both partners with who it was
for, every session with its private notes, and both copies of each summary.

- hearth.json holds the couple, the homework and every answer, and the sessions.
- summaries/ holds, for each session, the couple's copy and the counselor's copy.

Times are in UTC; the couple's own time zone is in hearth.json ("couple").
This file holds private clinical notes and answers each partner kept from the other.
Please store it as you store your other clinical records.
"""


# --- Small helpers ----------------------------------------------------------------------


def _when(moment: datetime | date | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _local_date(couple: Couple, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(ZoneInfo(couple.timezone)).date()


def all_time(couple: Couple) -> CoupleHomework:
    """Everything the couple ever did: every week, every answer."""
    return load(couple, date.min, date.max)


class _Lens:
    """One viewer's way of reading the couple's answers, always through the rule."""

    def __init__(self, couple: Couple, viewer: Viewer, me: Partner | None):
        self.couple = couple
        self.viewer = viewer
        self.me = me
        self.names = {p.id: p.name for p in couple.partners}

    def text(self, writer_id: int, text: str, visibility: str) -> str | None:
        return visible(
            self.viewer,
            text or None,
            couple_id=self.couple.id,
            writer_id=writer_id,
            visibility=visibility,
        )

    def may(self, writer_id: int, visibility: str) -> bool:
        return may_see(
            self.viewer, couple_id=self.couple.id, writer_id=writer_id, visibility=visibility
        )

    def whole(self, writer_id: int) -> bool:
        """The writer and the counselor read an answer whole, with who it was for."""
        return self.viewer.is_counselor or (self.me is not None and self.me.id == writer_id)

    def who(self, partner_id: int) -> dict:
        """Who did something: their name, and for a partner's export whether it was them."""
        who = {"by": self.names.get(partner_id, "")}
        if self.me is not None:
            who["by_you"] = partner_id == self.me.id
        return who

    def put_text(self, row: dict, key: str, writer_id: int, text: str, visibility: str) -> None:
        """Add ``text`` (and who it was for) to ``row`` only when the viewer may read it."""
        shown = self.text(writer_id, text, visibility)
        if shown:
            row[key] = shown
            row[f"{key}_for"] = VISIBILITY_WORDS[Visibility(visibility)]


# --- The record -------------------------------------------------------------------------


def _couple(couple: Couple, lens: _Lens) -> dict:
    partners = []
    for p in couple.partners:
        row = {"place": p.place, "name": p.name}
        if lens.me is not None:
            row["you"] = p.id == lens.me.id
        else:
            row["state"] = "joined" if p.joined else ("left" if p.left else "invited")
            row["email"] = p.user.email if p.user is not None else None
            row["joined_at"] = _when(p.joined_at)
        partners.append(row)
    return {
        "id": couple.id,
        "name": couple.name,
        "counselor": couple.counselor.display_name,
        "timezone": couple.timezone,
        "week_starts_on": WEEKDAYS[couple.week_starts_on],
        "status": couple.status,
        "created_at": _when(couple.created_at),
        "partners": partners,
    }


def _homework(hw: CoupleHomework) -> list[dict]:
    rows = []
    for a in hw.assignments:
        row = {
            "id": a.id,
            "kind": KIND_NAMES[HomeworkKind(a.kind)],
            "starts_on": _when(a.starts_on),
            "weeks": a.weeks,
            "status": a.status,
            "instructions": a.instructions,
        }
        if a.kind == HomeworkKind.RHYTHM:
            row["items"] = [i.wording for i in a.rhythm_items]
        if a.kind == HomeworkKind.CHECKIN:
            row["answers_shown_once_both_checked_in"] = a.reveal_after_both
        rows.append(row)
    return rows


def _rhythm(hw: CoupleHomework, lens: _Lens) -> tuple[list[dict], list[dict]]:
    items = {i.id: (a.id, i.wording) for a in hw.assignments for i in a.rhythm_items}
    marks = []
    # Either partner's tick is part of the joint rhythm both see; only the note may be private.
    for (item_id, week), mark in sorted(hw.marks.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        assignment_id, wording = items[item_id]
        row = {
            "homework_id": assignment_id,
            "week_start": _when(week),
            "item": wording,
            **lens.who(mark.partner_id),
            "at": _when(mark.created_at),
        }
        lens.put_text(row, "note", mark.partner_id, mark.note, mark.note_visibility)
        marks.append(row)
    reflections = []
    for (assignment_id, week, pid), r in sorted(
        hw.reflections.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2])
    ):
        row = {"homework_id": assignment_id, "week_start": _when(week), **lens.who(pid)}
        lens.put_text(row, "what_helped", pid, r.helped, r.visibility)
        lens.put_text(row, "what_didnt", pid, r.didnt_help, r.visibility)
        if lens.whole(pid):
            row["for"] = VISIBILITY_WORDS[Visibility(r.visibility)]
            reflections.append(row)
        elif "what_helped" in row or "what_didnt" in row:
            reflections.append(row)
    return marks, reflections


def _need(need: Need, hw: CoupleHomework, lens: _Lens) -> dict:
    whole = lens.whole(need.owner_id)
    steps = []
    for step in need.steps:
        if step.removed_at is not None and not whole:
            continue  # the other partner only ever sees the steps that are current
        done = [
            {"week_start": _when(week), **lens.who(d.partner_id)}
            for (step_id, week), d in sorted(hw.steps_done.items(), key=lambda kv: kv[0][1])
            if step_id == step.id
        ]
        row = {"text": step.text, "done": done}
        if whole:
            row["removed_at"] = _when(step.removed_at)
        steps.append(row)
    ratings = []
    for (need_id, week), rating in sorted(hw.ratings.items(), key=lambda kv: kv[0][1]):
        if need_id != need.id:
            continue
        row = {"week_start": _when(week), "rating": RATING_WORDS.get(rating.rating)}
        # A comment on a need kept for the counselor stays with the counselor.
        lens.put_text(
            row,
            "comment",
            need.owner_id,
            rating.comment,
            strictest(rating.comment_visibility, need.visibility),
        )
        ratings.append(row)
    row = {
        "id": need.id,
        "owner": lens.names.get(need.owner_id, ""),
        "wording": need.wording,
        "status": need.status,
        "named_at": _when(need.created_at),
        "retired_at": _when(need.retired_at),
        "steps": steps,
        "weekly_ratings": ratings,
    }
    if lens.me is not None:
        row["yours"] = need.owner_id == lens.me.id
    if whole:
        row["for"] = VISIBILITY_WORDS[Visibility(need.visibility)]
        row["earlier_wordings"] = [w.wording for w in need.wordings[:-1]]
    return row


def _needs(hw: CoupleHomework, lens: _Lens) -> list[dict]:
    return [_need(need, hw, lens) for need in hw.needs if lens.may(need.owner_id, need.visibility)]


def _check_ins(hw: CoupleHomework, lens: _Lens) -> list[dict]:
    assignments = {a.id: a for a in hw.assignments}
    partners = {p.id: p for p in lens.couple.partners}
    rows = []
    for (pid, week), c in sorted(hw.check_ins.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        head = {"week_start": _when(week), **lens.who(pid)}
        if lens.whole(pid):
            rows.append({**head, **_whole_check_in(c)})
            continue
        # The other partner's check-in, exactly as their week's card shows it.
        revealed = check_in_revealed(assignments.get(c.assignment_id), week, hw)
        theirs = their_check_in(c, partners[pid], lens.viewer, lens.couple.id, revealed)
        if theirs is None:
            continue
        row = dict(head)
        if theirs.scales:
            row["scales"] = theirs.scales
        for key, text in theirs.answers.items():
            row[key] = text
        rows.append(row)
    return rows


def _whole_check_in(c: CheckIn) -> dict:
    row: dict = {
        "scales": {key: getattr(c, key) for key in SCALES},
        "scales_for": VISIBILITY_WORDS[Visibility(c.scales_visibility)],
    }
    for key in PROMPTS:
        if getattr(c, key):
            row[key] = getattr(c, key)
            row[f"{key}_for"] = VISIBILITY_WORDS[Visibility(getattr(c, f"{key}_visibility"))]
    row["updated_at"] = _when(c.updated_at)
    return row


def _sessions(couple: Couple, sessions: list[CounselingSession], lens: _Lens) -> list[dict]:
    attended = {
        "both": "Both partners",
        "partner1": f"{couple.partner_at(1).name} only",
        "partner2": f"{couple.partner_at(2).name} only",
    }
    rows = []
    for s in sessions:
        row = {
            "number": s.number,
            "held_at": _when(s.held_at),
            "attended": attended.get(s.attended, s.attended),
            "focus": s.focus,
            "shared_notes": s.shareable_notes,
            "homework_agreed": [
                {"kind": KIND_NAMES[HomeworkKind(a.kind)], "instructions": a.instructions}
                for a in s.agreed
            ],
            "homework_notes": s.homework_notes,
            "next_session_at": _when(s.next_session_at),
            "released_at": _when(s.released_at),
        }
        if lens.viewer.is_counselor:
            row["private_notes"] = s.private_notes
            row["pinned_moments"] = [
                {"source": p.source, "source_id": p.source_id, "field": p.field} for p in s.pins
            ]
            row["summaries"] = [
                pdf_name(s, COUPLE_COPY, both=True),
                pdf_name(s, COUNSELOR_COPY, both=True),
            ]
        else:
            row["summary"] = pdf_name(s, COUPLE_COPY, both=False)
        rows.append(row)
    return rows


def released_sessions(couple: Couple) -> list[CounselingSession]:
    """The sessions whose couple's copy the counselor released, oldest first."""
    return list(
        db.session.scalars(
            select(CounselingSession)
            .where(
                CounselingSession.couple_id == couple.id,
                CounselingSession.released_at.is_not(None),
            )
            .order_by(CounselingSession.number)
        )
    )


def all_sessions(couple: Couple) -> list[CounselingSession]:
    """Every session of the couple, released or not, oldest first."""
    return list(
        db.session.scalars(
            select(CounselingSession)
            .where(CounselingSession.couple_id == couple.id)
            .order_by(CounselingSession.number)
        )
    )


def _record(couple: Couple, lens: _Lens, sessions: list[CounselingSession], now) -> dict:
    hw = all_time(couple)
    marks, reflections = _rhythm(hw, lens)
    return {
        "format": FORMAT,
        "exported_at": _when(now),
        "export_for": "counselor" if lens.viewer.is_counselor else "partner",
        "couple": _couple(couple, lens),
        "homework": _homework(hw),
        "rhythm_marks": marks,
        "rhythm_reflections": reflections,
        "needs": _needs(hw, lens),
        "check_ins": _check_ins(hw, lens),
        "sessions": _sessions(couple, sessions, lens),
        "appointments": _appointments(couple),
    }


def _appointments(couple: Couple) -> list[dict]:
    """Every session booked with the couple, cancelled ones too: both partners saw them."""
    from domain.appointments import of_couple

    return [
        {"starts_at": _when(a.starts_at), "minutes": a.minutes, "status": a.status}
        for a in of_couple(couple.id)
    ]


def partner_record(me: Partner, now: datetime | None = None) -> dict:
    """What partner ``me`` may read of their couple's record, as plain data."""
    now = now or utcnow()
    couple = me.couple
    lens = _Lens(couple, Viewer.for_partner(me), me)
    record = _record(couple, lens, released_sessions(couple), now)
    user = me.user
    record["you"] = {
        "name": me.name,
        "email": user.email if user is not None else None,
        "place": me.place,
        "joined_at": _when(me.joined_at),
    }
    return record


def counselor_record(couple: Couple, now: datetime | None = None) -> dict:
    """The couple's whole record, for their counselor: every answer, every note."""
    now = now or utcnow()
    lens = _Lens(couple, Viewer.for_counselor_of(couple), None)
    return _record(couple, lens, all_sessions(couple), now)


# --- Files ------------------------------------------------------------------------------


def pdf_name(session: CounselingSession, copy: str, *, both: bool) -> str:
    """``summaries/session-03-2026-11-20.pdf``: sorts by number and date, names no one."""
    held = session.held_at.astimezone(ZoneInfo(session.couple.timezone)).date()
    suffix = f"-{copy}-copy" if both else ""
    return f"summaries/session-{session.number:02d}-{held.isoformat()}{suffix}.pdf"


def summary_files(
    sessions: Iterable[CounselingSession], copies: tuple[str, ...], paper: str
) -> list[tuple[str, bytes]]:
    """Each session's summary in each of ``copies``, drawn (or taken from the cache)."""
    files = []
    for session in sessions:
        for copy in copies:
            data, _cached = pdf.summary_pdf(build(session, copy), paper)
            files.append((pdf_name(session, copy, both=len(copies) > 1), data))
    return files


def partner_files(me: Partner) -> list[tuple[str, bytes]]:
    """The couple's copy of each released summary, as the partner downloads it."""
    couple = me.couple
    return summary_files(released_sessions(couple), (COUPLE_COPY,), couple.counselor.paper_size)


def counselor_files(couple: Couple) -> list[tuple[str, bytes]]:
    """Both copies of every session's summary."""
    return summary_files(
        all_sessions(couple), (COUPLE_COPY, COUNSELOR_COPY), couple.counselor.paper_size
    )


def zip_name(couple: Couple, now: datetime | None = None, *, counselor: bool = False) -> str:
    """``hearth-export-2026-11-22.zip``; the counselor's names the couple by ID only."""
    day = _local_date(couple, now).isoformat()
    if counselor:
        return f"hearth-couple-{couple.id}-export-{day}.zip"
    return f"hearth-export-{day}.zip"


def build_zip(record: dict, files: list[tuple[str, bytes]], readme: str, folder: str) -> bytes:
    """The export as ZIP bytes, made in memory: README.txt, hearth.json and the PDFs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{folder}/README.txt", readme)
        archive.writestr(
            f"{folder}/hearth.json", json.dumps(record, indent=2, ensure_ascii=False) + "\n"
        )
        for name, data in files:
            archive.writestr(f"{folder}/{name}", data)
    return buffer.getvalue()


def partner_zip(me: Partner, now: datetime | None = None) -> tuple[str, bytes]:
    """A partner's export: its file name and its bytes."""
    now = now or utcnow()
    name = zip_name(me.couple, now)
    readme = PARTNER_README.format(date=_local_date(me.couple, now).isoformat())
    data = build_zip(partner_record(me, now), partner_files(me), readme, name[: -len(".zip")])
    return name, data


def counselor_zip(couple: Couple, now: datetime | None = None) -> tuple[str, bytes]:
    """The counselor's export of a couple's whole record: its file name and its bytes."""
    now = now or utcnow()
    name = zip_name(couple, now, counselor=True)
    readme = COUNSELOR_README.format(couple_id=couple.id, date=_local_date(couple, now).isoformat())
    data = build_zip(
        counselor_record(couple, now), counselor_files(couple), readme, name[: -len(".zip")]
    )
    return name, data
