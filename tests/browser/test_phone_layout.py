"""At 360 px wide nothing scrolls sideways, and the buttons are big enough for a thumb."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SMALL_PHONE, phone_fit_problems, sign_in

pytestmark = pytest.mark.browser


def layout_problems(page: Page, screen_name: str, screenshots) -> list[str]:
    screenshots.take(page, f"360-{screen_name}")
    return phone_fit_problems(page, screen_name)


def test_partner_pages_fit_a_360_px_phone(seed, new_page, browser_log, screenshots):
    browser_log.expect_status(422)  # the join form with errors, on purpose
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(False, True))
    problems = []

    page: Page = new_page(SMALL_PHONE)
    page.goto("/login")
    expect(page.locator(".button.primary")).to_have_count(1)
    problems += layout_problems(page, "login", screenshots)

    page.goto(couple.links[1])
    expect(page.locator(".button.primary")).to_have_count(1)
    problems += layout_problems(page, "join", screenshots)
    # The longest messages the join form has, all at once.
    page.get_by_label("E-mail").fill("a.rather.long.address.for.a.small.screen@example.com")
    page.get_by_label("Choose a password").fill("short")
    page.get_by_role("button", name="Join").click()
    expect(page.locator(".field-error").first).to_be_visible()
    problems += layout_problems(page, "join-with-errors", screenshots)

    phone = new_page(SMALL_PHONE)
    sign_in(phone, couple.partners[2])
    expect(phone.get_by_role("heading", name="This week")).to_be_visible()
    problems += layout_problems(phone, "partner-home", screenshots)

    assert not problems, "\n".join(problems)


def test_counselor_pages_fit_a_360_px_phone(seed, new_page, screenshots):
    """Counselors sometimes work from a phone too."""
    counselor = seed.counselor()
    couple = seed.couple(counselor, ("Robin", "Casey"), joined=(True, False))
    problems = []

    page: Page = new_page(SMALL_PHONE)
    sign_in(page, counselor)
    expect(page.get_by_role("heading", name="Your couples")).to_be_visible()
    problems += layout_problems(page, "dashboard", screenshots)

    page.goto("/counselor/couples/new")
    problems += layout_problems(page, "new-couple", screenshots)

    page.goto(f"/counselor/couples/{couple.id}")
    expect(page.locator("#link-2")).to_be_visible()
    problems += layout_problems(page, "couple", screenshots)

    assert not problems, "\n".join(problems)
