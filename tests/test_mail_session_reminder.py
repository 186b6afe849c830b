"""The next session reminder: both joined partners, the day before a booked session, at
each partner's time where the couple lives, once per booking, through the real SMTP
server."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from domain import appointments, mail
from domain.mail import tokens
from extensions import db
from models import Message
from tests import factories
from tests.conftest import login, text_of
from tests.mail_helpers import at, links_in, path_of, set_mail_settings
from tests.smtp_server import html_part, text_part

SUBJECT = "Hearth: your session is tomorrow"


def _reminders(smtp, user):
    return [m for m in smtp.to(user.email) if m["Subject"] == SUBJECT]


def _book(couple, starts_at, now):
    appointment = appointments.schedule(couple, starts_at, now=now)
    db.session.commit()
    return appointment


def test_both_partners_hear_the_day_before_at_their_time_with_the_counselor_and_time(
    app, counselor, smtp, client
):
    couple = factories.couple(counselor)
    db.session.commit()
    sam, alex = (p.user for p in couple.partners)
    set_mail_settings(alex, send_at=time(18, 30))
    # Tuesday 20 October 2026, 18:00 in London (summer time: 17:00 UTC).
    _book(couple, at("2026-10-20 17:00"), now=at("2026-10-12 10:00"))

    mail.send_due(at("2026-10-19 07:59"))  # 08:59 in London
    assert _reminders(smtp, sam) == []
    mail.send_due(at("2026-10-19 08:00"))  # 09:00 in London
    [message] = _reminders(smtp, sam)
    assert _reminders(smtp, alex) == []  # Alex chose 18:30
    body = text_part(message)
    assert "A reminder: you two have a session with Dana Rivera tomorrow, " in body
    assert "Tuesday 20 October at 18:00" in body
    assert "Tuesday 20 October at 18:00" in html_part(message)
    week = next(link for link in links_in(body) if "/week" in link)
    login(client, sam.email)
    page = client.get(path_of(week))
    assert page.status_code == 200 and "This week" in text_of(page)

    mail.send_due(at("2026-10-19 17:30"))  # 18:30 in London
    assert len(_reminders(smtp, alex)) == 1
    mail.send_due(at("2026-10-19 20:00"))
    mail.send_due(at("2026-10-20 09:00"))  # the session's own day: nothing more
    assert len(_reminders(smtp, sam)) == 1 and len(_reminders(smtp, alex)) == 1


def test_the_week_the_clocks_go_back_it_still_comes_at_nine_in_london(app, counselor, smtp):
    # Sunday 25 October 2026 the UK leaves summer time: 09:00 in London is 09:00 UTC
    # that day, the day before a Monday session.
    couple = factories.couple(counselor)
    db.session.commit()
    sam = couple.partner_at(1).user
    _book(couple, at("2026-10-26 18:00"), now=at("2026-10-12 10:00"))  # 18:00 GMT
    mail.send_due(at("2026-10-25 08:00"))  # 08:00 GMT, an hour after 09:00 BST would be
    assert _reminders(smtp, sam) == []
    mail.send_due(at("2026-10-25 09:00"))
    [message] = _reminders(smtp, sam)
    assert "Monday 26 October at 18:00" in text_part(message)


def test_new_york_reminder_follows_the_couples_clock_not_utc(app, counselor, smtp):
    # Sunday 1 November 2026: New York goes from UTC-4 to UTC-5. A Monday 2 November
    # 10:00 session (15:00 UTC) is reminded of on Sunday at 09:00 EST, 14:00 UTC.
    couple = factories.couple(counselor, timezone="America/New_York")
    db.session.commit()
    riley = couple.partner_at(2).user
    _book(couple, at("2026-11-02 15:00"), now=at("2026-10-20 10:00"))
    mail.send_due(at("2026-11-01 09:00"))  # Sunday in UTC, 04:00 in New York
    mail.send_due(at("2026-11-01 13:59"))
    assert _reminders(smtp, riley) == []
    mail.send_due(at("2026-11-01 14:00"))
    [message] = _reminders(smtp, riley)
    assert "Monday 2 November at 10:00" in text_part(message)


def test_a_moved_session_is_reminded_of_again_with_its_new_time(app, counselor, smtp):
    couple = factories.couple(counselor)
    db.session.commit()
    sam = couple.partner_at(1).user
    _book(couple, at("2026-11-17 18:00"), now=at("2026-11-10 10:00"))  # Tue 18:00 GMT
    mail.send_due(at("2026-11-16 09:00"))
    mail.send_due(at("2026-11-16 09:30"))
    assert len(_reminders(smtp, sam)) == 1
    moved = _book(couple, at("2026-11-17 19:00"), now=at("2026-11-16 10:00"))
    assert moved.sequence == 1
    mail.send_due(at("2026-11-16 10:00"))
    first, second = _reminders(smtp, sam)
    assert "Tuesday 17 November at 18:00" in text_part(first)
    assert "Tuesday 17 November at 19:00" in text_part(second)
    mail.send_due(at("2026-11-16 15:00"))
    assert len(_reminders(smtp, sam)) == 2


def test_a_session_moved_to_another_day_is_reminded_of_the_day_before_that(app, counselor, smtp):
    couple = factories.couple(counselor)
    db.session.commit()
    sam = couple.partner_at(1).user
    _book(couple, at("2026-11-17 18:00"), now=at("2026-11-10 10:00"))
    _book(couple, at("2026-11-19 18:00"), now=at("2026-11-15 10:00"))  # now Thursday
    mail.send_due(at("2026-11-16 09:00"))
    assert _reminders(smtp, sam) == []
    mail.send_due(at("2026-11-18 09:00"))
    [message] = _reminders(smtp, sam)
    assert "Thursday 19 November at 18:00" in text_part(message)


def test_nothing_is_sent_for_a_session_cancelled_before_the_reminder_was_due(app, counselor, smtp):
    couple = factories.couple(counselor)
    db.session.commit()
    sam = couple.partner_at(1).user
    _book(couple, at("2026-11-17 18:00"), now=at("2026-11-10 10:00"))
    appointments.cancel(couple, now=at("2026-11-16 07:00"))
    db.session.commit()
    mail.send_due(at("2026-11-16 09:00"))
    mail.send_due(at("2026-11-16 20:00"))
    assert _reminders(smtp, sam) == []


def test_a_reminder_waiting_for_quiet_hours_is_dropped_when_the_session_is_cancelled(
    app, counselor, smtp
):
    couple = factories.couple(counselor)
    db.session.commit()
    sam, alex = (p.user for p in couple.partners)
    set_mail_settings(sam, send_at=time(22, 30))  # inside the default quiet hours 21:00–08:00
    set_mail_settings(alex, send_at=time(22, 30))
    _book(couple, at("2026-11-17 18:00"), now=at("2026-11-10 10:00"))
    mail.send_due(at("2026-11-16 22:30"))
    mail.send_due(at("2026-11-17 03:00"))
    assert _reminders(smtp, sam) == [] and _reminders(smtp, alex) == []
    row = db.session.scalar(
        select(Message).where(Message.user_id == sam.id, Message.kind == "session_reminder")
    )
    assert row.status == "queued" and row.due_at == at("2026-11-17 08:00")
    appointments.cancel(couple, now=at("2026-11-17 06:00"))
    db.session.commit()
    mail.send_due(at("2026-11-17 08:00"))
    assert _reminders(smtp, sam) == [] and _reminders(smtp, alex) == []
    db.session.refresh(row)
    assert row.status == "skipped"


def test_none_in_quiet_hours_it_waits_until_they_end(app, counselor, smtp):
    couple = factories.couple(counselor)
    db.session.commit()
    sam = couple.partner_at(1).user
    set_mail_settings(sam, send_at=time(8, 0), quiet_from=time(7, 0), quiet_until=time(12, 0))
    _book(couple, at("2026-11-17 18:00"), now=at("2026-11-10 10:00"))
    mail.send_due(at("2026-11-16 08:00"))
    mail.send_due(at("2026-11-16 11:59"))
    assert _reminders(smtp, sam) == []
    mail.send_due(at("2026-11-16 12:00"))
    assert len(_reminders(smtp, sam)) == 1


def test_no_reminder_after_unsubscribing_from_it_and_the_partner_still_gets_theirs(
    app, counselor, smtp, client
):
    couple = factories.couple(counselor)
    db.session.commit()
    sam, alex = (p.user for p in couple.partners)
    _book(couple, at("2026-11-17 18:00"), now=at("2026-11-10 10:00"))
    mail.send_due(at("2026-11-16 09:00"))
    link = _reminders(smtp, sam)[0]["List-Unsubscribe"].strip("<>")
    assert link.endswith(tokens.unsubscribe_token("session_reminder", user_id=sam.id))
    done = client.post(path_of(link), data={"List-Unsubscribe": "One-Click"}, csrf=False)
    assert done.status_code == 200 and "won't send" in text_of(done)

    _book(couple, at("2026-11-24 18:00"), now=at("2026-11-18 10:00"))
    mail.send_due(at("2026-11-23 09:00"))
    assert len(_reminders(smtp, sam)) == 1
    assert len(_reminders(smtp, alex)) == 2


def test_it_is_on_by_default_and_turned_off_on_the_account_page(app, counselor, smtp, client):
    couple = factories.couple(counselor)
    db.session.commit()
    sam, alex = (p.user for p in couple.partners)
    login(client, sam.email)
    page = text_of(client.get("/account/"))
    assert "Next session reminder" in page
    form = client.get("/account/").get_data(as_text=True)
    assert 'name="messages-kind_session_reminder"' in form
    data = {
        "messages-send_at": "09:00",
        "messages-quiet_from": "21:00",
        "messages-quiet_until": "08:00",
        "messages-kind_week_started": "y",
        "messages-kind_checkin_reminder": "y",
        "messages-kind_summary_shared": "y",
    }
    assert client.post("/account/messages", data=data).status_code == 302
    _book(couple, at("2026-11-17 18:00"), now=at("2026-11-10 10:00"))
    mail.send_due(at("2026-11-16 09:00"))
    assert _reminders(smtp, sam) == []
    assert len(_reminders(smtp, alex)) == 1


def test_a_partner_who_has_not_joined_gets_nothing(app, counselor, smtp):
    couple = factories.couple(counselor, joined=(True, False))
    db.session.commit()
    sam = couple.partner_at(1).user
    _book(couple, at("2026-11-17 18:00"), now=at("2026-11-10 10:00"))
    mail.send_due(at("2026-11-16 09:00"))
    assert len(_reminders(smtp, sam)) == 1
    rows = db.session.scalars(select(Message).where(Message.kind == "session_reminder")).all()
    assert [r.user_id for r in rows] == [sam.id]
