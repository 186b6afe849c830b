"""When timed messages go: the recipient's clock, their time, quiet hours, daylight-saving
changes, and exactly one per period."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from domain import mail
from domain.mail import prefs
from extensions import db
from models import MailSettings, Message
from tests import factories
from tests.mail_helpers import at, couple_with_homework, set_mail_settings
from tests.smtp_server import text_part


def _subjects(smtp, address):
    return [m["Subject"] for m in smtp.to(address)]


def test_the_week_starts_at_nine_in_london_before_and_after_the_clocks_go_back(
    app, counselor, smtp
):
    # 25 Oct 2026: the UK leaves summer time. 09:00 in London is 08:00 UTC the week
    # before (BST), 09:00 UTC the week after (GMT).
    couple, _ = couple_with_homework(counselor, "Europe/London", week_starts_on=0)
    sam = couple.partner_at(1).user
    mail.send_due(at("2026-10-19 07:59"))
    assert smtp.to(sam.email) == []
    mail.send_due(at("2026-10-19 08:00"))
    assert _subjects(smtp, sam.email) == ["Hearth: a new week for you two"]
    assert "19–25 Oct 2026" in text_part(smtp.to(sam.email)[0])

    mail.send_due(at("2026-10-26 08:30"))  # 08:30 in London: not yet
    assert len(smtp.to(sam.email)) == 1
    mail.send_due(at("2026-10-26 09:00"))
    assert len(smtp.to(sam.email)) == 2
    assert "26 Oct – 1 Nov 2026" in text_part(smtp.to(sam.email)[1])


def test_new_york_week_starting_on_the_day_the_clocks_change(app, counselor, smtp):
    # 1 Nov 2026, a Sunday: New York goes from UTC-4 to UTC-5 at 02:00 local.
    couple, _ = couple_with_homework(counselor, "America/New_York", week_starts_on=6)
    riley = couple.partner_at(2).user
    mail.send_due(at("2026-11-01 13:59"))  # 08:59 EST
    assert smtp.to(riley.email) == []
    mail.send_due(at("2026-11-01 14:00"))  # 09:00 EST
    assert len(smtp.to(riley.email)) == 1


def test_each_partner_at_their_own_time(app, counselor, smtp):
    couple, _ = couple_with_homework(counselor)
    sam, alex = (p.user for p in couple.partners)
    set_mail_settings(alex, send_at=time(18, 30))
    mail.send_due(at("2026-11-16 09:00"))
    assert len(smtp.to(sam.email)) == 1 and smtp.to(alex.email) == []
    mail.send_due(at("2026-11-16 18:29"))
    assert smtp.to(alex.email) == []
    mail.send_due(at("2026-11-16 18:30"))
    assert len(smtp.to(alex.email)) == 1 and len(smtp.to(sam.email)) == 1


def test_nothing_is_sent_in_quiet_hours_it_waits_until_they_end(app, counselor, smtp):
    couple, _ = couple_with_homework(counselor)
    sam = couple.partner_at(1).user
    set_mail_settings(sam, send_at=time(22, 30))  # a time inside the default 21:00–08:00
    mail.send_due(at("2026-11-16 22:30"))
    mail.send_due(at("2026-11-17 03:00"))
    mail.send_due(at("2026-11-17 07:59"))
    assert smtp.to(sam.email) == []
    row = db.session.scalar(select(Message).where(Message.user_id == sam.id))
    assert row.status == "queued" and row.due_at == at("2026-11-17 08:00")
    mail.send_due(at("2026-11-17 08:00"))
    assert len(smtp.to(sam.email)) == 1


def test_a_message_that_became_due_during_quiet_hours_waits_too(app, counselor, smtp):
    couple, _ = couple_with_homework(counselor)
    sam = couple.partner_at(1).user
    set_mail_settings(sam, quiet_from=time(8, 30), quiet_until=time(12, 0))
    mail.send_due(at("2026-11-16 10:00"))  # 09:00 passed while it was quiet
    assert smtp.to(sam.email) == []
    mail.send_due(at("2026-11-16 12:00"))
    assert len(smtp.to(sam.email)) == 1


def test_quiet_hours_over_midnight_and_within_a_day():
    assert prefs.in_quiet_hours(time(23, 0), time(21, 0), time(8, 0))
    assert prefs.in_quiet_hours(time(7, 59), time(21, 0), time(8, 0))
    assert not prefs.in_quiet_hours(time(8, 0), time(21, 0), time(8, 0))
    assert prefs.in_quiet_hours(time(13, 0), time(12, 0), time(14, 0))
    assert not prefs.in_quiet_hours(time(3, 0), time(0, 0), time(0, 0))  # none


def test_the_check_in_reminder_comes_on_the_last_day_only_to_who_has_not_checked_in(
    app, counselor, smtp
):
    # Week of Mon 19 Oct 2026; its last day, Sunday 25 Oct, is the day the UK clocks go
    # back: 09:00 in London is 09:00 UTC that morning.
    couple, made = couple_with_homework(counselor)
    sam, alex = couple.partner_at(1), couple.partner_at(2)
    factories.check_in(made, sam, date(2026, 10, 19), 6, 6, 3)
    db.session.commit()
    mail.send_due(at("2026-10-24 09:00"))  # Saturday: not the last day
    mail.send_due(at("2026-10-25 08:59"))
    assert not any("check-in" in s for s in _subjects(smtp, alex.user.email))
    mail.send_due(at("2026-10-25 09:00"))
    mail.send_due(at("2026-10-25 20:00"))
    reminders = [s for s in _subjects(smtp, alex.user.email) if "check-in" in s]
    assert reminders == ["Hearth: your check-in is still open"]
    assert not any("check-in" in s for s in _subjects(smtp, sam.user.email))
    skipped = db.session.scalar(
        select(Message).where(Message.user_id == sam.user.id, Message.kind == "checkin_reminder")
    )
    assert skipped.status == "skipped"  # queued for both, but Sam had checked in


def test_a_day_of_passes_sends_exactly_one_per_person_and_week(app, counselor, smtp):
    couple, _ = couple_with_homework(counselor)
    for hour in range(0, 24):
        for minute in (0, 17, 59):
            mail.send_due(at(f"2026-11-16 {hour:02d}:{minute:02d}"))
    for partner in couple.partners:
        assert len(smtp.to(partner.user.email)) == 1
    assert db.session.scalar(select(db.func.count(Message.id))) == 2


def test_a_paused_couple_hears_nothing(app, counselor, smtp):
    couple, _ = couple_with_homework(counselor)
    couple.status = "paused"
    db.session.commit()
    mail.send_due(at("2026-11-16 09:00"))
    assert smtp.messages == []


def test_settings_default_to_nine_and_quiet_from_nine_to_eight(app, counselor, couple):
    sam = couple.partner_at(1).user
    settings = prefs.settings_for(sam)
    assert (settings.send_at, settings.quiet_from, settings.quiet_until) == (
        time(9),
        time(21),
        time(8),
    )
    assert db.session.get(MailSettings, sam.id) is None  # nothing stored until chosen
    assert prefs.timezone_of(sam) == couple.timezone
