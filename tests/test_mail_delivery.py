"""Delivery: each message reaches a real SMTP server exactly once, or waits, or is
recorded as failed; without SMTP it is saved to the outbox and nothing pretends."""

from __future__ import annotations

import logging
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

from sqlalchemy import select, update

from domain import mail
from domain.mail import delivery
from extensions import db
from models import AuditEvent, Message, utcnow
from tests.conftest import login
from tests.mail_helpers import at, couple_with_homework, links_in, path_of
from tests.smtp_server import html_part, text_part

MONDAY_9 = "2026-11-16 09:00"  # a Monday; London is on GMT (UTC+0) then


def _statuses():
    return [m.status for m in db.session.scalars(select(Message).order_by(Message.id))]


def test_the_week_started_message_reaches_each_partner_once(app, counselor, smtp):
    couple, _ = couple_with_homework(counselor)
    sam, alex = (p.user for p in couple.partners)

    first = mail.send_due(at(MONDAY_9))
    again = mail.send_due(at(MONDAY_9))
    later = mail.send_due(at("2026-11-16 15:00"))

    received = smtp.wait_for(2)
    assert len(received) == 2
    assert first["planned"] == 2 and again["planned"] == 0 and later["planned"] == 0
    assert sorted(r[0] for r in smtp.recipients) == sorted([sam.email, alex.email])
    to_sam = smtp.to(sam.email)[0]
    assert to_sam["Subject"] == "Hearth: a new week for you two"
    assert to_sam["From"].addresses[0].display_name == "Hearth"
    assert "Hi Sam," in text_part(to_sam) and "Hi Sam," in html_part(to_sam)
    assert "16–22 Nov 2026" in text_part(to_sam)
    assert _statuses() == ["sent", "sent"]


def test_links_in_a_message_open_the_right_page(app, counselor, smtp, client):
    couple, _ = couple_with_homework(counselor)
    sam = couple.partner_at(1).user
    mail.send_due(at(MONDAY_9))
    message = smtp.to(sam.email)[0]
    link = next(u for u in links_in(text_part(message)) if "/week" in u or u.endswith("/"))
    assert link.startswith(app.config["BASE_URL"])
    login(client, sam.email)
    page = client.get(path_of(link), follow_redirects=True)
    assert page.status_code == 200
    assert "This week" in page.get_data(as_text=True)


def test_every_message_carries_one_click_unsubscribe(app, counselor, smtp):
    couple, _ = couple_with_homework(counselor)
    mail.send_due(at(MONDAY_9))
    for message in smtp.wait_for(2):
        unsubscribe = message["List-Unsubscribe"]
        assert unsubscribe.startswith("<http") and "/mail/unsubscribe/" in unsubscribe
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe.strip("<>") in text_part(message)


def test_a_server_that_says_try_later_gets_the_message_again_after_a_wait(app, counselor, smtp):
    couple, _ = couple_with_homework(counselor)
    smtp.refuse_with = "451 4.3.0 Try again later"
    mail.send_due(at(MONDAY_9))
    rows = db.session.scalars(select(Message)).all()
    assert [r.status for r in rows] == ["queued", "queued"]
    assert all("451" in r.note and r.attempts == 1 for r in rows)
    assert all(r.due_at == at(MONDAY_9) + timedelta(minutes=1) for r in rows)  # backoff

    smtp.refuse_with = None
    mail.send_due(at(MONDAY_9) + timedelta(seconds=30))  # not due again yet
    assert smtp.messages == []
    mail.send_due(at(MONDAY_9) + timedelta(minutes=2))
    assert len(smtp.wait_for(2)) == 2
    assert _statuses() == ["sent", "sent"]


