"""Counselor forms that fit the work: a new couple's time zone and name, the session page's
first guesses and how a session is named, the summary's wording, and a sign-in page that
says what "Keep me signed in" does for each person it is offered to."""

from __future__ import annotations

import io
import re
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from domain import appointments
from domain.summary import full_day_time, session_title
from extensions import db
from kinds.rhythm.models import RhythmReflection
from models import Appointment, AppointmentStatus, CounselingSession, Couple, utcnow
from tests import factories
from tests.conftest import text_of
from web.filters import sentence

NEW_COUPLE = {
    "name": "Robin & Casey",
    "partner1_label": "Robin",
    "partner2_label": "Casey",
    "timezone": "Pacific/Auckland",
    "week_starts_on": "6",
}


def selected_zone(html: str) -> str:
    select_html = re.search(r'<select[^>]*name="timezone".*?</select>', html, re.S).group(0)
    return re.search(r'<option selected value="([^"]+)"', select_html).group(1)


def zone_groups(html: str) -> list[tuple[str, list[str]]]:
    """The time zone picker's option groups, in order, with their zones in order."""
    select_html = re.search(r'<select[^>]*name="timezone".*?</select>', html, re.S).group(0)
    return [
        (label, re.findall(r'<option[^>]*value="([^"]+)"', body))
        for label, body in re.findall(
            r'<optgroup label="([^"]+)">(.*?)</optgroup>', select_html, re.S
        )
    ]


def couple_made(counselor, name: str, zone: str, days_ago: int) -> Couple:
    couple = factories.couple(counselor, name, timezone=zone)
    couple.created_at = utcnow() - timedelta(days=days_ago)
    return couple


# --- New couple: time zone ----------------------------------------------------------------


def test_a_new_couple_starts_in_the_zone_of_the_last_couple_made(dana, counselor):
    couple_made(counselor, "First & Couple", "America/Chicago", days_ago=30)
    couple_made(counselor, "Latest & Couple", "Europe/Berlin", days_ago=2)
    couple_made(counselor, "Middle & Couple", "Asia/Tokyo", days_ago=10)
    db.session.commit()
    html = dana.get("/counselor/couples/new").get_data(as_text=True)
    assert selected_zone(html) == "Europe/Berlin"
    # An earlier choice is known: the browser's zone does not overrule it.
    assert "data-browser-zone" not in html


def test_a_first_couple_starts_in_utc_and_asks_the_browser(dana):
    html = dana.get("/counselor/couples/new").get_data(as_text=True)
    assert selected_zone(html) == "UTC"
    assert re.search(r'<select[^>]*data-browser-zone[^>]*name="timezone"', html)


def test_common_zones_come_first_then_every_other_zone_once(dana, counselor):
    couple_made(counselor, "Older & Couple", "Pacific/Auckland", days_ago=20)
    couple_made(counselor, "Newer & Couple", "America/Denver", days_ago=1)
    db.session.commit()
    html = dana.get("/counselor/couples/new").get_data(as_text=True)
    groups = zone_groups(html)
    assert [label for label, _ in groups] == ["Common", "Other time zones"]
    common, others = groups[0][1], groups[1][1]
    # The counselor's own zones lead, the newest couple's first, then widely used ones.
    assert common[:2] == ["America/Denver", "Pacific/Auckland"]
    assert {"UTC", "Europe/London", "America/New_York"} <= set(common)
    assert len(common) < 20
    assert others[0] == "Africa/Abidjan"
    assert not set(common) & set(others)
    assert len(common) + len(others) > 400


def test_the_edit_form_offers_the_same_common_zones(dana, counselor):
    couple = couple_made(counselor, "Sam & Alex", "Australia/Perth", days_ago=3)
    db.session.commit()
    html = dana.get(f"/counselor/couples/{couple.id}/edit").get_data(as_text=True)
    assert zone_groups(html)[0][1][0] == "Australia/Perth"
    assert selected_zone(html) == "Australia/Perth"


def test_a_zone_from_the_common_group_is_saved(dana):
    dana.post("/counselor/couples/new", data=dict(NEW_COUPLE, timezone="Europe/London"))
    assert db.session.scalar(select(Couple.timezone)) == "Europe/London"


# --- New couple: a name already in use -----------------------------------------------------


def couples_named(name: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Couple).where(Couple.name == name))


