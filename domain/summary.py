"""What a session summary shows, for the counselor's copy or the couple's copy.

Both copies are built by the same code; the couple's copy asks the visibility rule, for
each answer, whether *both* partners may read it, which leaves out each partner's
counselor-only answers. Private clinical notes are only ever in the counselor's copy.
"""

from __future__ import annotations

import unicodedata
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import force_locale, gettext
from sqlalchemy import select

from domain import confidentiality
from domain.homework import CoupleHomework, load
from domain.visibility import Audience, revealed
from domain.weeks import Week, week_of, weeks_from
from extensions import db
from kinds import registry
from models import ConfidentialityPolicy, CounselingSession, Couple

COUNSELOR_COPY, COUPLE_COPY = "counselor", "couple"
COPIES = (COUNSELOR_COPY, COUPLE_COPY)
MAX_WEEKS = 12


def audience_for(couple: Couple, copy: str) -> Audience:
    """Who a copy is for: the counselor, or both partners at once (the couple's copy goes
    to both, so it holds only what both may read; the counselor releases it and reads it
    too, so it never holds words the two kept between themselves)."""
    if copy == COUNSELOR_COPY:
        return Audience.counselor_of(couple)
    return Audience.couple_and_counselor(couple)


@dataclass
class Quote:
    who: str
    text: str
    where: str


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
    # (kind, its section), for each kind assigned in the period, in the registry's order.
    sections: list = field(default_factory=list)
    pins: list[Quote] = field(default_factory=list)
    agreed: list[str] = field(default_factory=list)  # names of the homework carried on
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
        return filename_for(self.session, self.couple, self.copy)


def filename_for(
    session: CounselingSession, couple: Couple, copy: str, lang: str | None = None
) -> str:
    """A summary's file name, without building the summary (a stored PDF needs only this),
    with Hearth's words in ``lang`` (the current language when None), ASCII only:
    hearth-summary-2026-11-20-sam-alex.pdf, hearth-resumen-2026-11-20-sam-alex.pdf."""
    slug = _ascii_slug(couple.name) or "couple"
    held = _local(session.held_at, couple.timezone)
    with force_locale(lang) if lang else nullcontext():
        # TRANSLATORS: in a PDF's file name: plain letters, no spaces.
        word = _ascii_slug(gettext("summary")) or "summary"
        suffix = (
            "-" + (_ascii_slug(gettext("counselor-copy")) or "counselor-copy")
            if copy == COUNSELOR_COPY
            else ""
        )
    return f"hearth-{word}-{held:%Y-%m-%d}-{slug}{suffix}.pdf"


def _ascii_slug(words: str) -> str:
    """ "Sam & Alex" -> "sam-alex"; accents dropped, anything else a dash."""
    ascii_words = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode()
    slug = "".join(c if c.isalnum() else "-" for c in ascii_words.lower())
    return "-".join(part for part in slug.split("-") if part)


def full_day_time(moment: datetime, tz: str) -> str:
    """ "Wednesday 2 December 2026 at 13:00" where the couple lives: how a session's time
    reads wherever a session is named, year included (a summary is kept for years)."""
    from domain import dates

    local = _local(moment, tz)
    return gettext(
        "%(day)s at %(time)s",
        day=dates.write(local, "long_day_year"),
        time=dates.write(local, "clock"),
    )


def session_title(session: CounselingSession) -> str:
    """ "Session 1 · Wednesday 2 December 2026 at 13:00": a session's name everywhere,
    pages and PDFs alike."""
    return gettext(
        "Session %(num)d · %(when)s",
        num=session.number,
        when=full_day_time(session.held_at, session.couple.timezone),
    )


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
    audience = audience_for(couple, copy)
    names = {p.id: p.name_with_role for p in couple.partners}
    if session.attended == "both":
        attended = gettext("Both partners")
    else:
        who = couple.partner_at(1 if session.attended == "partner1" else 2).name_with_role
        attended = gettext("%(name)s only", name=who)
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
    for kind in registry.REGISTRY:
        section = kind.summarize(summary, hw, audience, names)
        if section is not None:
            summary.sections.append((kind, section))
    summary.pins = _pins(session, audience, names, hw)
    # What was agreed in this session, by name: the standing instructions are on each
    # partner's cards already, and were not what the session decided.
    summary.agreed = [registry.named(a.kind).name for a in session.agreed]
    return summary


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
    audience = audience_for(couple, COUPLE_COPY)  # only what both partners may read
    names = {p.id: p.name_with_role for p in couple.partners}
    assignments = {a.id: a for a in hw.assignments}
    found = []
    for kind in registry.REGISTRY:
        for q in kind.quotable(hw):
            # Words still waiting for the other partner are not the partners' to share
            # yet: the counselor may quote them once the week is revealed.
            shown = revealed(assignments.get(q.assignment_id), q.week, hw)
            if q.writer_id in names and audience.text(q.writer_id, q.text, q.visibility, shown):
                found.append(
                    (q.source, q.row_id, q.field, Quote(names[q.writer_id], q.text, q.where))
                )
    return found


def _pins(session: CounselingSession, audience: Audience, names, hw: CoupleHomework) -> list[Quote]:
    quotes = []
    assignments = {a.id: a for a in hw.assignments}
    # One query per kind of answer, however many moments are pinned.
    rows = {}
    for source in {p.source for p in session.pins}:
        _kind, pinnable = registry.pinnable(source)
        if pinnable is None:
            continue
        ids = [p.source_id for p in session.pins if p.source == source]
        for row in db.session.scalars(select(pinnable.model).where(pinnable.model.id.in_(ids))):
            rows[(source, row.id)] = row
    for pin in session.pins:
        kind, pinnable = registry.pinnable(pin.source)
        row = rows.get((pin.source, pin.source_id))
        if row is None:
            continue
        q = kind.pinned(pinnable, row, pin.field)
        if q.writer_id not in names:
            continue
        # The rule is asked again now: words made private since pinning, or still waiting
        # for the other partner, leave the couple's copy.
        shown = revealed(assignments.get(q.assignment_id), q.week, hw)
        if audience.text(q.writer_id, q.text, q.visibility, shown):
            quotes.append(Quote(names[q.writer_id], q.text, q.where))
    return quotes
