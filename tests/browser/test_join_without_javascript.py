"""Everything a partner needs works through plain forms, with JavaScript off."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    PASSWORD,
    SMALL_PHONE,
    Person,
    field_of,
    fill_join_form,
    sign_in,
    unique_email,
)

pytestmark = pytest.mark.browser


def test_partner_joins_on_a_small_phone_without_javascript(
    seed, new_page, browser_log, screenshots
):
    browser_log.expect_status(422)  # the mismatched passwords, on purpose
    counselor = seed.counselor("Dana Rivera")
    couple = seed.couple(counselor, ("Robin", "Casey"), joined=(False, True))
    page: Page = new_page(SMALL_PHONE, java_script_enabled=False)

    answer = page.goto(couple.links[1])
    assert answer.status == 200
    expect(page.get_by_role("heading", name="Welcome to Hearth")).to_be_visible()

    # A typo in the second password: the form comes back with the reason and what was typed.
    email = unique_email("robin")
    fill_join_form(page, "Robin", email)
    page.get_by_label("Type it once more").fill(PASSWORD + " typo")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Join").click()
    assert navigation.value.status == 422
    assert navigation.value.request.headers.get("hx-request") is None  # a plain form post
    expect(field_of(page, "confirm").locator(".field-error")).to_have_text(
        "The two passwords are not the same yet."
    )
    expect(page.get_by_label("Your name")).to_have_value("Robin")
    expect(page.get_by_label("E-mail")).to_have_value(email)
    expect(page.get_by_label("Choose a password")).to_have_value("")
    screenshots.take(page, "join-error-no-js-360")

    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type it once more").fill(PASSWORD)
    with page.expect_navigation(url="**/week") as navigation:
        page.get_by_role("button", name="Join").click()
    assert navigation.value.status == 200
    expect(page.get_by_role("heading", name="Hi Robin")).to_be_visible()
    expect(page.get_by_role("heading", name="This week")).to_be_visible()
    expect(page.locator(".greeting")).to_contain_text(
        "You and Casey (partner) are working with Dana Rivera"
    )
    screenshots.take(page, "partner-home-no-js-360")

    # Signing out and back in are plain forms too.
    # "Sign out" is on the Account page (the top bar keeps to one row on a phone).
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url("**/login")
    expect(page.get_by_text("You're signed out, on this device and any other.")).to_be_visible()
    sign_in(page, Person(0, "Robin", email))
    expect(page).to_have_url(re.compile(r"/week$"))
    expect(page.get_by_role("heading", name="Hi Robin")).to_be_visible()
