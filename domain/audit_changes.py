"""Every change to a couple's data leaves an audit row, written in the same transaction.

A listener on the database session looks at each flush: rows of the models below (and of
every registered kind's, ``Kind.models``, described by ``Kind.describe``) that
were added, changed or removed become audit events, with what each changed column held
before and after. Nobody has to remember to call anything, so a new view cannot forget.

Text a partner wrote is sealed with that partner's key (see ``domain.audit``); what the
counselor wrote (session notes, homework wording) is kept readable for the counselor.
"""

from __future__ import annotations

import json

from cryptography.fernet import Fernet
from sqlalchemy import event, insert, inspect, or_, select, update
from sqlalchemy.orm import Session

from domain import audit, private_words
from kinds.base import Place
from models import (
    Appointment,
    Assignment,
    AuditEvent,
    ConfidentialityPolicy,
    CounselingSession,
    Couple,
    Invitation,
    Partner,
    PinnedMoment,
    PrivateWord,
    User,
    Visibility,
    utcnow,
)

# Columns that say nothing a person chose, and secrets that must never be copied anywhere.
IGNORED = {
    "id",
    "version",
    "created_at",
    "updated_at",
    "token_hash",
    "nonce",
    "audit_key",
    "password_hash",
    "totp_secret",
}


def get(session: Session, model, ident):
    """``model`` row ``ident`` without flushing (this runs inside a flush)."""
    if ident is None:
        return None
    with session.no_autoflush:
        return session.get(model, ident)


def couple_of_assignment(session, assignment_id) -> int | None:
    assignment = get(session, Assignment, assignment_id)
    return assignment.couple_id if assignment else None


def couple_of_partner(session, partner_id) -> int | None:
    partner = get(session, Partner, partner_id)
    return partner.couple_id if partner else None


def _place(session: Session, obj) -> tuple[str, Place] | None:
    """What to call ``obj`` in the trail, its couple, and its writer when a partner."""
    from kinds import registry

    for kind in registry.REGISTRY:
        if isinstance(obj, kind.models):
            return kind.describe(session, obj)
    match obj:
        case PrivateWord():
            return private_words.describe(obj)
        case CounselingSession():
            return f"Session {obj.number}", Place(obj.couple_id, None)
        case Appointment():
            return "Next session", Place(obj.couple_id, None)
        case PinnedMoment():
            counseling = get(session, CounselingSession, obj.session_id)
            return "Pinned moment", Place(counseling.couple_id if counseling else None, None)
        case Assignment():
            return f"Homework ({obj.kind})", Place(obj.couple_id, None)
        case Couple():
            return "Couple", Place(obj.id, None)
        case Partner():
            return f"Partner place {obj.place}", Place(obj.couple_id, None)
        case Invitation():
            return f"{obj.purpose.replace('_', '-')} link", Place(
                couple_of_partner(session, obj.partner_id), None
            )
    return None


def _plain(value):
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _changes(obj, kind: str) -> dict[str, tuple]:
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        if attr.key in IGNORED:
            continue
        history = state.attrs[attr.key].history
        if kind == "created":
            value = getattr(obj, attr.key)
            changes[attr.key] = (None, _plain(value))
        elif kind == "deleted":
            value = history.unchanged[0] if history.unchanged else (history.deleted or [None])[0]
            changes[attr.key] = (_plain(value), None)
        elif history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if _plain(before) != _plain(after):
                changes[attr.key] = (_plain(before), _plain(after))
    return _between_partners(obj, changes)


# What the trail keeps instead of words the two partners kept between themselves.
KEPT_BETWEEN = "(kept between the partners)"


def _between_partners(obj, changes: dict[str, tuple]) -> dict[str, tuple]:
    """Words kept between the two partners (``Visibility.PARTNERS``) never enter the trail,
    not even sealed: the counselor opens the trail, and may not read them. That the row
    was written, changed or deleted, and when, is still recorded."""
    from kinds import registry

    for private in registry.private_texts():
        if not isinstance(obj, private.model) or Visibility.PARTNERS not in private.choices:
            continue
        now = getattr(obj, private.visibility, None)
        was = changes.get(private.visibility, (now, now))[0]
        if Visibility.PARTNERS not in (now, was):
            continue
        for column in private.columns:
            if column in changes:
                before, after = changes[column]
                changes[column] = (before and KEPT_BETWEEN, after and KEPT_BETWEEN)
    return changes


def _author(session: Session, partner_id: int | None) -> User | None:
    partner = get(session, Partner, partner_id)
    return get(session, User, partner.user_id) if partner and partner.user_id else None


