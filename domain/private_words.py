"""A private word to the counselor: what a partner wants the counselor to know before the
next session, written any time, read by the counselor only.

Not a kind of homework: nothing is assigned, there is no week and no choice of who reads
it. So it is not in ``kinds.registry`` (whose walk and card are per assignment); instead
this one module is the only way to the table, and each place that must cover a partner's
words calls it by name: the export (``export_rows``), erasure (``erase``), the audit trail
(``describe``), the counselor's couple page, dashboard and digest (``unread``), and the
privacy test that walks everything the other partner can reach. Nothing here takes a
viewer who is a partner other than the writer: no function can hand the other partner a
word, a count or a hint that one exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, select

from domain.repeats import just_made
from extensions import db
from kinds.base import Place
from models import Couple, Partner, PrivateWord, among, utcnow

SUBJECT = "Private word to the counselor"


def write(me: Partner, text: str) -> tuple[PrivateWord, bool]:
    """Save ``text`` from partner ``me`` for their counselor; (word, new). The same words
    sent again within a few minutes (a double tap) are the first ones, not a second."""
    same = just_made(PrivateWord, PrivateWord.partner_id == me.id, PrivateWord.text == text)
    if same is not None:
        return same, False
    word = PrivateWord(couple_id=me.couple_id, partner_id=me.id, text=text)
    db.session.add(word)
    return word, True


def written_by(me: Partner) -> list[PrivateWord]:
    """The writer's own words, newest first (their own page and their own export)."""
    return list(
        db.session.scalars(
            select(PrivateWord)
            .where(PrivateWord.partner_id == me.id)
            .order_by(PrivateWord.created_at.desc(), PrivateWord.id.desc())
        )
    )


def for_counselor(couple: Couple) -> list[PrivateWord]:
    """Every word of the couple, unread first, then newest first: for the counselor only
    (the caller loaded ``couple`` through ``domain.access.couple_for``)."""
    return list(
        db.session.scalars(
            select(PrivateWord)
            .where(PrivateWord.couple_id == couple.id)
            .order_by(
                PrivateWord.read_at.is_not(None),
                PrivateWord.created_at.desc(),
                PrivateWord.id.desc(),
            )
        )
    )


def word_of(couple: Couple, word_id: int) -> PrivateWord | None:
    """The couple's word ``word_id``, or None (another couple's is None too)."""
    return db.session.scalar(
        select(PrivateWord).where(PrivateWord.id == word_id, PrivateWord.couple_id == couple.id)
    )


def mark_read(word: PrivateWord, read: bool = True, now: datetime | None = None) -> None:
    """The counselor has read ``word`` (or wants it back among the unread)."""
    if read and word.read_at is None:
        word.read_at = now or utcnow()
    elif not read:
        word.read_at = None


def unread(couple_ids: Iterable[int]) -> dict[int, int]:
    """How many words the counselor has not read yet, by couple (one query)."""
    ids = list(couple_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(PrivateWord.couple_id, func.count())
        .where(among(PrivateWord.couple_id, ids), PrivateWord.read_at.is_(None))
        .group_by(PrivateWord.couple_id)
    )
    return {couple_id: count for couple_id, count in rows}


def export_rows(couple: Couple, me: Partner | None) -> list[dict]:
    """The words in an export: a partner's own only (``me``), or all for the counselor
    (``me`` None). The other partner's words are never in a partner's file, nor a count."""
    names = {p.id: p.name for p in couple.partners}
    if me is not None:
        words = sorted(written_by(me), key=lambda w: (w.created_at, w.id))
        return [{"written_at": w.created_at.isoformat(), "text": w.text} for w in words]
    words = db.session.scalars(
        select(PrivateWord)
        .where(PrivateWord.couple_id == couple.id)
        .order_by(PrivateWord.created_at, PrivateWord.id)
    )
    return [
        {
            "by": names.get(w.partner_id, ""),
            "written_at": w.created_at.isoformat(),
            "read_at": w.read_at.isoformat() if w.read_at else None,
            "text": w.text,
        }
        for w in words
    ]


def erase(partner_id: int) -> int:
    """Delete every word partner place ``partner_id`` wrote (they are leaving); how many.

    A plain DELETE, like the rest of ``domain.erasure``: the ORM would copy the words
    into the audit trail's record of the deletion."""
    result = db.session.execute(
        delete(PrivateWord)
        .where(PrivateWord.partner_id == partner_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def describe(obj) -> tuple[str, Place] | None:
    """For the audit trail: what to call a word and whose it is (sealed with the writer's
    key, like every partner's words)."""
    if isinstance(obj, PrivateWord):
        return SUBJECT, Place(obj.couple_id, obj.partner_id)
    return None
