"""The audit trail: who did what, to whose data, and when.

``record`` adds a row to the current database session, so a change and its audit row are
committed together or not at all. ``record_now`` commits at once, with whatever else the
request wrote: for things that change no one's data (a page viewed, a sign-in that
failed, a request refused).

Text a partner wrote (an answer before and after a change) is sealed with that partner's
own key, kept on their account. When the account goes, the key goes, and so does every
way to read that text; the row itself stays, saying that something changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from cryptography.fernet import Fernet, InvalidToken
from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import func, insert, select

from extensions import db
from models import AuditEvent, Couple, User, utcnow

KINDS = {
    "sign_in": "Signed in",
    "sign_in_failed": "Sign-in failed",
    "sign_out": "Signed out",
    "signed_out_everywhere": "Signed out everywhere",
    "password_changed": "Password changed",
    "email_changed": "E-mail changed",
    "two_step": "Two-step sign-in changed",
    "denied": "Refused",
    "viewed": "Viewed",
    "created": "Created",
    "changed": "Changed",
    "deleted": "Deleted",
    "pdf_rendered": "PDF drawn",
    "pdf_downloaded": "PDF downloaded",
    "exported": "Exported",
    "left": "Left the couple",
    "calendar_link": "Calendar link changed",
    "message_sent": "E-mail sent",
    "message_saved": "E-mail saved, not sent",
}

PAGE_SIZE = 50


def _readable(value):
    """A stored moment ("2026-11-22 05:24:39.79+00:00") as people read it; else as is."""
    if isinstance(value, str) and len(value) >= 19 and value[10] == " ":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return f"{moment.astimezone(UTC):%-d %b %Y, %H:%M} UTC"
    return value


def who_and_where(actor: User | None = None) -> dict:
    """The actor columns of an audit row: ``actor``, else whoever is signed in, and from
    which address."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    return {
        "actor_id": actor.id if actor is not None else None,
        "actor_role": actor.role if actor is not None else "",
        "actor_name": stored_name(actor),
        "address": (request.remote_addr or "")[:64] if has_request_context() else "",
    }


def seal(key: str, before: object, after: object) -> str:
    """``before`` and ``after``, encrypted with an account's or a couple's audit key."""
    payload = json.dumps({"before": before, "after": after}, default=str).encode()
    return Fernet(key.encode()).encrypt(payload).decode()


def stored_name(actor: User | None) -> str:
    """Counselors' names are kept on the row; a partner's name is looked up when shown,
    so it leaves with their account (or their couple) and no audit row repeats it."""
    return actor.display_name[:80] if actor is not None and actor.is_counselor else ""


def _key_of(owner: User | Couple) -> str:
    if not owner.audit_key:
        owner.audit_key = Fernet.generate_key().decode()
    return owner.audit_key