@event.listens_for(Session, "before_flush")
def _keys_for_writers(session: Session, _context, _instances) -> None:
    """Make sure the keys the trail will seal with exist before the flush writes."""
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        described = _place(session, obj) if not isinstance(obj, AuditEvent) else None
        if not described:
            continue
        place = described[1]
        if place.partner_id:
            owner = _author(session, place.partner_id)
        elif isinstance(obj, Couple):
            owner = obj
        else:
            owner = get(session, Couple, place.couple_id)
        if owner is not None and not owner.audit_key:
            owner.audit_key = Fernet.generate_key().decode()


@event.listens_for(Session, "after_flush")
def _write_trail(session: Session, _context) -> None:
    rows = []
    groups = (("created", session.new), ("changed", session.dirty), ("deleted", session.deleted))
    for kind, objects in groups:
        for obj in objects:
            if kind == "changed" and not session.is_modified(obj, include_collections=False):
                continue
            described = _place(session, obj)
            if described is None:
                continue
            subject, place = described
            changes = _changes(obj, kind)
            if kind == "changed" and not changes:
                continue
            rows.append(_row(session, kind, subject, place, obj, changes))
    if rows:
        session.connection().execute(insert(AuditEvent.__table__), rows)


def _row(session, kind, subject, place: Place, obj, changes) -> dict:
    before = {k: v[0] for k, v in changes.items()}
    after = {k: v[1] for k, v in changes.items()}
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    detail = {"fields": sorted(changes), "id": key[0] if len(key) == 1 else None}
    # The values are sealed: with the writer's key when a partner wrote them, else with the
    # couple's key. Deleting the account or the couple makes them unreadable for good.
    sealed, sealed_for = "", None
    if place.partner_id:
        owner = _author(session, place.partner_id)
        sealed_for = owner.id if owner is not None else None
    else:
        owner = obj if isinstance(obj, Couple) else get(session, Couple, place.couple_id)
    if owner is not None and owner.audit_key:
        sealed = audit.seal(owner.audit_key, before, after)
    return {
        "at": utcnow(),
        "kind": kind,
        "couple_id": place.couple_id,
        "subject": subject[:200],
        "detail": json.dumps(detail, default=str, ensure_ascii=False),
        "sealed": sealed,
        "sealed_for": sealed_for,
        **audit.who_and_where(),
    }


# --- What the couple's summaries show: one number that moves with it ---------------------

# Columns that change nothing a summary shows, beyond ``IGNORED``: the version itself and
# the couple's audit key; when a session was released (the summary reads the same).
NOT_SHOWN = {Couple: {"data_version", "audit_key"}, CounselingSession: {"released_at"}}


def _shown_change(obj) -> bool:
    """Did a changed row change a column or collection a summary could show?"""
    state = inspect(obj)
    hidden = IGNORED | NOT_SHOWN.get(type(obj), set())
    # Relationships count too: the homework a session agreed on is a link table.
    return any(
        state.attrs[attr.key].history.has_changes()
        for attr in state.mapper.attrs
        if attr.key not in hidden
    )


def couples_changed(session: Session) -> tuple[set[int], set[int]]:
    """The couples whose data this flush changed, and the counselors all of whose couples
    it changed (their name, or their usual confidentiality policy)."""
    couples: set[int] = set()
    counselors: set[int] = set()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            continue
        if isinstance(obj, User):
            state = inspect(obj)
            if obj in session.dirty and not state.attrs.display_name.history.has_changes():
                continue  # a sign-in time, a password: nothing a summary shows
            if obj.is_counselor:
                counselors.add(obj.id)
            else:
                partner = session.scalar(select(Partner.couple_id).where(Partner.user_id == obj.id))
                if partner is not None:
                    couples.add(partner)
            continue
        if isinstance(obj, ConfidentialityPolicy):
            if obj.couple_id is not None:
                couples.add(obj.couple_id)
            else:
                counselors.add(obj.counselor_id)
            continue
        if obj in session.dirty and not _shown_change(obj):
            continue
        described = _place(session, obj)
        if described is not None and described[1].couple_id is not None:
            couples.add(described[1].couple_id)
    return couples, counselors


def bump(connection, couple_ids=(), counselor_ids=()) -> None:
    """Raise ``data_version`` of these couples and of every couple of these counselors."""
    where = []
    if couple_ids:
        where.append(Couple.__table__.c.id.in_(sorted(couple_ids)))
    if counselor_ids:
        where.append(Couple.__table__.c.counselor_id.in_(sorted(counselor_ids)))
    if where:
        table = Couple.__table__
        connection.execute(
            update(table).where(or_(*where)).values(data_version=table.c.data_version + 1)
        )


@event.listens_for(Session, "after_flush")
def _bump_data_versions(session: Session, _context) -> None:
    """Every flush that changes what a couple's summaries show raises their number, in
    the same transaction: a PDF stored at the old number can never be served as current."""
    with session.no_autoflush:
        couples, counselors = couples_changed(session)
    if couples or counselors:
        bump(session.connection(), couples, counselors)
