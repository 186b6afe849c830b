"""Telling a form sent twice from a new one: a double tap, or a browser resending a page.

A repeat gets the answer the first one got (a redirect to what was made) instead of a
second record. These checks are in code for now; under two truly simultaneous requests
only a database constraint can keep the second one out (see tests/test_double_submit.py).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from extensions import db
from models import utcnow

# Long enough for a slow phone connection to give up and send again.
REPEAT_WINDOW = timedelta(minutes=10)


def just_made(model, *where):
    """The newest ``model`` row matching ``where`` made within the repeat window, or None."""
    since = utcnow() - REPEAT_WINDOW
    return db.session.scalar(
        select(model)
        .where(*where, model.created_at >= since)
        .order_by(model.created_at.desc(), model.id.desc())
        .limit(1)
    )
