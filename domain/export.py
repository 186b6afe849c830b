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

from domain import pdf, private_words
from domain.homework import CoupleHomework, load
from domain.summary import COUNSELOR_COPY, COUPLE_COPY
from domain.visibility import VISIBILITY_WORDS, Audience, Viewer
from domain.weeks import WEEKDAYS
from extensions import db
from kinds import registry
from models import CounselingSession, Couple, Partner, Visibility, utcnow

FORMAT = "hearth-export/1"

PARTNER_README = """\
Your Hearth export
==================

This is everything of your couple's homework that you can read in Hearth, made on {date}.

- hearth.json holds your answers and everything your partner chose to share with you:
  the weekly rhythm, needs with their steps and weekly ratings, check-ins, and the
  sessions your counselor shared with you, and the notes of thanks you two wrote each
  other ("appreciation_notes"). Your own answers say who they were for.
  Any private words you wrote to your counselor are in it too ("private_words").
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

- hearth.json holds the couple, the homework and every answer, the private words each
  partner wrote to you ("private_words"), and the sessions.
- summaries/ holds, for each session, the couple's copy and the counselor's copy.

Notes of thanks a partner wrote "just for" the other are listed (who, to whom, which week)
without their words: those stay between the two of them.

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


class Lens:
    """One reader's way through the couple's answers (``Audience``), with what an export
    says about each: who did it, and to its writer and the counselor who it was for."""

    def __init__(self, couple: Couple, viewer: Viewer, me: Partner | None):
        self.couple = couple
        self.viewer = viewer
        self.me = me
        self.audience = Audience.of(viewer, couple.id)
        self.names = {p.id: p.name for p in couple.partners}

    def text(self, writer_id: int, text: str, visibility: str) -> str | None:
        return self.audience.text(writer_id, text or None, visibility)

    def may(self, writer_id: int, visibility: str) -> bool:
        return self.audience.may(writer_id, visibility)

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


def _couple(couple: Couple, lens: Lens) -> dict:
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
        kind = registry.named(a.kind)
        rows.append(
            {
                "id": a.id,
                "kind": kind.name,
                "starts_on": _when(a.starts_on),
                "weeks": a.weeks,
                "status": a.status,
                "instructions": a.instructions,
                **kind.describe_assignment(a),
            }
        )
    return rows


def _sessions(couple: Couple, sessions: list[CounselingSession], lens: Lens) -> list[dict]:
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
                {"kind": registry.named(a.kind).name, "instructions": a.instructions}
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


def _record(couple: Couple, lens: Lens, sessions: list[CounselingSession], now) -> dict:
    hw = all_time(couple)
    record = {
        "format": FORMAT,
        "exported_at": _when(now),
        "export_for": "counselor" if lens.viewer.is_counselor else "partner",
        "couple": _couple(couple, lens),
        "homework": _homework(hw),
    }
    for kind in registry.REGISTRY:  # each kind's answers, through the same lens
        record.update(kind.export(hw, lens))
    # A partner's own words to the counselor; the counselor's export has both partners'.
    record["private_words"] = private_words.export_rows(couple, lens.me)
    record["sessions"] = _sessions(couple, sessions, lens)
    record["appointments"] = _appointments(couple)
    return record


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
    lens = Lens(couple, Viewer.for_partner(me), me)
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
    lens = Lens(couple, Viewer.for_counselor_of(couple), None)
    return _record(couple, lens, all_sessions(couple), now)


# --- Files ------------------------------------------------------------------------------


def pdf_name(session: CounselingSession, copy: str, *, both: bool) -> str:
    """``summaries/session-03-2026-11-20.pdf``: sorts by number and date, names no one."""
    held = session.held_at.astimezone(ZoneInfo(session.couple.timezone)).date()
    suffix = f"-{copy}-copy" if both else ""
    return f"summaries/session-{session.number:02d}-{held.isoformat()}{suffix}.pdf"


def summary_files(
    sessions: Iterable[CounselingSession], copies: tuple[str, ...], paper: str, lang: str = "en"
) -> list[tuple[str, bytes]]:
    """Each session's summary in each of ``copies``, in ``lang``, drawn (or taken from the
    cache)."""
    files = []
    for session in sessions:
        for copy in copies:
            data, _cached = pdf.summary_pdf(session, copy, paper, lang)
            files.append((pdf_name(session, copy, both=len(copies) > 1), data))
    return files


def partner_files(me: Partner) -> list[tuple[str, bytes]]:
    """The couple's copy of each released summary, as the partner downloads it: in their
    own language."""
    from web import i18n

    couple = me.couple
    return summary_files(
        released_sessions(couple), (COUPLE_COPY,), couple.counselor.paper_size, i18n.of(me.user)
    )


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