def record(
    kind: str,
    *,
    couple_id: int | None = None,
    subject: str = "",
    detail: dict | None = None,
    before: object = None,
    after: object = None,
    author: User | None = None,
    actor: User | None = None,
) -> AuditEvent:
    """Add one audit row to the session.

    ``before``/``after`` are sealed with ``author``'s key (a partner's words), else with the
    couple's key; only without either (a counselor's own account) are they kept plain.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown audit kind {kind!r}")
    info = dict(detail or {})
    event = AuditEvent(
        kind=kind, couple_id=couple_id, subject=subject[:200], **who_and_where(actor)
    )
    if before is not None or after is not None:
        if author is not None:
            if author.id is None:
                db.session.flush()
            event.sealed = seal(_key_of(author), before, after)
            event.sealed_for = author.id
        elif couple_id is not None and (couple := db.session.get(Couple, couple_id)):
            event.sealed = seal(_key_of(couple), before, after)
        else:
            info["before"], info["after"] = before, after
    event.detail = json.dumps(info, default=str, ensure_ascii=False) if info else ""
    db.session.add(event)
    return event


def record_now(kind: str, **kwargs) -> None:
    """Record and commit straight away, with whatever else this request wrote (a page
    viewed, a download): the row is durable before the response leaves.

    A row with nothing to seal (a view, a download, a refusal) goes in as one plain
    INSERT in the request's transaction, without the unit of work of an ORM object: the
    change listeners have nothing to say about an audit row, and a read pays only for the
    one statement and the commit.
    """
    if kwargs.get("before") is not None or kwargs.get("after") is not None:
        record(kind, **kwargs)
    else:
        db.session.execute(insert(AuditEvent.__table__), [_plain_row(kind, **kwargs)])
    db.session.commit()


def _plain_row(
    kind: str,
    *,
    couple_id: int | None = None,
    subject: str = "",
    detail: dict | None = None,
    author: User | None = None,
    actor: User | None = None,
    before: object = None,
    after: object = None,
) -> dict:
    """The columns of a row ``record`` would add, for one with nothing to seal."""
    if kind not in KINDS:
        raise ValueError(f"unknown audit kind {kind!r}")
    return {
        "at": utcnow(),
        "kind": kind,
        "couple_id": couple_id,
        "subject": subject[:200],
        "detail": json.dumps(detail, default=str, ensure_ascii=False) if detail else "",
        "sealed": "",
        "sealed_for": None,
        **who_and_where(actor),
    }


@dataclass(frozen=True)
class Entry:
    """One audit row as the counselor's page shows it."""

    event: AuditEvent
    who: str
    detail: dict
    before: object
    after: object
    unreadable: bool  # text that left with a partner's account

    @property
    def label(self) -> str:
        return KINDS.get(self.event.kind, self.event.kind)

    @property
    def rows(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for the values worth reading: no ids, nothing empty."""
        if not isinstance(self.before, dict) and not isinstance(self.after, dict):
            return []
        before, after = self.before or {}, self.after or {}
        shown = []
        for name in self.detail.get("fields") or sorted({*before, *after}):
            was, now = before.get(name), after.get(name)
            if name.endswith("_id") or (was in (None, "") and now in (None, "")):
                continue
            shown.append((name.replace("_", " "), _readable(was), _readable(now)))
        return shown


def _open(event: AuditEvent, keys: dict, couple_key: str | None, names: dict) -> Entry:
    detail = json.loads(event.detail) if event.detail else {}
    before, after = detail.pop("before", None), detail.pop("after", None)
    unreadable = False
    if event.sealed:
        key = keys.get(event.sealed_for) if event.sealed_for else couple_key
        try:
            if not key:
                raise InvalidToken
            opened = json.loads(Fernet(key.encode()).decrypt(event.sealed.encode()))
            before, after = opened.get("before"), opened.get("after")
        except InvalidToken:
            unreadable = True
    if event.actor_name:
        who = event.actor_name
    elif event.actor_id is None:
        who = ""
    else:
        who = names.get(event.actor_id) or "Former partner"
    return Entry(event, who, detail, before, after, unreadable)


@dataclass(frozen=True)
class Filters:
    start: date | None = None
    end: date | None = None
    kind: str | None = None
    page: int = 1


def couple_trail(couple_id: int, filters: Filters) -> tuple[list[Entry], int]:
    """One page of a couple's trail, newest first, and how many rows match in all."""
    query = select(AuditEvent).where(AuditEvent.couple_id == couple_id)
    if filters.start:
        query = query.where(AuditEvent.at >= datetime.combine(filters.start, time(), tzinfo=UTC))
    if filters.end:
        end = datetime.combine(filters.end + timedelta(days=1), time(), tzinfo=UTC)
        query = query.where(AuditEvent.at < end)
    if filters.kind:
        query = query.where(AuditEvent.kind == filters.kind)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((max(filters.page, 1) - 1) * PAGE_SIZE)
    ).all()
    sealed_for = {row.sealed_for for row in rows if row.sealed_for}
    keys: dict[int, str | None] = {}
    if sealed_for:
        found = select(User.id, User.audit_key).where(User.id.in_(sealed_for))
        keys = {user_id: key for user_id, key in db.session.execute(found).all()}
    couple_key = db.session.scalar(select(Couple.audit_key).where(Couple.id == couple_id))
    actors = {row.actor_id for row in rows if row.actor_id and not row.actor_name}
    names: dict[int, str] = {}
    if actors:
        found = select(User.id, User.display_name).where(User.id.in_(actors))
        names = {user_id: name for user_id, name in db.session.execute(found).all()}
    return [_open(row, keys, couple_key, names) for row in rows], total
