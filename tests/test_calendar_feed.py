"""Private calendar feeds, read back the way a calendar app reads them (``icalendar``)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from domain import appointments, calendar_feed
from domain.homework import couple_week
from extensions import db
from models import Appointment, AuditEvent, utcnow
from tests import factories
from tests.conftest import text_of


def feed_address(client) -> str:
    """Make (or renew) the signed-in person's feed from the account page; its https URL."""
    assert client.post("/account/calendar").status_code == 302
    html = client.get("/account/").get_data(as_text=True)
    https = re.search(r'id="calendar-address"[^>]*value="([^"]+)"', html).group(1)
    webcal = re.search(r'href="(webcal://[^"]+)"', html).group(1)
    assert webcal == "webcal://" + https.split("://", 1)[1]
    return https


def path_of(url: str) -> str:
    return urlsplit(url).path


def fetch(app, url: str):
    """The feed as a calendar app gets it: no cookies, no sign-in."""
    return app.test_client().get(path_of(url))


def parse(response) -> Calendar:
    assert response.status_code == 200
    return Calendar.from_ical(response.data)


def events(cal: Calendar) -> list:
    return list(cal.walk("VEVENT"))


def sessions_in(cal: Calendar) -> list:
    return [e for e in events(cal) if str(e["SUMMARY"]).startswith("Counseling session")]


def local_at(couple, day: date, hour: int, minute: int = 0) -> datetime:
    zone = ZoneInfo(couple.timezone)
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


def test_the_account_page_offers_a_calendar_link_and_makes_it(signed_in, couple):
    phone = signed_in(couple.partner_at(1).user)
    page = text_of(phone.get("/account/"))
    assert "Your calendar" in page and "Make my calendar link" in page
    url = feed_address(phone)
    page = text_of(phone.get("/account/"))
    assert "Add to calendar" in page and "Make a new link" in page
    assert re.fullmatch(r"http://localhost/calendar/[A-Za-z0-9_-]{43}\.ics", url)


def test_a_partners_feed_holds_sessions_homework_weeks_and_check_in_days(
    app, signed_in, couple, with_homework
):
    soon = (utcnow() + timedelta(days=3)).replace(second=0, microsecond=0)
    booked = appointments.schedule(couple, soon)
    db.session.commit()
    cal = parse(fetch(app, feed_address(signed_in(couple.partner_at(1).user))))
    assert str(cal["X-WR-CALNAME"]) == "Hearth"
    (session,) = sessions_in(cal)
    assert str(session["SUMMARY"]) == "Counseling session"
    assert str(session["UID"]) == booked.uid
    assert session["DTSTART"].dt == soon.astimezone(ZoneInfo(couple.timezone))
    assert session["DTEND"].dt - session["DTSTART"].dt == timedelta(minutes=50)
    assert str(session["STATUS"]) == "CONFIRMED"
    assert "http://localhost/week" in str(session["DESCRIPTION"])

    week = couple_week(couple)
    starts = {e["DTSTART"].dt for e in events(cal) if e["SUMMARY"] == "Your week's homework starts"}
    closes = {e["DTSTART"].dt for e in events(cal) if e["SUMMARY"] == "Check-in closes"}
    # Open-ended homework from this week: this week and every week up to 26 ahead.
    assert starts == {week.start + timedelta(weeks=n) for n in range(27)}
    assert closes == {week.end + timedelta(weeks=n) for n in range(27)}
    assert all(isinstance(d, date) and not isinstance(d, datetime) for d in starts | closes)


def test_check_in_days_only_while_a_check_in_is_assigned(app, signed_in, couple, with_homework):
    with_homework["checkin"].status = "ended"
    with_homework["checkin"].weeks = 1
    db.session.commit()
    cal = parse(fetch(app, feed_address(signed_in(couple.partner_at(2).user))))
    closes = [e["DTSTART"].dt for e in events(cal) if e["SUMMARY"] == "Check-in closes"]
    assert closes == [couple_week(couple).end]  # the one week it covered, not the ones after
    assert len([e for e in events(cal) if e["SUMMARY"] == "Your week's homework starts"]) == 27


