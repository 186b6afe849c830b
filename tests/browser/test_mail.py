"""E-mail in a real browser: "Forgot your password?" from the sign-in page to the new
password, an invitation sent from the couple's page and opened on a phone, and the
Messages section of the account page on a small phone. Messages go through a real SMTP
server on 127.0.0.1."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests import smtp_server
from tests.browser.conftest import (
    COUNSELOR_SCREEN,
    PHONE,
    SMALL_PHONE,
    fill_join_form,
    phone_fit_problems,
    sign_in,
)
from tests.mail_helpers import links_in, path_of

pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
from tests.browser.test_accessibility import axe_problems, report  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture
def inbox(smtp_inbox):
    """The real SMTP server the live app sends to (``tests/browser/conftest.py``)."""
    return smtp_inbox


def _link(message, part: str) -> str:
    return next(u for u in links_in(smtp_server.text_part(message)) if part in u)


def test_forgot_password_on_a_phone_from_sign_in_to_the_new_password(
    seed, new_page, inbox, screenshots
):
    counselor = seed.counselor()
    couple = seed.couple(counselor, joined=(True, True))
    robin = couple.partners[1]
    page: Page = new_page(SMALL_PHONE)
    results = []

    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    assert phone_fit_problems(page, "forgot password") == []
    results.append(axe_problems(page, "forgot password", screenshots))
    page.get_by_label("Your e-mail").fill(robin.email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    screenshots.take(page, "mail-forgot-sent")

    [message] = inbox.wait_for(1)
    page.goto(path_of(_link(message, "/reset/")))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    new_password = "a new password for a phone"
    page.get_by_label("Choose a password").fill(new_password)
    page.get_by_label("Type it once more").fill(new_password)
    page.get_by_role("button", name="Save my new password").click()
    expect(page.get_by_text("Your new password is saved")).to_be_visible()
    page.get_by_label("E-mail").fill(robin.email)
    page.get_by_label("Password").fill(new_password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    report(results)


def test_an_emailed_invitation_is_joined_on_a_phone_and_a_forgotten_password_mended_by_email(
    seed, new_page, inbox, screenshots
):
    counselor = seed.counselor()
    couple = seed.couple(counselor, names=("Robin", "Casey"))
    office: Page = new_page(COUNSELOR_SCREEN)
    sign_in(office, counselor)
    office.goto(f"/counselor/couples/{couple.id}")
    place = office.locator("#place-1")
    place.get_by_label("Their e-mail").fill("robin@example.org")
    place.get_by_role("button", name="Send the link by e-mail").click()
    expect(office.get_by_text("We're sending Robin's link to robin@example.org")).to_be_visible()
    expect(office.locator("#place-1").get_by_text("Last sent to robin@example.org")).to_be_visible()
    screenshots.take(office, "mail-invitation-sent", element=office.locator("#place-1"))

    [message] = inbox.wait_for(1)
    assert "robin@example.org" in str(message["To"])
    phone: Page = new_page(PHONE)
    phone.goto(path_of(_link(message, "/join/")))
    expect(phone.get_by_label("Your name")).to_have_value("Robin")
    expect(phone.get_by_label("E-mail")).to_have_value("robin@example.org")

    # Robin joins from the message, signs out, and later forgets the password: the way
    # back in is a second message, opened on the same phone.
    fill_join_form(phone, "Robin", "robin@example.org")
    phone.get_by_role("button", name="Join").click()
    phone.wait_for_url("**/week")
    # "Sign out" is on the Account page (the top bar keeps to one row on a phone).
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    phone.get_by_role("button", name="Sign out", exact=True).click()
    phone.wait_for_url("**/login**")
    phone.get_by_role("link", name="Forgot your password?").click()
    phone.get_by_label("Your e-mail").fill("robin@example.org")
    phone.get_by_role("button", name="Send me a link").click()
    expect(phone.get_by_role("heading", name="Check your e-mail")).to_be_visible()

    [_, reset] = inbox.wait_for(2)
    assert "robin@example.org" in str(reset["To"])
    assert "choose a new password" in str(reset["Subject"])
    phone.goto(path_of(_link(reset, "/reset/")))
    new_password = "a fresh password from the e-mail"
    phone.get_by_label("Choose a password").fill(new_password)
    phone.get_by_label("Type it once more").fill(new_password)
    phone.get_by_role("button", name="Save my new password").click()
    expect(phone.get_by_text("Your new password is saved")).to_be_visible()
    phone.get_by_label("E-mail").fill("robin@example.org")
    phone.get_by_label("Password").fill(new_password)
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_url("**/week")


def test_the_messages_section_fits_a_small_phone_and_saves(seed, new_page, screenshots):
    counselor = seed.counselor()
    couple = seed.couple(counselor, joined=(True, True))
    page: Page = new_page(SMALL_PHONE)
    sign_in(page, couple.partners[1])
    page.goto("/account/#messages")
    section = page.get_by_role("heading", name="Messages")
    expect(section).to_be_visible()
    partner_done = page.get_by_label("Your partner has checked in")
    expect(partner_done).not_to_be_checked()
    partner_done.check()
    page.get_by_label("The time of day for messages").fill("07:30")
    page.get_by_role("button", name="Save messages").click()
    expect(page.get_by_text("Saved. We'll write to you as you chose.")).to_be_visible()
    expect(page.get_by_label("Your partner has checked in")).to_be_checked()
    expect(page.get_by_label("The time of day for messages")).to_have_value(re.compile("07:30"))
    assert phone_fit_problems(page, "account messages") == []
    report([axe_problems(page, "account messages", screenshots)])
    screenshots.take(page, "mail-preferences-phone")


def test_the_next_session_reminder_arrives_and_reads_well_on_a_phone(
    seed, new_page, inbox, live_server, screenshots
):
    """A partner's Messages section on a phone, then the reminder of tomorrow's session
    as it arrives through the SMTP server, its HTML drawn on a phone."""
    from datetime import UTC, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from domain import appointments, mail
    from domain.mail import prefs
    from extensions import db
    from models import Couple, User
    from tests.mail_helpers import no_quiet_hours

    counselor = seed.counselor()
    couple = seed.couple(counselor, names=("Robin", "Casey"), joined=(True, True))
    robin = couple.partners[1]
    page: Page = new_page(PHONE)
    sign_in(page, robin)
    page.goto("/account/#messages")
    section = page.get_by_role("region", name="Messages")
    expect(section.get_by_label("Next session reminder")).to_be_checked()
    assert phone_fit_problems(page, "account messages") == []
    screenshots.take(
        page, "messages-preferences", docs="messages-preferences.png", element=section, margin=16
    )

    with live_server.app.app_context():
        row = db.session.get(Couple, couple.id)
        for partner in row.partners:
            no_quiet_hours(partner.user)
        zone = ZoneInfo(row.timezone)
        tomorrow = datetime.now(UTC).astimezone(zone).date() + timedelta(days=1)
        starts = datetime.combine(tomorrow, time(18, 0), tzinfo=zone).astimezone(UTC)
        appointments.schedule(row, starts)
        db.session.commit()
        # 00:00 is their time of day here, so the reminder is due whenever this runs.
        for partner in row.partners:
            prefs.editable_settings(db.session.get(User, partner.user_id)).send_at = time(0, 0)
        db.session.commit()
        # The address a practice would give Hearth, not this run's port, for the README.
        config = live_server.app.config
        config["BASE_URL"], before = "https://hearth.example.org", config["BASE_URL"]
        try:
            mail.send_due()
        finally:
            config["BASE_URL"] = before
    messages = inbox.wait_for(2)
    reminder = next(m for m in messages if robin.email in str(m["To"]))
    assert reminder["Subject"] == "Hearth: your session is tomorrow"
    html = smtp_server.html_part(reminder)
    assert "you two have a session with Dana Rivera tomorrow" in html
    assert "https://hearth.example.org/week" in html

    phone: Page = new_page(PHONE)
    phone.set_content(html)
    expect(phone.get_by_role("link", name="This week")).to_be_visible()
    assert phone_fit_problems(phone, "the reminder e-mail") == []
    screenshots.take(phone, "message-received", docs="message-received.png")
