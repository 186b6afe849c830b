"""Queueing and sending messages, each exactly once.

A message is a row with a unique key (kind, recipient, period), added in the same
transaction as whatever caused it, so it exists exactly when its cause does. Sending
*claims* the row first (one UPDATE that only one consumer can win, committed before
anything is sent), then hands the message to SMTP, then marks it sent. A second
consumer, a second run of the periodic pass, or a retry finds the row claimed or done
and sends nothing. A consumer that dies holding a claim lets it lapse after ``LEASE``;
the next pass takes it up again, so no message is lost.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from flask import current_app, g, has_app_context, render_template
from flask_babel import force_locale
from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from domain import audit
from domain.mail import links, prefs, tokens, transport
from domain.mail.kinds import INVITEE, Kind, first_name, kind_named
from extensions import db
from models import Message, User, utcnow
from web import i18n

log = logging.getLogger("hearth.mail")

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8… minutes after each failed try, at most six hours."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


# --- Queueing ----------------------------------------------------------------------------


def message_key(kind: str, *, user: User | None, to_address: str, period: str) -> str:
    who = f"u{user.id}" if user is not None else f"a{tokens.address_digest(to_address)[:24]}"
    return f"{kind}:{who}:{period}"[:200]


def queue(
    kind: str,
    *,
    user: User | None = None,
    to_address: str = "",
    couple_id: int | None = None,
    period: str = "",
    ref_id: int | None = None,
    due_at: datetime | None = None,
    locale: str | None = None,
) -> int | None:
    """Add one message to the current transaction, unless one with its key exists.

    ``user`` is the recipient with an account (their e-mail is read when it is sent);
    ``to_address`` is for someone without one (an invitation). ``period`` tells apart
    messages of one kind to one person: a week's start date, a day, a session's id.
    Returns the new row's id, or None when that message was already queued.

    Nothing is sent before the transaction commits; in a request, the message is handed
    to the task queue right after the response is ready (``dispatch_pending``).
    """
    if kind_named(kind) is None:
        raise ValueError(f"unknown message kind {kind!r}")
    if user is not None and user.id is None:
        db.session.flush()
    now = utcnow()
    values = {
        "key": message_key(kind, user=user, to_address=to_address, period=period),
        "kind": kind,
        "user_id": user.id if user is not None else None,
        "to_address": to_address,
        "couple_id": couple_id,
        "period": period,
        "ref_id": ref_id,
        "locale": locale,
        "created_at": now,
        "due_at": due_at or now,
        "status": "queued",
        "attempts": 0,
        "claim": "",
        "note": "",
    }
    # On the session's own connection, so it is part of the same transaction, and so it
    # also works from inside a flush (``domain.mail.triggers``).
    connection = db.session.connection()
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    table = Message.__table__
    statement = (
        insert(table).values(**values).on_conflict_do_nothing(index_elements=["key"])
    ).returning(table.c.id)
    new_id = connection.execute(statement).scalar()
    if new_id is not None and has_app_context():
        g.setdefault("mail_pending", []).append(new_id)
    return new_id


def pending_in_this_request() -> list[int]:
    """The messages queued during this request (or app context), once."""
    return g.pop("mail_pending", []) if has_app_context() else []


# --- Claiming ----------------------------------------------------------------------------


def claim(message_id: int, now: datetime | None = None) -> str | None:
    """Take the message for sending, atomically; returns the claim or None if it is not
    ours to send (sent, being sent by someone else, not due yet, gone)."""
    now = now or utcnow()
    token = secrets.token_hex(8)
    result = db.session.execute(
        update(Message)
        .where(
            Message.id == message_id,
            Message.due_at <= now,
            or_(
                Message.status == "queued",
                (Message.status == "sending") & (Message.claimed_until < utcnow()),
            ),
        )
        .values(
            status="sending",
            claim=token,
            claimed_until=utcnow() + LEASE,
            attempts=Message.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return token if result.rowcount == 1 else None


def _finish(message_id: int, token: str, **values) -> bool:
    """Change a message we hold the claim of; False if the claim was lost meanwhile."""
    result = db.session.execute(
        update(Message)
        .where(Message.id == message_id, Message.claim == token, Message.status == "sending")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


# --- Sending -----------------------------------------------------------------------------


def _recipient(message: Message) -> tuple[str, str]:
    """(address, display name) the message goes to."""
    if message.user is not None:
        return message.user.email, message.user.display_name
    return message.to_address, ""


def _practice(message: Message, kind: Kind) -> str:
    if kind.audience == INVITEE and message.ref_id:
        from models import Invitation

        invitation = db.session.get(Invitation, message.ref_id)
        counselor = invitation.partner.couple.counselor if invitation else None
        return prefs.practice_name(counselor)
    return prefs.practice_of(message.user) if message.user else prefs.DEFAULT_PRACTICE


def language_of(message: Message, kind: Kind) -> str:
    """The language ``message`` is drawn in: its recipient's (``web.i18n.of``); for
    someone without an account yet, the one the sender chose (an invitation), else that of
    the person it is about (the account whose address is being changed), or for an
    invitation the inviting counselor's."""
    if message.user is not None:
        return i18n.of(message.user)
    if message.locale in i18n.offered():
        return message.locale
    if message.ref_id and kind.audience == INVITEE:
        from models import Invitation

        invitation = db.session.get(Invitation, message.ref_id)
        if invitation is not None:
            return i18n.of(invitation.partner.couple.counselor)
    elif message.ref_id and kind.name in ("email_confirm", "email_changed"):
        from models import EmailChange

        change = db.session.get(EmailChange, message.ref_id)
        if change is not None and change.user is not None:
            return i18n.of(change.user)
    return i18n.DEFAULT