def test_times_are_in_the_couples_zone_across_a_daylight_saving_change(counselor):
    couple = factories.couple(counselor, timezone="Europe/London")
    db.session.commit()
    now = datetime(2027, 3, 1, 12, tzinfo=UTC)
    # 18:00 in London: 18:00 UTC before the clocks go forward on 28 March, 17:00 after.
    winter = appointments.schedule(couple, local_at(couple, date(2027, 3, 22), 18), now=now)
    summer = factories.couple(counselor, "Robin & Ash", timezone="Europe/London")
    later = appointments.schedule(summer, local_at(summer, date(2027, 4, 5), 18), now=now)
    db.session.commit()
    assert winter.starts_at.hour == 18 and later.starts_at.hour == 17
    links = calendar_feed.Links(home="https://hearth.example/")
    cal = Calendar.from_ical(calendar_feed.feed_for(counselor, links, now))
    zones = {str(z["TZID"]) for z in cal.walk("VTIMEZONE")}
    assert zones == {"Europe/London"}
    raw = calendar_feed.feed_for(counselor, links, now).decode()
    assert "DTSTART;TZID=Europe/London:20270322T180000" in raw
    assert "DTSTART;TZID=Europe/London:20270405T180000" in raw
    by_day = {e["DTSTART"].dt.date(): e["DTSTART"].dt for e in sessions_in(cal)}
    assert by_day[date(2027, 3, 22)].utcoffset() == timedelta(0)
    assert by_day[date(2027, 4, 5)].utcoffset() == timedelta(hours=1)
    assert by_day[date(2027, 4, 5)].astimezone(UTC).hour == 17


def test_the_uid_stays_the_sequence_rises_and_cancelled_sessions_stay(
    app, signed_in, office_of, couple
):
    office = office_of(couple)
    url = feed_address(signed_in(couple.partner_at(1).user))
    day = date.today() + timedelta(days=6)
    office.post(f"/counselor/couples/{couple.id}/next-session", data=slot(day, "18:00"))
    (first,) = sessions_in(parse(fetch(app, url)))
    office.post(f"/counselor/couples/{couple.id}/next-session", data=slot(day, "19:15"))
    (moved,) = sessions_in(parse(fetch(app, url)))
    office.post(f"/counselor/couples/{couple.id}/next-session/cancel")
    (cancelled,) = sessions_in(parse(fetch(app, url)))
    assert str(first["UID"]) == str(moved["UID"]) == str(cancelled["UID"])
    assert [e["SEQUENCE"] for e in (first, moved, cancelled)] == [0, 1, 2]
    assert moved["DTSTART"].dt.time() == time(19, 15)
    assert str(moved["STATUS"]) == "CONFIRMED"
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled["DTSTART"].dt == moved["DTSTART"].dt


def slot(day: date, at: str) -> dict:
    return {"day": day.isoformat(), "time": at, "minutes": "50"}


@pytest.fixture
def office_of(signed_in):
    return lambda couple: signed_in(couple.counselor)


def test_a_new_link_stops_the_old_one_and_is_audited(app, signed_in, couple):
    phone = signed_in(couple.partner_at(1).user)
    old = feed_address(phone)
    assert fetch(app, old).status_code == 200
    renewed = phone.post("/account/calendar", follow_redirects=True)
    assert "The old one no longer works" in text_of(renewed)
    html = renewed.get_data(as_text=True)
    new = re.search(r'id="calendar-address"[^>]*value="([^"]+)"', html).group(1)
    assert new != old
    assert fetch(app, old).status_code == 404
    assert fetch(app, new).status_code == 200
    rows = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.kind == "calendar_link", AuditEvent.couple_id == couple.id
        )
    ).all()
    assert [r.subject for r in rows] == ["Calendar link made", "New calendar link"]
    assert all(r.actor_id == couple.partner_at(1).user.id for r in rows)
    # The token itself is never stored: only its hash.
    feed = calendar_feed.feed_of(couple.partner_at(1).user)
    token = new.rsplit("/", 1)[1].removesuffix(".ics")
    assert token not in (feed.token_hash, feed.nonce)


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 200, "A" * 43])
def test_an_unknown_address_is_not_found(app, token):
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 404


def test_a_feed_stops_when_the_account_is_switched_off(app, signed_in, couple):
    url = feed_address(signed_in(couple.partner_at(2).user))
    couple.partner_at(2).user.active = False
    db.session.commit()
    assert fetch(app, url).status_code == 404


def test_the_feed_needs_no_sign_in_and_is_never_cached(app, signed_in, couple):
    response = fetch(app, feed_address(signed_in(couple.partner_at(1).user)))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "Set-Cookie" not in response.headers


