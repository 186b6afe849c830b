"""Telling a form sent twice from a new one: a double tap, or a browser resending a page.

A repeat gets the answer the first one got (a redirect to what was made) instead of a
second record. Every form that makes something new goes through the same two steps:

    went = repeats.earlier(form.once.data, user.id, same=...)   # before making anything
    if went: tell them it is saved, and redirect to ``went``
    ...make the record...
    went = repeats.save_once(form.once.data, user.id, made=url)  # instead of commit()
    if went: the same form won a moment earlier, on another worker: redirect to ``went``

The one-time key (``once``, a hidden field) knows a repeat for as long as it is kept; the
``same=`` look (what the same words made within ``REPEAT_WINDOW``, via ``just_made``)
also catches a page sent again after a reload made a new key. Under two truly
simultaneous requests the key's primary key keeps the second one out.

Everything here is one person's: a form key is looked up with the person who sends it, and
every ``just_made`` look names whose records it searches (``by``), so two people sending
the same key or the same words never stand in each other's way.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import FormSubmission, utcnow

# Long enough for a slow phone connection to give up and send again.
REPEAT_WINDOW = timedelta(minutes=10)

# What ``forms.base.form_key`` makes: URL-safe letters, kept to the column's 64.
_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _key(key: str | None) -> str | None:
    """The form's one-time key, or None for one no page of ours could have sent (an altered
    hidden field: no repeat is known by it, and nothing odd, such as a NUL character that
    PostgreSQL refuses, reaches the database)."""
    if not key:
        return None
    key = key[:64]
    return key if _KEY.fullmatch(key) else None


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
    key = _key(key)
    if key is None:
        return None
    return db.session.get(FormSubmission, (key, user_id))


def remember(key: str | None, user_id: int, made: str) -> None:
    """Note this form's key with what it made, in the same transaction as the record."""
    key = _key(key)
    if key is not None:
        db.session.add(FormSubmission(key=key, user_id=user_id, made=made[:200]))


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


def earlier(key: str | None, user_id: int, same: str | None = None) -> str | None:
    """Where this form's first sending went, when this one repeats it; else None.

    ``same`` is the address of what the same words made a moment ago, if the view found
    one (``just_made``).
    """
    if same:
        return same
    found = seen(key, user_id)
    return found.made if found is not None else None


def save_once(key: str | None, user_id: int, made: str) -> str | None:
    """Commit the new record with its key; None when it stands. If the same key from the
    same person was committed a moment earlier, ours is undone and the first one's address
    is returned."""
    remember(key, user_id, made)
    first = commit_once(key, user_id)
    return first.made if first is not None else None
