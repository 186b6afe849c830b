"""The secret in every link Hearth hands out: invitations and sign-in links, password
links, e-mail confirmations and calendar feeds.

A link's token is derived from the app's secret key and a random nonce kept on its row,
and only a SHA-256 of the token is stored. So the app can show a link again (it derives
it anew), a copy of the database alone opens nothing, and a new ``SECRET_KEY`` voids
every link at once. Each kind of link has its own purpose, so one kind's token never
opens another's row.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from flask import current_app
from sqlalchemy import update

from extensions import db
from models import utcnow


def derive(purpose: str, nonce: str) -> str:
    """The token for a row of ``purpose`` ("invitation", "calendar", …) with ``nonce``."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"hearth-{purpose}:{nonce}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def digest(token: str) -> str:
    """What is stored, and looked up, in place of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def shown_again(purpose: str, nonce: str, stored: str) -> str | None:
    """The row's token, or None when it can no longer be derived (the secret key changed)."""
    token = derive(purpose, nonce)
    return token if hmac.compare_digest(digest(token), stored) else None


def use_once(row, *still_open) -> bool:
    """Mark a link's row used, atomically: of two simultaneous tries only one wins.

    The row must be unused and unexpired (and meet ``still_open``, e.g. not voided);
    returns whether this try was the one that used it.
    """
    model = type(row)
    now = utcnow()
    result = db.session.execute(
        update(model)
        .where(model.id == row.id, model.used_at.is_(None), model.expires_at > now, *still_open)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    row.used_at = now
    return True