def test_a_name_already_used_is_asked_about_and_everything_typed_stays(dana, counselor):
    couple_made(counselor, "Robin & Casey", "Europe/London", days_ago=40)
    db.session.commit()
    response = dana.post("/counselor/couples/new", data=dict(NEW_COUPLE, name="  robin &  CASEY "))
    assert response.status_code == 200
    page = text_of(response)
    assert "You already have a couple called “Robin & Casey”" in page
    assert "create it anyway" in page
    html = response.get_data(as_text=True)
    assert 'value="robin &amp;  CASEY"' in html or 'value="robin &amp; CASEY"' in html
    assert 'value="Casey"' in html and 'value="Robin"' in html
    assert selected_zone(html) == "Pacific/Auckland"
    assert 'name="anyway"' in html and "Create it anyway" in page
    assert db.session.scalar(select(func.count()).select_from(Couple)) == 1


def test_create_it_anyway_makes_the_second_couple(dana, counselor):
    couple_made(counselor, "Robin & Casey", "Europe/London", days_ago=40)
    db.session.commit()
    response = dana.post(
        "/counselor/couples/new",
        data=dict(NEW_COUPLE, anyway="Robin & Casey"),
        follow_redirects=True,
    )
    assert "Robin &amp; Casey is ready" in response.get_data(as_text=True)
    assert couples_named("Robin & Casey") == 2
    newest = db.session.scalar(select(Couple).order_by(Couple.id.desc()).limit(1))
    assert newest.timezone == "Pacific/Auckland"


def test_a_name_changed_after_the_question_is_checked_again(dana, counselor):
    couple_made(counselor, "Robin & Casey", "Europe/London", days_ago=40)
    couple_made(counselor, "Robin & Kai", "Europe/London", days_ago=41)
    db.session.commit()
    # "Create it anyway" was for "Robin & Casey"; the name is now another one in use.
    response = dana.post(
        "/counselor/couples/new",
        data=dict(NEW_COUPLE, name="Robin & Kai", anyway="Robin & Casey"),
    )
    assert "You already have a couple called “Robin & Kai”" in text_of(response)
    assert couples_named("Robin & Kai") == 1
    # A free name goes straight through.
    dana.post(
        "/counselor/couples/new",
        data=dict(NEW_COUPLE, name="Robin & Casey (Tuesdays)", anyway="Robin & Casey"),
    )
    assert couples_named("Robin & Casey (Tuesdays)") == 1


def test_another_counselors_couple_of_that_name_is_not_mentioned(dana):
    other = factories.counselor("Lee Okafor")
    factories.couple(other, "Robin & Casey")
    db.session.commit()
    response = dana.post("/counselor/couples/new", data=NEW_COUPLE)
    assert response.status_code == 302
    assert couples_named("Robin & Casey") == 2


# --- The session form's first guess for when it was held ---------------------------------


def book(couple, starts_at: datetime) -> Appointment:
    appointment = Appointment(
        couple=couple,
        uid=f"test-{starts_at.timestamp()}@hearth",
        starts_at=starts_at,
        minutes=50,
        status=AppointmentStatus.SCHEDULED,
        sequence=0,
    )
    db.session.add(appointment)
    db.session.flush()
    return appointment


def at_local(couple, day: date, hour: int, minute: int) -> datetime:
    zone = ZoneInfo(couple.timezone)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone).astimezone(UTC)


NOW = datetime(2026, 12, 2, 15, 7, tzinfo=UTC)  # Wednesday, 15:07 in London


def test_the_session_time_is_the_booked_appointment(couple):
    earlier = factories.session(couple)
    earlier.held_at = at_local(couple, date(2026, 11, 18), 17, 30)
    book(couple, at_local(couple, date(2026, 12, 2), 13, 0))
    start = appointments.recording_start(couple, NOW)
    assert (start.date(), f"{start:%H:%M}") == (date(2026, 12, 2), "13:00")


def test_an_appointment_booked_for_a_later_day_is_the_next_session_not_this_one(couple):
    earlier = factories.session(couple)
    earlier.held_at = at_local(couple, date(2026, 11, 18), 17, 30)
    book(couple, at_local(couple, date(2026, 12, 9), 13, 0))
    start = appointments.recording_start(couple, NOW)
    # Today, at the time of day of the last session.
    assert (start.date(), f"{start:%H:%M}") == (date(2026, 12, 2), "17:30")


