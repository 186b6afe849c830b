"""The next session as a real appointment: booked, moved and cancelled from the couple
page or by recording a session, shown on both partners' phones in their own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from domain import appointments
from extensions import db
from models import Appointment, CounselingSession, CoupleStatus, utcnow
from tests import factories
from tests.conftest import session_form, text_of, week_page


def long_day(day: date, at: str) -> str:
    year = "" if day.year == date.today().year else f" {day.year}"
    return f"{day:%A} {day.day} {day:%B}{year}, {at}"


def booked(couple) -> list[Appointment]:
    return list(
        db.session.scalars(
            select(Appointment).where(Appointment.couple_id == couple.id).order_by(Appointment.id)
        )
    )


def book(client, couple, day, at="18:00", minutes="50"):
    data = {"day": str(day), "time": at, "minutes": minutes}
    return client.post(f"/counselor/couples/{couple.id}/next-session", data=data)


@pytest.fixture
def new_york(counselor):
    couple = factories.couple(
        counselor, "Kim & Jo", names=("Kim", "Jo"), timezone="America/New_York"
    )
    db.session.commit()
    return couple


def test_booking_the_next_session_shows_it_on_both_partners_phones(dana, new_york, signed_in):
    day = date.today() + timedelta(days=9)
    response = book(dana, new_york, day, "18:00")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/counselor/couples/{new_york.id}#next-session")
    line = f"Next session: {long_day(day, '18:00')}"
    for place in (1, 2):
        assert line in week_page(signed_in(new_york.partner_at(place).user))
    # Stored in UTC: 18:00 in New York is 23:00 (winter) or 22:00 (summer) there.
    (appointment,) = booked(new_york)
    local = appointment.starts_at.astimezone(ZoneInfo("America/New_York"))
    assert (local.date(), local.time()) == (day, time(18, 0))
    assert appointment.starts_at.tzinfo is not None
    assert appointment.minutes == 50 and appointment.status == "scheduled"


def test_the_couple_page_shows_the_next_session_and_the_form_to_move_it(dana, new_york):
    day = date.today() + timedelta(days=3)
    book(dana, new_york, day, "09:15", "75")
    page = dana.get(f"/counselor/couples/{new_york.id}")
    text = text_of(page)
    assert f"Next session {long_day(day, '09:15')} · 75 minutes" in text
    html = page.get_data(as_text=True)
    assert f'value="{day.isoformat()}"' in html and 'value="09:15"' in html
    assert "Cancel this session" in text


@pytest.mark.parametrize(
    ("day", "at", "field", "message"),
    [
        ("", "18:00", "day", "Please pick the date of the next session."),
        ("2020-03-04", "18:00", "day", "That moment has already passed."),
        ("2099-03-04", "18:00", "day", "That is more than two years away."),
        ("2027-02-31", "18:00", "day", "Please pick a real date"),
        ("99999-01-01", "18:00", "day", "Please pick a real date"),
        ("TOMORROW", "18:00", "day", "Please pick a real date"),
        ("{soon}", "", "time", "Please give the time, e.g. 18:00."),
        ("{soon}", "25:61", "time", "Please give the time as hours and minutes"),
    ],
)
def test_bad_dates_are_refused_beside_the_field_and_kept(dana, couple, day, at, field, message):
    day = day.format(soon=date.today() + timedelta(days=4))
    response = book(dana, couple, day, at)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = html[html.index(f'id="{field}-error"') :]
    assert message in error[: error.index("</p>")].replace("&#39;", "'")
    if day:
        assert f'value="{day}"' in html  # what was typed stays
    assert booked(couple) == []


def test_a_time_the_clocks_skip_is_refused(dana, couple):
    # Europe/London jumps from 01:00 to 02:00 on the last Sunday of March.
    year = date.today().year + (1 if date.today() >= date(date.today().year, 3, 1) else 0)
    day = max(date(year, 3, d) for d in range(25, 32) if date(year, 3, d).weekday() == 6)
    response = book(dana, couple, day, "01:30")
    assert response.status_code == 422
    assert "The clocks change that night" in text_of(response)
    assert booked(couple) == []
    assert book(dana, couple, day, "02:30").status_code == 302


def test_moving_keeps_the_uid_and_raises_the_sequence(dana, couple, signed_in):
    first, later = date.today() + timedelta(days=5), date.today() + timedelta(days=6)
    book(dana, couple, first)
    (before,) = booked(couple)
    uid = before.uid
    book(dana, couple, later, "19:30")
    (after,) = booked(couple)
    assert after.uid == uid
    assert after.sequence == 1
    book(dana, couple, later, "19:30")  # the same time again changes nothing
    assert booked(couple)[0].sequence == 1
    assert f"Next session: {long_day(later, '19:30')}" in week_page(
        signed_in(couple.partner_at(1).user)
    )


def test_cancelling_keeps_it_marked_cancelled_and_the_line_goes(dana, couple, signed_in):
    book(dana, couple, date.today() + timedelta(days=5))
    response = dana.post(f"/counselor/couples/{couple.id}/next-session/cancel")
    assert response.status_code == 302
    (appointment,) = booked(couple)
    assert appointment.status == "cancelled" and appointment.sequence == 1
    assert "Next session" not in week_page(signed_in(couple.partner_at(2).user))
    assert "Nothing booked yet" in text_of(dana.get(f"/counselor/couples/{couple.id}"))
    # Booking again is a new appointment beside the cancelled one.
    book(dana, couple, date.today() + timedelta(days=8))
    assert [a.status for a in booked(couple)] == ["cancelled", "scheduled"]
    assert len({a.uid for a in booked(couple)}) == 2


def test_an_archived_couple_cannot_be_booked(dana, couple):
    couple.status = CoupleStatus.ARCHIVED
    db.session.commit()
    response = book(dana, couple, date.today() + timedelta(days=5))
    assert response.status_code == 422
    assert "archived" in text_of(response)
    assert booked(couple) == []


def test_another_counselors_couple_cannot_be_booked(couple, signed_in):
    other = factories.counselor("Lee Okafor")
    db.session.commit()
    response = book(signed_in(other), couple, date.today() + timedelta(days=5))
    assert response.status_code == 404
    assert booked(couple) == []


# --- The session record and the appointment follow each other -----------------------------


def record(client, couple, hw, next_on, next_time="17:30", **extra):
    ours = {
        "held_time": "08:00",
        "focus": "Small steps back to each other",
        "next_on": str(next_on) if next_on else "",
        "next_time": next_time,
    }
    data = session_form(hw, **ours | extra)
    return client.post(f"/counselor/couples/{couple.id}/sessions/new", data=data)


def latest_session(couple) -> CounselingSession:
    return db.session.scalar(
        select(CounselingSession)
        .where(CounselingSession.couple_id == couple.id)
        .order_by(CounselingSession.number.desc())
    )


def test_recording_a_session_with_a_next_date_books_it(dana, couple, with_homework, signed_in):
    day = date.today() + timedelta(days=14)
    assert record(dana, couple, with_homework, day).status_code == 302
    (appointment,) = booked(couple)
    assert appointment.starts_at == latest_session(couple).next_session_at
    assert f"Next session: {long_day(day, '17:30')}" in week_page(
        signed_in(couple.partner_at(1).user)
    )


def test_editing_the_record_moves_or_cancels_the_appointment(dana, couple, with_homework):
    record(dana, couple, with_homework, date.today() + timedelta(days=14))
    session = latest_session(couple)
    uid = booked(couple)[0].uid
    edit = f"/counselor/couples/{couple.id}/sessions/{session.id}/edit"
    base = session_form(held_time="08:00", focus="Small steps back to each other")
    later = date.today() + timedelta(days=15)
    response = dana.post(
        edit, data={**base, "next_on": str(later), "next_time": "18:00", "version": "1"}
    )
    assert response.status_code == 302, text_of(response)
    (moved,) = booked(couple)
    assert moved.uid == uid and moved.sequence == 1
    assert moved.starts_at.astimezone(ZoneInfo(couple.timezone)).date() == later
    response = dana.post(edit, data={**base, "next_on": "", "next_time": "", "version": "2"})
    assert response.status_code == 302, text_of(response)
    (cancelled,) = booked(couple)
    assert cancelled.status == "cancelled" and cancelled.sequence == 2


def test_moving_the_appointment_updates_the_latest_session_record(dana, couple, with_homework):
    record(dana, couple, with_homework, date.today() + timedelta(days=14))
    later = date.today() + timedelta(days=16)
    book(dana, couple, later, "10:00")
    expected = datetime.combine(later, time(10), tzinfo=ZoneInfo(couple.timezone))
    assert latest_session(couple).next_session_at == expected.astimezone(UTC)
    dana.post(f"/counselor/couples/{couple.id}/next-session/cancel")
    assert latest_session(couple).next_session_at is None


def test_a_next_session_in_the_past_is_refused_when_recording(dana, couple, with_homework):
    response = record(dana, couple, with_homework, date.today() - timedelta(days=2))
    assert response.status_code == 422
    assert "That moment has already passed" in text_of(response)
    assert 'value="Small steps back to each other"' in response.get_data(as_text=True)
    assert latest_session(couple) is None and booked(couple) == []


def test_an_old_record_keeps_its_past_next_date_when_edited(dana, couple):
    held = utcnow() - timedelta(days=30)
    old = CounselingSession(
        couple=couple,
        number=1,
        held_at=held,
        attended="both",
        focus="First meeting",
        next_session_at=held + timedelta(days=14),
    )
    db.session.add(old)
    db.session.commit()
    form = dana.get(f"/counselor/couples/{couple.id}/sessions/{old.id}/edit")
    html = form.get_data(as_text=True)
    local = old.next_session_at.astimezone(ZoneInfo(couple.timezone))
    held_local = held.astimezone(ZoneInfo(couple.timezone))
    response = dana.post(
        f"/counselor/couples/{couple.id}/sessions/{old.id}/edit",
        data={
            "held_on": held_local.date().isoformat(),
            "held_time": f"{held_local:%H:%M}",
            "attended": "both",
            "focus": "First meeting, renamed",
            "next_on": local.date().isoformat(),
            "next_time": f"{local:%H:%M}",
            "version": "1",
        },
    )
    assert local.date().isoformat() in html
    assert response.status_code == 302, text_of(response)
    assert booked(couple) == []  # a date gone by books nothing


def test_recording_todays_session_leaves_todays_appointment_where_it_is(couple, with_homework):
    now = utcnow()
    today = appointments.schedule(couple, now + timedelta(minutes=30), now=now)
    db.session.commit()
    session = factories.session(couple)
    session.held_at = now
    session.next_session_at = now + timedelta(days=14)
    appointments.follow_session(session, None, now)
    db.session.commit()
    rows = booked(couple)
    assert rows[0].id == today.id and rows[0].starts_at == now + timedelta(minutes=30)
    assert rows[0].sequence == 0
    assert rows[1].starts_at == now + timedelta(days=14)


# --- Who has a session when -----------------------------------------------------------------


def test_sessions_tomorrow_reads_each_couples_own_day(counselor):
    other = factories.counselor("Lee Okafor")
    auckland = factories.couple(counselor, "A", timezone="Pacific/Auckland")
    la = factories.couple(counselor, "B", timezone="America/Los_Angeles")
    elsewhere = factories.couple(other, "C", timezone="Europe/London")
    archived = factories.couple(counselor, "D", timezone="Europe/London")
    archived.status = CoupleStatus.ARCHIVED
    cancelled_couple = factories.couple(counselor, "E", timezone="Europe/London")
    db.session.commit()
    # Wednesday 2 December 2026, 20:00 UTC: Thursday 09:00 in Auckland, Wednesday noon in LA.
    now = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)

    def at(couple, day, hour):
        zone = ZoneInfo(couple.timezone)
        return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)

    earlier = now - timedelta(days=1)
    a_tomorrow = appointments.schedule(auckland, at(auckland, date(2026, 12, 4), 10), now=earlier)
    la_today = appointments.schedule(la, at(la, date(2026, 12, 2), 16), now=earlier)
    appointments.schedule(la, at(la, date(2026, 12, 3), 16), now=earlier)  # moves today's
    c_tomorrow = appointments.schedule(elsewhere, at(elsewhere, date(2026, 12, 3), 9), now=earlier)
    appointments.schedule(archived, at(archived, date(2026, 12, 3), 9), now=earlier)
    appointments.schedule(cancelled_couple, at(cancelled_couple, date(2026, 12, 3), 9), now=earlier)
    appointments.cancel(cancelled_couple, now=earlier)
    db.session.commit()

    tomorrow = appointments.sessions_tomorrow(now)
    assert [a.couple.name for a in tomorrow] == ["C", "A", "B"]  # earliest first
    assert la_today.id in {a.id for a in tomorrow}  # it was moved to tomorrow
    assert a_tomorrow.id in {a.id for a in tomorrow}
    assert [a.couple.name for a in appointments.sessions_tomorrow(now, counselor_id=other.id)] == [
        "C"
    ]
    assert {a.id for a in tomorrow} >= {c_tomorrow.id}
    # Everything a reminder needs comes loaded: the couple, its counselor, both partners.
    first = tomorrow[0]
    assert first.couple.counselor.id == other.id
    assert {p.user.email for p in first.couple.partners}
    assert appointments.sessions_on(0, now) == []


def test_the_dashboard_shows_todays_and_tomorrows_sessions(dana, counselor, couple):
    now = utcnow()
    zone = ZoneInfo(couple.timezone)
    local_now = now.astimezone(zone)
    tomorrow = datetime.combine(local_now.date() + timedelta(days=1), time(23, 30), tzinfo=zone)
    appointments.schedule(couple, tomorrow.astimezone(UTC))
    later = factories.couple(counselor, "Robin & Ash", names=("Robin", "Ash"))
    far = datetime.combine(local_now.date() + timedelta(days=3), time(9), tzinfo=zone)
    appointments.schedule(later, far.astimezone(UTC))
    db.session.commit()
    text = text_of(dana.get("/counselor/"))
    assert "Today No sessions. Tomorrow 23:30 Sam & Alex · 50 min · Europe/London" in text
    assert text.count("Robin & Ash") == 1  # in the list of couples, not in the agenda


def test_booking_moving_and_cancelling_leave_a_trail(dana, couple):
    from models import AuditEvent

    book(dana, couple, date.today() + timedelta(days=5))
    book(dana, couple, date.today() + timedelta(days=6))
    dana.post(f"/counselor/couples/{couple.id}/next-session/cancel")
    rows = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.couple_id == couple.id, AuditEvent.subject == "Next session")
        .order_by(AuditEvent.id)
    ).all()
    assert [r.kind for r in rows] == ["created", "changed", "changed"]
    assert {r.actor_id for r in rows} == {couple.counselor_id}
    trail = text_of(dana.get(f"/counselor/couples/{couple.id}/audit"))
    assert "Next session" in trail and "cancelled" in trail


def test_both_exports_list_the_booked_sessions(dana, couple, signed_in):
    import io
    import json
    import zipfile

    book(dana, couple, date.today() + timedelta(days=5), "18:00")
    dana.post(f"/counselor/couples/{couple.id}/next-session/cancel")
    book(dana, couple, date.today() + timedelta(days=7), "18:30")
    for client, url in (
        (signed_in(couple.partner_at(1).user), "/account/export"),
        (dana, f"/counselor/couples/{couple.id}/export"),
    ):
        response = client.post(url)
        archive = zipfile.ZipFile(io.BytesIO(response.data))
        name = next(n for n in archive.namelist() if n.endswith(".json"))
        record = json.loads(archive.read(name))
        assert [(a["status"], a["minutes"]) for a in record["appointments"]] == [
            ("cancelled", 50),
            ("scheduled", 50),
        ], url
