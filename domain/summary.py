"""What a session summary shows, for the counselor's copy or the couple's copy.

Both copies are built by the same code; the couple's copy asks the visibility rule, for
each answer, whether *both* partners may read it, which leaves out each partner's
counselor-only answers. Private clinical notes are only ever in the counselor's copy.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from domain import confidentiality
from domain.charts import Series, line_chart
from domain.homework import KIND_NAMES, CoupleHomework, load, need_alive_in
from domain.views import PROMPTS, SCALES
from domain.visibility import Viewer, check_in_revealed, may_see, strictest
from domain.weeks import Week, week_of, weeks_from
from extensions import db
from models import (
    CheckIn,
    ConfidentialityPolicy,
    CounselingSession,
    Couple,
    HomeworkKind,
    Partner,
    RhythmMark,
    RhythmReflection,
    Visibility,
)

COUNSELOR_COPY, COUPLE_COPY = "counselor", "couple"
COPIES = (COUNSELOR_COPY, COUPLE_COPY)
MAX_WEEKS = 12
RATING_WORDS = {"met": "Met", "partly": "Partly", "not_yet": "Not yet"}


class Reader:
    """Who the copy is for, as a question: may this answer be printed?"""

    def __init__(self, couple: Couple, copy: str):
        self.copy = copy
        self.couple_id = couple.id
        if copy == COUNSELOR_COPY:
            self.viewers = [Viewer.for_counselor_of(couple)]
        else:
            # The couple's copy goes to both partners: only what both may read.
            self.viewers = [Viewer.for_partner(p) for p in couple.partners]

    def may(self, writer_id: int, visibility: str, revealed: bool = True) -> bool:
        return all(
            may_see(
                v,
                couple_id=self.couple_id,
                writer_id=writer_id,
                visibility=visibility,
                revealed=revealed,
            )
            for v in self.viewers
        )

    def text(self, writer_id: int, text: str, visibility: str, revealed: bool = True):
        return text if text and self.may(writer_id, visibility, revealed) else None


@dataclass
class Quote:
    who: str
    text: str
    where: str


@dataclass
class RhythmWeek:
    week: Week
    items: list[tuple[str, str | None, str | None]]  # wording, done by, note
    reflections: list[tuple[str, str | None, str | None]]  # who, helped, didn't


@dataclass
class NeedLine:
    owner: str
    wording: str
    private: bool
    weeks: list[tuple[Week, str | None, str | None, int]]  # rating word, comment, steps done


@dataclass
class CheckInWeek:
    week: Week
    partners: list[tuple[str, CheckIn | None, dict | None, dict[str, str]]]


@dataclass
class Summary:
    session: CounselingSession
    couple: Couple
    copy: str
    weeks: list[Week]
    attended: str
    held_local: datetime
    next_local: datetime | None
    previous: CounselingSession | None
    rhythm: list[RhythmWeek] = field(default_factory=list)
    rhythm_items: list[str] = field(default_factory=list)
    needs: list[NeedLine] = field(default_factory=list)
    check_ins: list[CheckInWeek] = field(default_factory=list)
    charts: list = field(default_factory=list)
    pins: list[Quote] = field(default_factory=list)
    agreed: list[tuple[str, str]] = field(default_factory=list)
    hw: CoupleHomework | None = None  # what it was built from, for the pin picker
    # The confidentiality policy in force: in full on the counselor's copy, one line on
    # the couple's.
    policy: ConfidentialityPolicy | None = None

    @property
    def is_counselor_copy(self) -> bool:
        return self.copy == COUNSELOR_COPY

    @property
    def filename(self) -> str:
        """Sorts by date: hearth-summary-2026-11-20-sam-alex.pdf."""
        ascii_name = (
            unicodedata.normalize("NFKD", self.couple.name).encode("ascii", "ignore").decode()
        )
        slug = "".join(c if c.isalnum() else "-" for c in ascii_name.lower())
        slug = "-".join(part for part in slug.split("-") if part) or "couple"
        suffix = "-counselor-copy" if self.is_counselor_copy else ""
        return f"hearth-summary-{self.held_local:%Y-%m-%d}-{slug}{suffix}.pdf"


def previous_session(session: CounselingSession) -> CounselingSession | None:
    return db.session.scalar(
        select(CounselingSession)
        .where(
            CounselingSession.couple_id == session.couple_id,
            CounselingSession.number < session.number,
        )
        .order_by(CounselingSession.number.desc())
        .limit(1)
    )


def period(couple: Couple, session: CounselingSession, previous) -> list[Week]:
    """The weeks "since the last session": from the week of the previous session (or the
    first homework) to the week of this one, at most twelve."""
    tz, start_day = couple.timezone, couple.week_starts_on
    last = week_of(_local(session.held_at, tz).date(), tz, start_day)
    if previous is not None:
        first = week_of(_local(previous.held_at, tz).date(), tz, start_day)
    else:
        starts = [a.starts_on for a in couple.assignments]
        first = Week(min(starts), tz) if starts else last
    weeks = list(weeks_from(first, last)) if first <= last else [last]
    return weeks[-MAX_WEEKS:]


def _local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz))


def build(session: CounselingSession, copy: str) -> Summary:
    """Everything one copy of the summary shows, with the visibility rule applied."""
    couple = session.couple
    tz = couple.timezone
    previous = previous_session(session)
    weeks = period(couple, session, previous)
    hw = load(couple, weeks[0].start, weeks[-1].start)
    reader = Reader(couple, copy)
    names = {p.id: p.name_with_role for p in couple.partners}
    attended = {
        "both": "Both partners",
        "partner1": f"{couple.partner_at(1).name_with_role} only",
        "partner2": f"{couple.partner_at(2).name_with_role} only",
    }[session.attended]
    summary = Summary(
        session=session,
        couple=couple,
        copy=copy,
        weeks=weeks,
        attended=attended,
        held_local=_local(session.held_at, tz),
        next_local=_local(session.next_session_at, tz) if session.next_session_at else None,
        previous=previous,
        hw=hw,
        policy=confidentiality.current_for(couple),
    )
    _rhythm(summary, hw, reader, names)
    _needs(summary, hw, reader, names)
    _check_ins(summary, hw, reader, names)
    summary.pins = _pins(session, reader, names, hw)
    summary.agreed = [(KIND_NAMES[HomeworkKind(a.kind)], a.instructions) for a in session.agreed]
    return summary


def _rhythm(summary: Summary, hw: CoupleHomework, reader: Reader, names) -> None:
    for week in summary.weeks:
        assignment = hw.assignment(HomeworkKind.RHYTHM, week.start)
        if assignment is None:
            continue
        # The columns are worded as in the latest week shown.
        summary.rhythm_items = [i.wording for i in assignment.rhythm_items]
        items = []
        for item in assignment.rhythm_items:
            mark = hw.marks.get((item.id, week.start))
            if mark is None:
                items.append((item.wording, None, None))
            else:
                note = reader.text(mark.partner_id, mark.note, mark.note_visibility)
                items.append((item.wording, names[mark.partner_id], note))
        reflections = []
        for pid, name in names.items():
            r = hw.reflections.get((assignment.id, week.start, pid))
            if r is None:
                continue
            helped = reader.text(pid, r.helped, r.visibility)
            didnt = reader.text(pid, r.didnt_help, r.visibility)
            if helped or didnt:
                reflections.append((name, helped, didnt))
        summary.rhythm.append(RhythmWeek(week, items, reflections))


def _needs(summary: Summary, hw: CoupleHomework, reader: Reader, names) -> None:
    if not any(a.kind == HomeworkKind.NEEDS for a in hw.assignments):
        return
    for need in hw.needs:
        if not reader.may(need.owner_id, need.visibility):
            continue  # a need kept for the counselor stays out of the couple's copy
        weeks = []
        for week in summary.weeks:
            if not need_alive_in(need, week.start, summary.couple):
                continue
            rating = hw.ratings.get((need.id, week.start))
            comment = None
            if rating is not None:
                visibility = strictest(rating.comment_visibility, need.visibility)
                comment = reader.text(need.owner_id, rating.comment, visibility)
            done = sum(1 for s in need.steps if (s.id, week.start) in hw.steps_done)
            weeks.append((week, RATING_WORDS.get(rating.rating) if rating else None, comment, done))
        if weeks:
            summary.needs.append(
                NeedLine(
                    names[need.owner_id],
                    need.wording,
                    need.visibility != Visibility.SHARED,
                    weeks,
                )
            )


def _check_ins(summary: Summary, hw: CoupleHomework, reader: Reader, names) -> None:
    if not any(a.kind == HomeworkKind.CHECKIN for a in hw.assignments):
        return
    partners: list[Partner] = list(summary.couple.partners)
    series: dict[str, dict[int, list]] = {k: {p.id: [] for p in partners} for k in SCALES}
    assignments = {a.id: a for a in hw.assignments}
    for week in summary.weeks:
        assignment = hw.assignment(HomeworkKind.CHECKIN, week.start)
        rows = []
        for p in partners:
            c = hw.check_ins.get((p.id, week.start))
            scales, answers = None, {}
            if c is not None:
                revealed = check_in_revealed(assignments.get(c.assignment_id), week.start, hw)
                if reader.may(p.id, c.scales_visibility, revealed):
                    scales = {k: getattr(c, k) for k in SCALES}
                for key in PROMPTS:
                    text = reader.text(
                        p.id, getattr(c, key), getattr(c, f"{key}_visibility"), revealed
                    )
                    if text:
                        answers[key] = text
            for key in SCALES:
                series[key][p.id].append(scales[key] if scales else None)
            rows.append((p.name_with_role, c, scales, answers))
        if assignment is not None:
            summary.check_ins.append(CheckInWeek(week, rows))
    labels = [f"{w.start.day} {w.start:%b}" for w in summary.weeks]
    for key, title in SCALES.items():
        summary.charts.append(
            (
                title,
                line_chart(
                    title,
                    labels,
                    [Series(p.name_with_role, series[key][p.id]) for p in partners],
                    chart_id=f"pdf-{key}",
                ),
            )
        )


def pin_candidates(
    session: CounselingSession, hw: CoupleHomework | None = None
) -> list[tuple[str, int, str, Quote]]:
    """Shared words from the period the counselor may quote: (source, id, field, quote).

    Pass the ``hw`` a summary was built from to avoid loading the period again.
    """
    couple = session.couple
    if hw is None:
        weeks = period(couple, session, previous_session(session))
        hw = load(couple, weeks[0].start, weeks[-1].start)
    reader = Reader(couple, COUPLE_COPY)  # only what both partners may read
    names = {p.id: p.name_with_role for p in couple.partners}
    found = []
    for mark in hw.marks.values():
        if reader.text(mark.partner_id, mark.note, mark.note_visibility):
            found.append(
                ("rhythm_mark", mark.id, "", Quote(names[mark.partner_id], mark.note, _wk(mark)))
            )
    for r in hw.reflections.values():
        for key, label in (("helped", "What helped"), ("didnt_help", "What didn't")):
            text = reader.text(r.partner_id, getattr(r, key), r.visibility)
            if text:
                found.append(
                    (
                        "reflection",
                        r.id,
                        key,
                        Quote(names[r.partner_id], text, f"{label}, {_wk(r)}"),
                    )
                )
    assignments = {a.id: a for a in hw.assignments}
    for c in hw.check_ins.values():
        # Words still waiting for the other partner's check-in are not the partners' to
        # share yet: the counselor may quote them once the week is revealed.
        revealed = check_in_revealed(assignments.get(c.assignment_id), c.week_start, hw)
        for key, label in PROMPTS.items():
            text = reader.text(
                c.partner_id, getattr(c, key), getattr(c, f"{key}_visibility"), revealed
            )
            if text:
                found.append(
                    ("check_in", c.id, key, Quote(names[c.partner_id], text, f"{label}, {_wk(c)}"))
                )
    return found


def _wk(row) -> str:
    return f"week of {row.week_start.day} {row.week_start:%b}"


def _pins(session: CounselingSession, reader: Reader, names, hw: CoupleHomework) -> list[Quote]:
    quotes = []
    assignments = {a.id: a for a in hw.assignments}
    models = {"rhythm_mark": RhythmMark, "reflection": RhythmReflection, "check_in": CheckIn}
    # One query per kind of answer, however many moments are pinned.
    rows = {}
    for source, model in models.items():
        ids = [p.source_id for p in session.pins if p.source == source]
        if ids:
            for row in db.session.scalars(select(model).where(model.id.in_(ids))):
                rows[(source, row.id)] = row
    for pin in session.pins:
        row = rows.get((pin.source, pin.source_id))
        if row is None or row.partner_id not in names:
            continue
        revealed = True
        if pin.source == "rhythm_mark":
            text, visibility, where = row.note, row.note_visibility, _wk(row)
        elif pin.source == "reflection":
            text, visibility = getattr(row, pin.field, ""), row.visibility
            where = _wk(row)
        else:
            text = getattr(row, pin.field, "")
            visibility = getattr(row, f"{pin.field}_visibility", Visibility.COUNSELOR)
            where = f"{PROMPTS.get(pin.field, '')}, {_wk(row)}"
            revealed = check_in_revealed(assignments.get(row.assignment_id), row.week_start, hw)
        # The rule is asked again now: words made private since pinning, or still waiting
        # for the other partner's check-in, leave the couple's copy.
        if reader.text(row.partner_id, text, visibility, revealed):
            quotes.append(Quote(names[row.partner_id], text, where))
    return quotes