def _unsubscribe_url(message: Message) -> str:
    if message.user_id is not None:
        token = tokens.unsubscribe_token(message.kind, user_id=message.user_id)
    else:
        token = tokens.unsubscribe_token(message.kind, address=message.to_address)
    return links.url("mail.unsubscribe", token=token)


def compose(message: Message, kind: Kind, values: dict, now: datetime) -> EmailMessage:
    """The e-mail for ``message``: plain text and HTML from ``templates/mail/``."""
    address, name = _recipient(message)
    practice = values.get("practice") or _practice(message, kind)
    context = {
        "practice": practice,
        "first_name": first_name(name) if name else values.get("first_name", ""),
        "unsubscribe_url": _unsubscribe_url(message),
        "preferences_url": links.url("account.index", _anchor="messages"),
        "has_account": message.user_id is not None,
        "kind": kind,
        **values,
    }
    email = EmailMessage()
    email["Subject"] = kind.subject.format(**context)
    sender = current_app.config["MAIL_FROM"]
    email["From"] = formataddr((practice, sender))
    email["To"] = formataddr((name, address)) if name else address
    email["Date"] = format_datetime(now)
    digest = hashlib.sha256(message.key.encode()).hexdigest()[:32]
    email["Message-ID"] = f"<{digest}@{sender.rpartition('@')[2] or 'hearth'}>"
    if kind.can_turn_off:
        email["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(render_template(f"mail/{kind.name}.txt", **context))
    email.add_alternative(render_template(f"mail/{kind.name}.html", **context), subtype="html")
    return email


def _why_not(message: Message, kind: Kind) -> str | None:
    """Why this message must not go to its recipient at all, or None."""
    if message.user_id is not None:
        user = message.user
        if user is None or not user.active:
            return "the account is closed"
        if kind.can_turn_off and not prefs.wants(user, kind):
            return "turned off by the recipient"
        return None
    if not message.to_address:
        return "no address"
    if kind.can_turn_off and prefs.suppressed(tokens.address_digest(message.to_address), kind.name):
        return "this address asked not to receive these"
    return None


def send_one(message_id: int, now: datetime | None = None) -> str:
    """Send one queued message if it is ours to send; returns what became of it."""
    now = now or utcnow()
    token = claim(message_id, now)
    if token is None:
        return "not claimed"
    message = db.session.get(Message, message_id)
    kind = kind_named(message.kind)
    try:
        return _deliver(message, kind, token, now)
    except Exception as error:
        # A fault of ours (a template, the database): let the claim go, try again later,
        # and give up (recorded, shown by `mail status`) after as many tries as for SMTP.
        db.session.rollback()
        note = f"error while drawing the message: {type(error).__name__} (see the log)"
        if message.attempts >= MAX_ATTEMPTS:
            _end(message, token, "failed", f"gave up after {message.attempts} tries: {note}")
        else:
            _release(message_id, token, note, now, retry_delay(message.attempts))
            db.session.commit()
        raise


def _deliver(message: Message, kind: Kind | None, token: str, now: datetime) -> str:
    if kind is None:
        return _end(message, token, "failed", "unknown kind")
    why_not = _why_not(message, kind)
    if why_not:
        return _end(message, token, "skipped", why_not)
    if kind.quiet_hours and message.user is not None:
        settings = prefs.settings_for(message.user)
        tz = prefs.timezone_of(message.user, settings)
        allowed = prefs.after_quiet_hours(now, settings, tz)
        if allowed > now:  # quiet hours: wait until they end
            _finish(
                message.id,
                token,
                status="queued",
                claim="",
                due_at=allowed,
                attempts=Message.attempts - 1,  # waiting is not a failed try
            )
            db.session.commit()
            return "waiting for quiet hours to end"
    # Everything the recipient reads (dates and week names too) in their own language.
    with force_locale(language_of(message, kind)):
        values = kind.gather(message, message.user, now)
        if values is None:
            return _end(message, token, "skipped", "nothing to say any more")
        email = compose(message, kind, values, now)
    url = current_app.config["MAIL_SMTP_URL"]
    try:
        if url:
            where = transport.send_smtp(url, email)
            status = "sent"
        else:
            name = f"{now:%Y%m%d-%H%M%S}-{message.id}-{message.kind}"
            where = transport.save_to_outbox(current_app.config["MAIL_OUTBOX"], name, email)
            status = "saved"
            log.warning(
                "No HEARTH_SMTP_URL: message %s (%s) was saved to %s, not sent.",
                message.id,
                message.kind,
                where,
            )
    except transport.Permanent as error:
        log.error("Message %s (%s) refused for good: %s", message.id, message.kind, error)
        return _end(message, token, "failed", str(error))
    except transport.Transient as error:
        log.warning("Message %s (%s) not sent yet: %s", message.id, message.kind, error)
        db.session.rollback()
        if message.attempts >= MAX_ATTEMPTS:
            return _end(
                message, token, "failed", f"gave up after {message.attempts} tries: {error}"
            )
        _release(message.id, token, str(error), now, retry_delay(message.attempts))
        db.session.commit()
        return "will try again"
    if _finish(message.id, token, status=status, finished_at=utcnow(), note=""):
        _audit(message, kind, status)
    db.session.commit()
    log.info("Message %s (%s) %s: %s", message.id, message.kind, status, where)
    return status


def _release(
    message_id: int, token: str, note: str, now: datetime, wait: timedelta | None = None
) -> None:
    """Give the claim back; the message is due again after ``wait`` (from the pass's
    moment ``now``, which ``mail send-due --at`` may set)."""
    _finish(
        message_id,
        token,
        status="queued",
        claim="",
        due_at=now + (wait or FIRST_RETRY),
        note=note[:500],
    )


def _end(message: Message, token: str, status: str, note: str) -> str:
    _finish(message.id, token, status=status, finished_at=utcnow(), note=note[:500])
    db.session.commit()
    return status


def _english(words) -> str:
    """The trail keeps Hearth's own words in English, whoever the message was for."""
    with force_locale(i18n.DEFAULT):
        return str(words)


def _audit(message: Message, kind: Kind, status: str) -> None:
    """The couple's trail says that a message went, of which kind, when: nothing more."""
    if message.couple_id is None:
        return
    place = message.user.partner_place if message.user is not None else None
    audit.record(
        "message_sent" if status == "sent" else "message_saved",
        couple_id=message.couple_id,
        subject=_english(kind.label),
        detail={"to": f"partner {place.place}" if place else "invited partner"},
        actor=None,
    )


# --- The periodic pass -------------------------------------------------------------------


def due_ids(now: datetime) -> list[int]:
    """Messages that may be sent at ``now``: due and waiting, or claimed by a consumer
    that has not finished within its lease."""
    return list(
        db.session.scalars(
            select(Message.id)
            .where(
                Message.due_at <= now,
                or_(
                    Message.status == "queued",
                    (Message.status == "sending") & (Message.claimed_until < utcnow()),
                ),
            )
            .order_by(Message.due_at, Message.id)
        )
    )


def send_due(now: datetime | None = None, send: Callable[[int], object] | None = None) -> dict:
    """One pass of the periodic work: queue what has become due, then send what is due.

    ``send`` hands one message id on (the task queue); without it, messages are sent
    here, one after another. Running it twice for the same moment sends nothing twice.
    """
    from domain.mail import plan

    now = now or utcnow()
    planned = plan.plan(now)
    db.session.commit()
    pending_in_this_request()  # they are sent just below
    ids = due_ids(now)
    outcomes: dict[str, int] = {}
    for message_id in ids:
        if send is not None:
            send(message_id)
            outcome = "handed to the queue"
        else:
            outcome = send_one(message_id, now)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return {"planned": planned, "due": len(ids), "outcomes": outcomes}
