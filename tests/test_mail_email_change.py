"""Changing the e-mail you sign in with, through the real SMTP server: a link to the new
address confirms it, and the answer never says whether an address has an account."""

from __future__ import annotations

import time as clock
from datetime import timedelta

from sqlalchemy import select, update

from domain.mail import tokens
from extensions import db
from models import AuditEvent, EmailChange, MailSuppression, Message, User, utcnow
from tests import factories
from tests.conftest import login, text_of
from tests.mail_helpers import links_in, path_of
from tests.smtp_server import html_part, text_part

NEW = "sam.new@example.org"


def _change_email(client, email, password=factories.PASSWORD):
    return client.post(
        "/account/email",
        data={"mail-email": email, "mail-current_password": password},
        follow_redirects=True,
    )


def _confirm_link(message) -> str:
    return path_of(next(u for u in links_in(text_part(message)) if "/email/confirm/" in u))


def _settled(smtp, count):
    """The messages once ``count`` have arrived and nothing more came in a moment."""
    smtp.wait_for(count)
    clock.sleep(0.5)
    return list(smtp.messages)


def test_a_new_email_changes_only_when_the_owner_opens_the_link_sent_to_it(
    app, counselor, couple, smtp, signed_in
):
    sam, alex = couple.partner_at(1).user, couple.partner_at(2).user
    old = sam.email
    phone = signed_in(sam)
    page = _change_email(phone, NEW)
    assert f"We've sent a link to {NEW}. Your address changes when you open it." in text_of(page)
    assert db.session.get(User, sam.id).email == old  # nothing changes yet
    [message] = smtp.wait_for(1)
    assert smtp.recipients == [[NEW]]
    assert message["Subject"] == "Hearth: please confirm your new e-mail"
    assert "Hi Sam," in text_part(message) and "24 hours" in text_part(message)
    link = _confirm_link(message)

    # Not signed in: sign in first, and come back to the link.
    stranger = app.test_client()
    assert "/login" in stranger.get(link).headers["Location"]
    # Signed in as someone else (Alex): the link does nothing for them.
    other = signed_in(alex)
    assert other.get(link).status_code == 410
    assert other.post(link).status_code == 410
    assert db.session.get(User, alex.id).email == alex.email

    asked = phone.get(link)
    assert asked.status_code == 200 and NEW in text_of(asked)
    assert db.session.get(User, sam.id).email == old  # opening it asks, the button does it
    done = phone.post(link, follow_redirects=True)
    assert "Your e-mail is changed" in text_of(done)
    assert db.session.get(User, sam.id).email == NEW
    assert phone.post(link).status_code == 410  # once only

    # The old address hears that it was replaced, not by what.
    notice = next(m for m in _settled(smtp, 2) if old in str(m["To"]))
    assert notice["Subject"] == "Hearth: the e-mail you sign in with was changed"
    body = text_part(notice) + html_part(notice) + str(notice["Subject"])
    assert "was just changed" in body and "tell your counselor" in body
    assert NEW not in body and "sam.new" not in body
    # Signing in works with the new address only; the trail keeps the old one sealed.
    assert "don't match" in text_of(login(app.test_client(), old))
    assert "This week" in text_of(login(app.test_client(), NEW))
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "email_changed")).one()
    assert old not in event.detail and event.sealed


def test_a_taken_address_gets_the_same_answer_and_no_message(
    app, counselor, couple, smtp, signed_in
):
    sam, alex = couple.partner_at(1).user, couple.partner_at(2).user
    phone = signed_in(sam)
    taken = _change_email(phone, alex.email)
    free = _change_email(phone, NEW)
    assert taken.status_code == free.status_code == 200
    assert text_of(taken).replace(alex.email, "ADDRESS") == text_of(free).replace(NEW, "ADDRESS")
    assert "We've sent a link to" in text_of(taken)
    messages = _settled(smtp, 1)
    assert smtp.recipients == [[NEW]] and len(messages) == 1  # nothing went to Alex
    assert db.session.get(User, sam.id).email == sam.email
    assert db.session.get(User, alex.id).email == alex.email


def test_an_address_taken_before_the_link_is_opened_is_not_used(
    app, counselor, couple, smtp, signed_in
):
    sam = couple.partner_at(1).user
    old = sam.email
    phone = signed_in(sam)
    _change_email(phone, NEW)
    [message] = smtp.wait_for(1)
    factories.counselor("Someone Else", email=NEW)
    db.session.commit()
    page = text_of(phone.post(_confirm_link(message), follow_redirects=True))
    assert "We can't use that address for your account any more" in page
    assert "already" not in page
    assert db.session.get(User, sam.id).email == old
    assert len(_settled(smtp, 1)) == 1  # no "your e-mail was changed" note
    assert phone.post(_confirm_link(message)).status_code == 410


def test_an_email_link_works_for_24_hours_and_only_the_newest_one(
    app, counselor, couple, smtp, signed_in
):
    sam = couple.partner_at(1).user
    phone = signed_in(sam)
    _change_email(phone, "first.try@example.org")
    _change_email(phone, NEW)
    first, second = smtp.wait_for(2)
    assert phone.get(_confirm_link(first)).status_code == 410
    newest = _confirm_link(second)
    assert phone.get(newest).status_code == 200
    change = db.session.scalars(select(EmailChange).order_by(EmailChange.id.desc())).first()
    assert change.expires_at - change.created_at == timedelta(hours=24)
    token = newest.rsplit("/", 1)[1]
    stored = db.session.scalars(select(EmailChange.token_hash)).all()
    assert token not in stored and all(len(h) == 64 for h in stored)  # only hashes
    db.session.execute(update(EmailChange).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert phone.post(newest).status_code == 410
    assert db.session.get(User, sam.id).email != NEW


def test_email_change_messages_cannot_be_turned_off(app, counselor, couple, smtp, signed_in):
    sam = couple.partner_at(1).user
    phone = signed_in(sam)
    account = text_of(phone.get("/account/"))
    assert "Links to confirm a new e-mail" not in account
    assert "Your e-mail was changed" not in account
    # Even a correctly signed unsubscribe link for these kinds stops nothing.
    for kind in ("email_confirm", "email_changed"):
        token = tokens.unsubscribe_token(kind, address=NEW)
        assert app.test_client().post(f"/mail/unsubscribe/{token}").status_code == 404
    # An address that once stopped these (as no link allows any more) still gets its link.
    db.session.add(MailSuppression(address_digest=tokens.address_digest(NEW), kind="email_confirm"))
    db.session.commit()
    _change_email(phone, NEW)
    [message] = smtp.wait_for(1)
    assert message["List-Unsubscribe"] is None
    assert "Stop these e-mails" not in text_part(message) + html_part(message)
    sent = db.session.scalars(select(Message).where(Message.kind == "email_confirm")).one()
    assert sent.status == "sent"
