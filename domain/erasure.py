"""Ending: a counselor deleting a couple, and a partner leaving their couple.

Both only change the database session; the caller records the audit row and commits, so
the change and its trace in the audit trail land together or not at all. Audit rows name
couples and people by number only (no foreign keys), so they outlive what they describe.

Both work with plain DELETE and UPDATE statements and the database's ON DELETE CASCADE,
not row by row through the ORM: the trail of changes (``domain.audit_changes``) writes
every row the ORM deletes into an audit event with what it held, and erasing someone's
words must not leave a fresh copy of them behind. The caller's one audit event, with
counts, is the trace instead.
"""

from __future__ import annotations

import unicodedata

from flask import current_app
from sqlalchemy import delete, func, or_, select, text, update

from domain import audit_changes, private_words
from extensions import db
from kinds import registry
from models import CounselingSession, Couple, Invitation, Partner, PinnedMoment, SummaryPdf, User

# What the place of a partner who left is called from then on, wherever a name is shown.
FORMER_PARTNER = "Former partner"


def _plain(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


def name_matches(couple: Couple, typed: str | None) -> bool:
    """Did the counselor type the couple's name? Case and extra spaces do not matter."""
    return bool(typed) and _plain(typed) == _plain(couple.name)


# --- Deleting a couple ------------------------------------------------------------------


def delete_couple(couple: Couple) -> dict[str, int]:
    """Delete the couple and everything of theirs; returns what went, as counts.

    The partner places go with the couple (and with them, by the database's ON DELETE
    CASCADE, every answer, need, step, rating and check-in, and every invitation link);
    the sessions go with the couple the same way (with their pinned moments, their
    agreed homework and every cached PDF). The partners' own accounts are deleted too:
    without their couple they lead nowhere. The counselor's account stays.
    """
    user_ids = [p.user_id for p in couple.partners if p.user_id is not None]
    sessions = db.session.scalar(
        select(func.count())
        .select_from(CounselingSession)
        .where(CounselingSession.couple_id == couple.id)
    )
    db.session.flush()  # anything pending goes first, so nothing is written after
    # Partner places point at the accounts: the places (with the couple) go first.
    _run(delete(Couple).where(Couple.id == couple.id))
    if user_ids:
        _run(delete(User).where(User.id.in_(user_ids)))
    db.session.expire_all()
    return {"accounts": len(user_ids), "sessions": sessions or 0}


# --- A partner leaving ------------------------------------------------------------------


def leave(place: Partner) -> dict[str, int]:
    """The partner at ``place`` leaves the couple; returns what went, as counts.

    What leaves with them is everything of theirs that only they and the counselor could
    read; what stays is what they shared with their partner, which both of them have seen
    and which the counselor keeps as the couple's history. Model by model:

    - **Needs** kept for the counselor go whole: wordings, steps, weekly ratings, and any
      "I did this" on their steps. Shared needs stay (the other partner took steps for
      them, and those steps are the other partner's own), minus the words of any weekly
      rating comment kept for the counselor (the rating itself, met/partly/not yet, was
      shared and stays).
    - **Rhythm ticks** stay: the rhythm is joint, and both saw who ticked what. A note kept
      for the counselor is emptied; a shared note stays.
    - **Rhythm reflections** kept for the counselor go; shared ones stay.
    - **Check-ins** whose three numbers were kept for the counselor go whole (the numbers
      cannot be emptied, and cannot stay); in the others, each prompt kept for the
      counselor is emptied and the shared numbers and prompts stay.
    - **Appreciation notes** stay, both ways: a note they wrote was given to the partner who
      stays (and only the two of them, or the counselor too if the writer chose, ever read
      it), and a note written to them is the staying partner's own words. Words kept
      between the two stay out of the counselor's reach as before.
    - **Their "I did this"** on the other partner's shared needs stays: it is the other
      partner's need, and both saw it.
    - **Pinned moments** that pointed at something now gone or emptied are unpinned, and
      every **cached PDF** of the couple is dropped (the counselor's copies held the
      private words); summaries are drawn again, without them, when next asked for.
    - Their **private words to the counselor** go, read or not: they were never part of
      the couple's shared history.
    - Their **invitation and sign-in links** go, and no new link can be made for the
      place (see ``Partner.left``): nobody else can step into their history.
    - Their **account** goes: e-mail, name, password, two-step secret and recovery codes,
      and the key that sealed their words in the audit trail, which become unreadable.
      The place stays, named ``FORMER_PARTNER``, so what they shared is still attributed
      to "a former partner" on the counselor's pages, the other partner's pages and the
      summaries.

    The other partner's own answers are not touched, whoever they were for. Session
    notes are the counselor's clinical record and stay as written.
    """
    pid = place.id
    counts: dict[str, int] = {}
    db.session.flush()  # anything pending goes first, so nothing is written after

    for private in registry.private_texts():
        model = private.model
        mine = (private.written_by(pid), private.private_sql())
        if private.on_leave == "delete":
            gone = _run(delete(model).where(*mine))
        else:
            filled = [getattr(model, c) != "" for c in private.columns]
            gone = _run(
                update(model).where(*mine, or_(*filled)).values({c: "" for c in private.columns})
            )
        counts[private.name] = counts.get(private.name, 0) + gone
    # Their private words to the counselor: never the couple's history, so always gone.
    counts["private_words"] = private_words.erase(pid)
    _run(delete(Invitation).where(Invitation.partner_id == pid))

    sessions = select(CounselingSession.id).where(CounselingSession.couple_id == place.couple_id)
    counts["unpinned"] = _unpin_what_is_gone(sessions)
    _run(delete(SummaryPdf).where(SummaryPdf.session_id.in_(sessions)))
    # The statements above bypass the session's listeners: say here that what the
    # couple's summaries show has changed (a copy drawn meanwhile is out of date).
    audit_changes.bump(db.session.connection(), {place.couple_id})

    if place.joined_at is None:  # pragma: no cover - only a joined partner can leave
        raise ValueError("only a partner who joined can leave")
    user = place.user
    _run(update(Partner).where(Partner.id == pid).values(label=FORMER_PARTNER, user_id=None))
    if user is not None:
        _run(delete(User).where(User.id == user.id))
        # Detached, the account object still says who it was (for the audit row), and the
        # session no longer tries to load or save it.
        db.session.expunge(user)
    # What the session had loaded before the statements above is stale now.
    db.session.expire_all()
    return counts


# --- After the commit: the words off the disk -------------------------------------------


def forget_on_disk() -> bool:
    """After an erasure is committed, make sure its words are not left in the files.

    SQLite (with ``secure_delete``, set on every connection) has zeroed what was deleted
    in the database file's pages, but the write-ahead log (``-wal``) still holds the pages
    as they were until a checkpoint. A TRUNCATE checkpoint copies the log into the
    database and empties it. It waits (the busy timeout) for readers still on old pages;
    if one outlasts that, the log is emptied at a later checkpoint and this says False.

    PostgreSQL keeps deleted rows on disk until VACUUM reuses the space, and in its own
    write-ahead log and backups for longer: that is the operator's part (SECURITY.md).
    """
    if db.engine.dialect.name != "sqlite":
        return True
    with db.engine.connect() as connection:
        busy, _log, _moved = connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).one()
    if busy:
        current_app.logger.warning("erasure: the SQLite log could not be emptied yet")
    return not busy


def _run(statement) -> int:
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return result.rowcount or 0


def _unpin_what_is_gone(sessions) -> int:
    """Unpin moments whose words are gone or emptied; returns how many."""
    pins = list(
        db.session.scalars(select(PinnedMoment).where(PinnedMoment.session_id.in_(sessions)))
    )
    gone = []
    for source in {p.source for p in pins}:
        _kind, pinnable = registry.pinnable(source)
        wanted = [p for p in pins if p.source == source]
        if pinnable is None:
            gone += [p.id for p in wanted]
            continue
        model = pinnable.model
        rows = {
            row.id: row
            for row in db.session.scalars(
                select(model)
                .where(model.id.in_([p.source_id for p in wanted]))
                .execution_options(populate_existing=True)
            )
        }
        for pin in wanted:
            row = rows.get(pin.source_id)
            column = pinnable.column(pin.field)
            if row is None or column is None or not getattr(row, column, ""):
                gone.append(pin.id)
    if gone:
        _run(delete(PinnedMoment).where(PinnedMoment.id.in_(gone)))
    return len(gone)