def test_waiting_times_double_after_each_failed_try():
    assert [delivery.retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert delivery.retry_delay(30) == timedelta(hours=6)


def test_a_refused_message_is_recorded_and_shown_by_mail_status(app, counselor, smtp):
    couple_with_homework(counselor)
    smtp.refuse_with = "550 5.1.1 No such mailbox"
    mail.send_due(at(MONDAY_9))
    assert _statuses() == ["failed", "failed"]
    smtp.refuse_with = None
    mail.send_due(at(MONDAY_9) + timedelta(hours=1))
    assert smtp.messages == []  # failed for good: never tried again

    result = app.test_cli_runner().invoke(args=["mail", "status"])
    assert result.exit_code == 0, result.output
    assert "failed: 2" in result.output
    assert "week_started" in result.output and "550" in result.output
    assert "127.0.0.1" in result.output


def test_too_many_failed_tries_give_up(app, counselor, smtp):
    couple_with_homework(counselor)
    smtp.refuse_with = "421 Service not available"
    moment = at(MONDAY_9)
    mail.send_due(moment)
    for _ in range(delivery.MAX_ATTEMPTS):
        db.session.execute(update(Message).values(due_at=moment))
        db.session.commit()
        mail.send_due(moment)
    rows = db.session.scalars(select(Message)).all()
    assert {r.status for r in rows} == {"failed"}
    assert all("gave up" in r.note for r in rows)


def test_without_smtp_messages_are_saved_as_files_and_the_log_says_where(
    app, counselor, caplog, tmp_path
):
    app.config["MAIL_SMTP_URL"] = ""
    app.config["MAIL_OUTBOX"] = str(tmp_path / "outbox")
    couple, _ = couple_with_homework(counselor)
    with caplog.at_level(logging.WARNING, logger="hearth.mail"):
        mail.send_due(at(MONDAY_9))
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 2
    saved = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert saved["Subject"] == "Hearth: a new week for you two"
    assert _statuses() == ["saved", "saved"]  # not "sent": nothing was sent
    assert str(files[0]) in caplog.text and "not sent" in caplog.text


def test_a_consumer_that_died_holding_a_message_does_not_lose_it(app, counselor, smtp):
    couple, _ = couple_with_homework(counselor)
    sam = couple.partner_at(1).user
    message_id = mail.queue(
        "week_started", user=sam, couple_id=couple.id, period="2026-11-16", due_at=at(MONDAY_9)
    )
    db.session.commit()
    assert delivery.claim(message_id, at(MONDAY_9))  # …and then the process died
    mail.send_due(at(MONDAY_9))
    assert smtp.to(sam.email) == []  # someone holds it: nobody else sends it

    db.session.execute(update(Message).values(claimed_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    mail.send_due(at(MONDAY_9))
    mail.send_due(at(MONDAY_9))
    assert len(smtp.to(sam.email)) == 1


def test_sending_a_message_twice_by_hand_sends_it_once(app, counselor, smtp):
    couple, _ = couple_with_homework(counselor)
    sam = couple.partner_at(1).user
    message_id = mail.queue(
        "week_started", user=sam, couple_id=couple.id, period="2026-11-16", due_at=at(MONDAY_9)
    )
    again = mail.queue("week_started", user=sam, couple_id=couple.id, period="2026-11-16")
    db.session.commit()
    assert again is None  # the same key: one row
    assert mail.send_one(message_id, at(MONDAY_9)) == "sent"
    assert mail.send_one(message_id, at(MONDAY_9)) == "not claimed"
    assert len(smtp.messages) == 1


def test_a_sent_message_appears_on_the_couples_audit_trail_without_content(
    app, counselor, smtp, client
):
    couple, _ = couple_with_homework(counselor)
    mail.send_due(at(MONDAY_9))
    rows = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.kind == "message_sent", AuditEvent.couple_id == couple.id
        )
    ).all()
    assert len(rows) == 2
    assert {r.subject for r in rows} == {"A new week has started"}
    assert all(r.sealed == "" and "@" not in r.detail for r in rows)
    login(client, counselor.email)
    trail = client.get(f"/counselor/couples/{couple.id}/audit").get_data(as_text=True)
    assert "E-mail sent" in trail and "A new week has started" in trail


def test_send_due_command_runs_one_pass_at_a_given_moment(app, counselor, smtp):
    couple_with_homework(counselor)
    runner = app.test_cli_runner()
    early = runner.invoke(args=["mail", "send-due", "--at", "2026-11-16T08:59:00+00:00"])
    assert early.exit_code == 0, early.output
    assert "Planned 0" in early.output and smtp.messages == []
    due = runner.invoke(args=["mail", "send-due", "--at", "2026-11-16T09:00:00+00:00"])
    assert "Planned 2" in due.output and "sent: 2" in due.output
    again = runner.invoke(args=["mail", "send-due", "--at", "2026-11-16T09:00:00+00:00"])
    assert "Planned 0" in again.output and len(smtp.messages) == 2
    bad = runner.invoke(args=["mail", "send-due", "--at", "next tuesday"])
    assert bad.exit_code != 0 and "ISO" in bad.output


def test_smtp_urls_name_their_security(app):
    from domain.mail.transport import parse_smtp_url

    plain = parse_smtp_url("smtp://me%40x.org:p%2Fw@mail.example.org:587")
    assert (plain.host, plain.port, plain.tls) == ("mail.example.org", 587, "starttls")
    assert plain.username == "me@x.org" and plain.password == "p/w"
    assert "p/w" not in plain.describe()
    assert parse_smtp_url("smtps://u:p@mail.example.org").port == 465
    assert parse_smtp_url("smtps://u:p@mail.example.org").tls == "tls"
    assert parse_smtp_url("smtp://127.0.0.1:25?starttls=off").tls == "none"
    import pytest

    with pytest.raises(ValueError):
        parse_smtp_url("smtp://u:p@mail.example.org:25?starttls=off")
    with pytest.raises(ValueError):
        parse_smtp_url("http://mail.example.org")


def test_the_outbox_is_private_to_hearth(app, tmp_path):
    from email.message import EmailMessage

    from domain.mail.transport import save_to_outbox

    email = EmailMessage()
    email["Subject"] = "x"
    email.set_content("y")
    path = Path(save_to_outbox(str(tmp_path / "box"), "one", email))
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_a_message_that_cannot_be_drawn_is_retried_then_recorded_as_failed(
    app, counselor, smtp, monkeypatch
):
    import pytest

    from domain.mail import kinds

    couple, _ = couple_with_homework(counselor)
    sam = couple.partner_at(1).user
    message_id = mail.queue(
        "week_started", user=sam, couple_id=couple.id, period="2026-11-16", due_at=at(MONDAY_9)
    )
    db.session.commit()

    def broken(*_args):
        raise RuntimeError("a template went wrong")

    monkeypatch.setattr(kinds.WeekStartedKind, "gather", broken)
    moment = at(MONDAY_9)
    for _ in range(delivery.MAX_ATTEMPTS):
        with pytest.raises(RuntimeError):
            mail.send_one(message_id, moment)
        db.session.execute(update(Message).values(due_at=at(MONDAY_9)))
        db.session.commit()
    row = db.session.get(Message, message_id)
    db.session.refresh(row)
    assert row.status == "failed" and "RuntimeError" in row.note
    assert smtp.messages == []