def test_of_two_booked_since_the_last_record_todays_is_the_one(couple):
    earlier = factories.session(couple)
    earlier.held_at = at_local(couple, date(2026, 11, 11), 17, 30)
    book(couple, at_local(couple, date(2026, 11, 25), 8, 0))  # not recorded: maybe missed
    book(couple, at_local(couple, date(2026, 12, 2), 11, 30))
    start = appointments.recording_start(couple, NOW)
    assert (start.date(), f"{start:%H:%M}") == (date(2026, 12, 2), "11:30")


def test_a_cancelled_appointment_is_not_a_guess(couple):
    earlier = factories.session(couple)
    earlier.held_at = at_local(couple, date(2026, 11, 18), 17, 30)
    book(couple, at_local(couple, date(2026, 12, 2), 13, 0)).status = AppointmentStatus.CANCELLED
    start = appointments.recording_start(couple, NOW)
    assert f"{start:%H:%M}" == "17:30"


def test_the_session_time_is_the_last_sessions_time_of_day(couple):
    earlier = factories.session(couple)
    earlier.held_at = at_local(couple, date(2026, 11, 4), 9, 45)
    start = appointments.recording_start(couple, NOW)
    assert (start.date(), f"{start:%H:%M}") == (date(2026, 12, 2), "09:45")


def test_a_first_session_with_nothing_booked_starts_at_the_quarter_hour(couple):
    start = appointments.recording_start(couple, NOW)
    assert f"{start:%H:%M}" == "15:00"


def input_value(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)


def test_the_form_shows_the_booked_time(dana, couple):
    today = datetime.now(ZoneInfo(couple.timezone)).date()
    book(couple, at_local(couple, today, 0, 5))
    db.session.commit()
    html = dana.get(f"/counselor/couples/{couple.id}/sessions/new").get_data(as_text=True)
    assert input_value(html, "held_on") == today.isoformat()
    assert input_value(html, "held_time") == "00:05"


def test_the_form_shows_the_last_sessions_time_of_day(dana, couple):
    earlier = factories.session(couple)
    earlier.held_at = at_local(couple, date.today() - timedelta(days=14), 18, 15)
    db.session.commit()
    html = dana.get(f"/counselor/couples/{couple.id}/sessions/new").get_data(as_text=True)
    assert input_value(html, "held_time") == "18:15"


# --- How a session is named ----------------------------------------------------------------


def held_on_2_december(couple) -> CounselingSession:
    session = factories.session(couple)
    session.held_at = at_local(couple, date(2026, 12, 2), 13, 0)
    db.session.commit()
    return session


def test_a_session_is_named_the_same_way_everywhere(dana, couple, signed_in):
    session = held_on_2_december(couple)
    title = "Session 1 · Wednesday 2 December 2026 at 13:00"
    assert session_title(session) == title
    base = f"/counselor/couples/{couple.id}/sessions"
    show = dana.get(f"{base}/{session.id}").get_data(as_text=True)
    assert f">{title}</h1>" in show
    assert title in text_of(dana.get(base))
    dana.post(f"{base}/{session.id}/release")
    assert title in text_of(signed_in(couple.partner_at(1).user).get("/summaries"))
    for copy in ("couple", "counselor"):
        pdf = dana.get(f"{base}/{session.id}/summary-{copy}.pdf").data
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        assert title in text
        assert "2026, 13:00" not in text


def test_the_next_session_reads_the_same_way(couple):
    moment = at_local(couple, date(2026, 12, 16), 17, 30)
    assert full_day_time(moment, couple.timezone) == "Wednesday 16 December 2026 at 17:30"


# --- The summary's words -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "reads"),
    [
        ("We wrote it down.", "We wrote it down."),
        ("we walked", "we walked."),
        ("Was it enough?", "Was it enough?"),
        ("a walk (on Sunday)", "a walk (on Sunday)."),
        ("“It helped.”", "“It helped.”"),
        ("we tried;", "we tried."),
        ("and then…  ", "and then…"),
    ],
)
def test_each_part_of_an_answer_ends_as_a_sentence(typed, reads):
    assert sentence(typed) == reads