def test_the_counselors_feed_holds_every_couples_sessions_by_name(app, counselor, signed_in):
    sam_alex = factories.couple(counselor, "Sam & Alex", timezone="Europe/London")
    kim_jo = factories.couple(counselor, "Kim & Jo", names=("Kim", "Jo"), timezone="Asia/Tokyo")
    other = factories.couple(factories.counselor("Lee Okafor"), "Robin & Ash")
    for c in (sam_alex, kim_jo, other):
        appointments.schedule(c, utcnow() + timedelta(days=2))
    db.session.commit()
    cal = parse(fetch(app, feed_address(signed_in(counselor))))
    titles = sorted(str(e["SUMMARY"]) for e in sessions_in(cal))
    assert titles == ["Counseling session: Kim & Jo", "Counseling session: Sam & Alex"]
    assert {str(z["TZID"]) for z in cal.walk("VTIMEZONE")} == {"Europe/London", "Asia/Tokyo"}
    tokyo = next(e for e in sessions_in(cal) if "Kim" in str(e["SUMMARY"]))
    assert tokyo["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert f"/counselor/couples/{kim_jo.id}" in str(tokyo["URL"])
    assert not [e for e in events(cal) if "homework" in str(e["SUMMARY"]).lower()]


def test_the_feed_is_bounded_from_eight_weeks_back_to_twenty_six_ahead(
    app, signed_in, couple, with_homework
):
    now = utcnow()
    for days in (-60, -50, 170, 190):  # 8 weeks is 56 days; 26 weeks is 182
        appointments.schedule(
            couple, now + timedelta(days=days), now=now + timedelta(days=days - 1)
        )
    db.session.commit()
    cal = parse(fetch(app, feed_address(signed_in(couple.partner_at(1).user))))
    starts = sorted(e["DTSTART"].dt.astimezone(UTC) for e in sessions_in(cal))
    assert [round((s - now).total_seconds() / 86400) for s in starts] == [-50, 170]
    days = [e["DTSTART"].dt for e in events(cal) if not isinstance(e["DTSTART"].dt, datetime)]
    today = now.date()
    assert all(today - timedelta(weeks=9) <= d <= today + timedelta(weeks=28) for d in days)


# --- Privacy: nobody's written words, and no names of the other partner -------------------


def plant(couple, tag: str, counselor_words: bool = True) -> list[str]:
    """A unique word in every text field of the couple, both partners, private and shared;
    returns the words."""
    from kinds.appreciation.models import AppreciationNote
    from kinds.checkin.models import CheckIn
    from kinds.needs.models import Need, NeedRating, NeedWording, StepDone, add_steps
    from kinds.rhythm.models import RhythmMark, RhythmReflection
    from models import CounselingSession, Visibility

    made = factories.homework(couple)
    week = made["week"]
    words: list[str] = []

    def w(what: str) -> str:
        word = f"Zq{tag}{what}{len(words)}x"
        words.append(word)
        return word

    for kind in ("rhythm", "needs", "checkin"):
        made[kind].instructions = w("instructions")
    for item in made["rhythm"].rhythm_items:
        item.wording = w("item")
    for place in (1, 2):
        me = couple.partner_at(place)
        me.label = w("label")
        me.user.display_name = w("name")
        for visibility in (Visibility.SHARED, Visibility.COUNSELOR):
            need = Need(owner_id=me.id, wording=w("need"), visibility=visibility)
            need.wordings.append(NeedWording(wording=need.wording))
            add_steps(need, [w("step")])
            db.session.add(need)
            db.session.flush()
            db.session.add(
                NeedRating(
                    need_id=need.id,
                    week_start=week,
                    rating="partly",
                    comment=w("comment"),
                    comment_visibility=visibility,
                )
            )
        # A note of thanks to the other partner, kept between the two of them.
        db.session.add(
            AppreciationNote(
                assignment_id=made["appreciation"].id,
                partner_id=me.id,
                recipient_id=me.other.id,
                week_start=week,
                text=w("thanks"),
                visibility=Visibility.PARTNERS,
            )
        )
        own = made[f"need_{place}"]
        db.session.add(
            StepDone(
                step_id=made[f"need_{3 - place}"].steps[0].id, week_start=week, partner_id=me.id
            )
        )
        own.wording = w("needwording")
        db.session.add(
            RhythmMark(
                item_id=made["rhythm"].rhythm_items[place - 1].id,
                week_start=week,
                partner_id=me.id,
                note=w("note"),
                note_visibility=Visibility.COUNSELOR if place == 1 else Visibility.SHARED,
            )
        )
        db.session.add(
            RhythmReflection(
                assignment_id=made["rhythm"].id,
                week_start=week,
                partner_id=me.id,
                helped=w("helped"),
                didnt_help=w("didnt"),
                visibility=Visibility.SHARED if place == 1 else Visibility.COUNSELOR,
            )
        )
        db.session.add(
            CheckIn(
                assignment_id=made["checkin"].id,
                partner_id=me.id,
                week_start=week,
                connected=5,
                heard=6,
                stress=4,
                went_well=w("well"),
                went_well_visibility=Visibility.SHARED,
                felt_off=w("off"),
                felt_off_visibility=Visibility.COUNSELOR,
                support=w("support"),
                support_visibility=Visibility.COUNSELOR,
            )
        )
    if counselor_words:
        session = CounselingSession(
            couple=couple,
            number=1,
            held_at=utcnow() - timedelta(days=1),
            attended="both",
            focus=w("focus"),
            shareable_notes=w("shared"),
            private_notes=w("private"),
            homework_notes=w("homework"),
            released_at=utcnow(),
        )
        db.session.add(session)
        db.session.flush()
        session.next_session_at = utcnow() + timedelta(days=5)
        appointments.follow_session(session, None)
    appointments.schedule(couple, utcnow() + timedelta(days=12))
    db.session.flush()
    return words


def unfolded(response) -> str:
    """The feed's text as a reader sees it: folded lines joined, escapes undone."""
    text = response.data.decode().replace("\r\n ", "").replace("\r\n\t", "")
    return text.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n").casefold()


def test_no_feed_holds_anyones_words_or_the_other_partners_name(app, counselor, signed_in):
    ours = factories.couple(counselor, "Zqcouplenameours", names=("Pat", "Lou"))
    words = plant(ours, "ours")
    theirs = factories.couple(
        factories.counselor("Lee Okafor"), "Zqcouplenametheirs", names=("Kit", "Ren")
    )
    other_words = plant(theirs, "theirs")
    db.session.commit()
    assert len(words) > 30

    feeds = {
        "partner 1": fetch(app, feed_address(signed_in(ours.partner_at(1).user))),
        "partner 2": fetch(app, feed_address(signed_in(ours.partner_at(2).user))),
        "counselor": fetch(app, feed_address(signed_in(counselor))),
    }
    for who, response in feeds.items():
        text = unfolded(response)
        assert sessions_in(parse(response)), who  # the feed has the sessions, and only times
        leaks = [word for word in words + other_words if word.casefold() in text]
        assert leaks == [], who
        assert "zqcouplenametheirs" not in text, who
        assert "zqcouplenameours" in text if who == "counselor" else "zqcouplenameours" not in text
        for prop in ("SUMMARY", "DESCRIPTION", "LOCATION", "COMMENT"):
            for e in events(parse(response)):
                value = str(e.get(prop, ""))
                assert "zq" not in value.casefold() or (who == "counselor" and prop == "SUMMARY")


def test_leaving_or_deleting_the_couple_ends_the_feeds(app, counselor, couple, signed_in):
    appointments.schedule(couple, utcnow() + timedelta(days=4))
    db.session.commit()
    sam_feed = feed_address(signed_in(couple.partner_at(1).user))
    alex_phone = signed_in(couple.partner_at(2).user)
    alex_feed = feed_address(alex_phone)
    left = alex_phone.post("/account/leave", data={"password": factories.PASSWORD})
    assert left.status_code == 302
    assert fetch(app, alex_feed).status_code == 404
    assert sessions_in(parse(fetch(app, sam_feed)))  # Sam's goes on
    office = signed_in(counselor)
    couple_id = couple.id
    gone = office.post(
        f"/counselor/couples/{couple_id}/delete", data={"confirm_name": "Sam & Alex"}
    )
    assert gone.status_code == 302
    assert fetch(app, sam_feed).status_code == 404
    assert (
        db.session.scalars(select(Appointment).where(Appointment.couple_id == couple_id)).all()
        == []
    )
