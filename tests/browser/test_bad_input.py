"""Bad input in a real browser (with HTMX): each message beside its field, nothing typed lost."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import field_of

pytestmark = pytest.mark.browser


def test_join_form_shows_each_problem_beside_its_field_and_keeps_the_email(
    seed, partner1_page: Page, browser_log, screenshots
):
    browser_log.expect_status(422)
    couple = seed.couple(seed.counselor())
    page = partner1_page
    page.goto(couple.links[1])

    # The name the counselor typed is filled in; this partner clears it by mistake.
    expect(page.get_by_label("Your name")).to_have_value("Robin")
    page.get_by_label("Your name").fill("")
    page.get_by_label("E-mail").fill("robin@example.com")
    page.get_by_label("Choose a password").fill("short")
    page.get_by_label("Type it once more").fill("short")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Join").click()
    assert answer.value.status == 422
    assert answer.value.request.headers.get("hx-request") == "true"  # hx-boost did the post

    expect(page.locator(".form-errors")).to_have_text("Please look at the fields marked below.")
    for input_id, message in (
        ("display_name", "Please tell us what to call you."),
        ("password", "Please use at least 12 characters. A short sentence works well."),
        ("read_policy", "Please read how Dana keeps it, then tick the box."),
    ):
        field = field_of(page, input_id)
        expect(field.locator(".field-error")).to_have_text(message)
        control = field.locator(f"#{input_id}")
        expect(control).to_have_attribute("aria-invalid", "true")
        described_by = control.get_attribute("aria-describedby").split()
        assert f"{input_id}-error" in described_by, "the message is not tied to its input"
    expect(page.locator(".field-error")).to_have_count(3)
    expect(page.get_by_label("E-mail")).to_have_value("robin@example.com")
    expect(page.get_by_label("Choose a password")).to_have_value("")
    expect(page.get_by_label("Type it once more")).to_have_value("")
    assert page.url == couple.links[1]
    screenshots.take(page, "join-errors-phone")


def test_sign_in_with_a_wrong_password_keeps_the_email_and_says_so_once(
    seed, partner1_page: Page, browser_log
):
    browser_log.expect_status(422)
    counselor = seed.counselor()
    page = partner1_page
    page.goto("/login")
    page.get_by_label("E-mail").fill(counselor.email)
    page.get_by_label("Password").fill("not the right password")
    page.get_by_role("button", name="Sign in").click()

    problem = page.locator(".form-errors")
    expect(problem).to_have_text(
        "That e-mail and password don't match an account we know. Please check both and try again."
    )
    expect(problem).to_have_count(1)
    expect(problem.locator("p")).to_have_count(1)
    expect(page.locator(".field-error")).to_have_count(0)
    expect(page.get_by_label("E-mail")).to_have_value(counselor.email)
    expect(page.get_by_label("Password")).to_have_value("")
    expect(page.get_by_label("Password")).to_be_focused()  # ready to try again

    page.get_by_label("Password").fill(counselor.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your couples")).to_be_visible()