def test_reflections_on_both_halves_read_without_stray_punctuation(dana, couple):
    hw = factories.homework(couple)
    db.session.add(
        RhythmReflection(
            assignment_id=hw["rhythm"].id,
            week_start=hw["week"],
            partner_id=couple.partner_at(1).id,
            helped="Everything we had written down.",
            didnt_help="didn't manage Sunday;",
            visibility="shared",
        )
    )
    session = factories.session(couple)
    db.session.commit()
    url = f"/counselor/couples/{couple.id}/sessions/{session.id}"
    for page in (text_of(dana.get(url)), pdf_text(dana.get(f"{url}/summary-couple.pdf").data)):
        page = " ".join(page.split())
        assert (
            "What helped: Everything we had written down. What didn't: didn't manage Sunday."
            in page
        )
        assert ".;" not in page and ". ;" not in page and ";." not in page


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def coming_weeks(text: str) -> str:
    return text.split("Homework for the coming weeks", 1)[1].split("Next session", 1)[0]


def test_homework_for_the_coming_weeks_is_what_this_session_agreed(dana, couple):
    hw = factories.homework(couple)
    hw["rhythm"].instructions = "STANDING RHYTHM INSTRUCTIONS"
    db.session.commit()
    response = dana.post(
        f"/counselor/couples/{couple.id}/sessions/new",
        data={
            "held_on": date.today().isoformat(),
            "held_time": "17:30",
            "attended": "both",
            "focus": "Repair after arguments",
            "agreed": [hw["rhythm"].id, hw["checkin"].id],
            "homework_notes": "Try the ten-minute pause once.",
            "version": "0",
        },
    )
    assert response.status_code == 302
    session = db.session.scalar(select(CounselingSession))
    url = f"/counselor/couples/{couple.id}/sessions/{session.id}"
    for text in (text_of(dana.get(url)), pdf_text(dana.get(f"{url}/summary-couple.pdf").data)):
        # Tags leave spaces in the page's text: "<strong>Weekly rhythm</strong>, …".
        part = re.sub(r"\s+([,.])", r"\1", " ".join(coming_weeks(text).split()))
        assert "We agreed to carry on with: Weekly rhythm, Weekly check-in." in part
        assert "Try the ten-minute pause once." in part
        assert "STANDING RHYTHM INSTRUCTIONS" not in part
        assert "Needs" not in part  # not agreed in this session


def test_nothing_agreed_says_so(dana, couple):
    session = factories.session(couple)
    db.session.commit()
    page = text_of(dana.get(f"/counselor/couples/{couple.id}/sessions/{session.id}"))
    assert "Nothing new; carry on with what you have." in coming_weeks(page)


# --- The session page in the order of the work ---------------------------------------------


def test_the_session_page_goes_quote_read_release(dana, couple):
    factories.homework(couple)
    session = factories.session(couple)
    db.session.commit()
    page = text_of(dana.get(f"/counselor/couples/{couple.id}/sessions/{session.id}"))
    quote = page.index("Moments to quote")
    read = page.index("Read the couple's copy")
    release = page.index("Release the couple's copy", read)
    assert quote < read < release
    assert page.index("Focus of the session") > read


# --- Sign-in for partners and counselors ---------------------------------------------------


def test_the_sign_in_page_speaks_to_partners_and_counselors(client):
    page = text_of(client.get("/login"))
    assert "on this phone" not in page
    assert "Keep me signed in" in page
    assert "Partners: for 30 days" in page
    assert "Counselors stay signed in only while they work" in page
    assert "12 hours" in page


def remember_me(client, email):
    return client.post(
        "/login",
        data={"email": email, "password": factories.PASSWORD, "remember": "y"},
        follow_redirects=True,
    )


def test_a_counselor_who_ticks_keep_me_signed_in_is_told_what_happens(app, counselor):
    office = app.test_client()
    response = remember_me(office, counselor.email)
    assert "“Keep me signed in” is for partners' own phones" in text_of(response)
    assert not office.get_cookie(app.config["REMEMBER_COOKIE_NAME"])
    # Closing the browser ends it, as the page says...
    office.delete_cookie(app.config["SESSION_COOKIE_NAME"])
    assert office.get("/counselor/").status_code == 302
    # ...and so do 12 hours, ticked or not.
    remember_me(office, counselor.email)
    with office.session_transaction() as session:
        session["started"] = int(time.time()) - 12 * 60 * 60 - 60
    assert office.get("/counselor/").status_code == 302


def test_a_partner_who_ticks_keep_me_signed_in_stays_signed_in(app, couple):
    phone = app.test_client()
    response = remember_me(phone, couple.partner_at(1).user.email)
    assert "is for partners' own phones" not in text_of(response)
    assert phone.get_cookie(app.config["REMEMBER_COOKIE_NAME"])
    phone.delete_cookie(app.config["SESSION_COOKIE_NAME"])
    assert phone.get("/week").status_code == 200
