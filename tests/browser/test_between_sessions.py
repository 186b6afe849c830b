"""Between sessions, in real browsers: the counselor books the next session from the couple
page on a laptop; on a 390×844 phone the partner sees "Next session: …" and a "New"
summary card on This week (with a dot on Summaries) until they download it, and makes a
private calendar link on the account page, which a calendar app can read without signing in.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from extensions import db
from models import Couple
from tests import factories
from tests.browser.conftest import COUNSELOR_SCREEN, PHONE, phone_fit_problems, sign_in

pytestmark = pytest.mark.browser


def long_day(day: date, at: str) -> str:
    year = "" if day.year == date.today().year else f" {day.year}"
    return f"{day:%A} {day.day} {day:%B}{year}, {at}"


def test_next_session_new_summary_and_calendar_link_on_a_phone(
    seed, live_server, new_page, screenshots, browser_log
):
    browser_log.expect_status(422)  # the date in the past, on purpose
    counselor = seed.counselor("Dana Rivera")
    couple = seed.couple(counselor, ("Sam", "Alex"), joined=(True, True))
    seed.homework(couple)
    with live_server.app.app_context():
        factories.session(db.session.get(Couple, couple.id), released=True)
        db.session.commit()

    # 1. The counselor books the next session from the couple page: first a slip.
    office = new_page(COUNSELOR_SCREEN)
    sign_in(office, counselor)
    office.goto(f"/counselor/couples/{couple.id}")
    card = office.locator("#next-session")
    expect(card).to_contain_text("Nothing booked yet")
    day = date.today() + timedelta(days=6)
    card.get_by_label("Date").fill((date.today() - timedelta(days=3)).isoformat())
    card.get_by_label("Time").fill("18:00")
    card.get_by_role("button", name="Book it").click()
    expect(office.locator("#day-error")).to_contain_text("That moment has already passed")
    office.get_by_label("Date").fill(day.isoformat())
    office.get_by_role("button", name="Book it").click()
    expect(office.locator(".flash-area")).to_contain_text(
        f"the next session is {long_day(day, '18:00')}"
    )
    expect(office.locator("#next-session")).to_contain_text(long_day(day, "18:00"))
    screenshots.take(
        office, "next-session-couple-page-1280", element=office.locator("#next-session")
    )

    # 2. Sam on a phone: the next session, and the summary that is new to them.
    phone = new_page(PHONE)
    sign_in(phone, couple.partners[1])
    phone.goto("/week")
    expect(phone.locator("#next-session")).to_have_text(f"Next session: {long_day(day, '18:00')}")
    news = phone.locator("#new-summary")
    expect(news).to_contain_text("New")
    expect(news).to_contain_text("Your summary of session 1 is ready")
    expect(phone.get_by_role("link", name="Summaries").locator(".new-dot")).to_be_visible()
    assert phone_fit_problems(phone, "this week with news, 390") == []
    screenshots.take(phone, "between-sessions-week-390", docs="between-sessions-week.png")

    with phone.expect_download() as event:
        news.get_by_role("link", name="Save a PDF copy").click()
    assert event.value.suggested_filename.endswith(".pdf")
    phone.goto("/week")
    expect(phone.locator("#new-summary")).to_have_count(0)
    expect(phone.locator(".new-dot")).to_have_count(0)
    expect(phone.locator("#next-session")).to_be_visible()

    # 3. The account page's calendar section: make a link, read it as a calendar app would.
    phone.goto("/account/")
    phone.get_by_role("button", name="Make my calendar link").click()
    section = phone.locator("#calendar")
    add = section.get_by_role("link", name="Add to calendar")
    expect(add).to_be_visible()
    address = section.get_by_label("Or copy this address into your calendar app").input_value()
    assert add.get_attribute("href") == "webcal://" + address.split("://", 1)[1]
    section.scroll_into_view_if_needed()
    assert phone_fit_problems(phone, "account calendar, 390") == []
    screenshots.take(phone, "account-calendar-390", element=section)

    with urllib.request.urlopen(address, timeout=5) as response:  # noqa: S310 (our own server)
        assert response.headers["Cache-Control"] == "no-store"
        cal = Calendar.from_ical(response.read())
    titles = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert "Counseling session" in titles and "Your week's homework starts" in titles
    assert not any("Sam" in t or "Alex" in t for t in titles)

    # A new link: the old address stops working at once.
    phone.get_by_role("button", name="Make a new link").click()
    expect(phone.locator(".flash-area")).to_contain_text("The old one no longer works")
    with pytest.raises(urllib.error.HTTPError) as gone:
        urllib.request.urlopen(address, timeout=5)  # noqa: S310
    assert gone.value.code == 404
    gone.value.close()
