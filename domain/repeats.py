"""Telling a form sent twice from a new one: a double tap, or a browser resending a page.

A repeat gets the answer the first one got (a redirect to what was made) instead of a
second record. These checks are in code for now; under two truly simultaneous requests
only a database constraint can keep the second one out (see tests/test_double_submit.py).

Everything here is one person's: a form key is looked up with the person who sends it, and
every ``just_made`` look names whose records it searches (``by``), so two people sending
the same key or the same words never stand in each other's way.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import FormSubmission, utcnow

# Long enough for a slow phone connection to give up and send again.
REPEAT_WINDOW = timedelta(minutes=10)


def just_made(model, by, *where):
    """The newest ``model`` row matching ``where`` made within the repeat window, or None.

    ``by`` is the condition that keeps the search to the sender's own records (their
    couples, their couple's assignments, their needs).
    """
    since = utcnow() - REPEAT_WINDOW
    return db.session.scalar(
        select(model)
        .where(by, *where, model.created_at >= since)
        .order_by(model.created_at.desc(), model.id.desc())
        .limit(1)
    )


def seen(key: str | None, user_id: int) -> FormSubmission | None:
    """This person's earlier submission with this one-time form key, if any."""
    if not key:
        return None
    return db.session.get(FormSubmission, (key[:64], user_id))


def remember(key: str | None, user_id: int, made: str) -> None:
    """Note this form's key with what it made, in the same transaction as the record."""
    if key:
        db.session.add(FormSubmission(key=key[:64], user_id=user_id, made=made[:200]))


def commit_once(key: str | None, user_id: int) -> FormSubmission | None:
    """Commit; if this person's same form key won a moment earlier, undo ours and return
    theirs."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        earlier = seen(key, user_id)
        if earlier is None:
            raise
        return earlier
    return None
