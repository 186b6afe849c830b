"""A week of homework on the smallest phone with JavaScript off: every action is a plain form
that posts, redirects back and says what happened; nothing scrolls sideways, and the things
to tap are big enough for a thumb.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Response, expect

from tests.browser.conftest import (
    SMALL_PHONE,
    add_need,
    choose_on_scale,
    field_of,
    phone_fit_problems,
    progress,
    prompt,
    rhythm_item,
    sign_in,
)

pytestmark = pytest.mark.browser


def posted_and_redirected(page: Page, response: Response, path: str) -> None:
    """A plain form post (no HTMX) answered with a redirect to ``path``."""
    posted = response.request.redirected_from
    assert posted is not None and posted.method == "POST", "not a post followed by a redirect"
    assert posted.headers.get("hx-request") is None, "HTMX ran with JavaScript off?"
    assert posted.resource_type == "document"
    assert response.status == 200 and page.url.endswith(path), page.url


def test_a_partner_does_the_week_on_a_360_px_phone_without_javascript(
    seed, new_page, browser_log, screenshots
):
    browser_log.expect_status(422)  # the fourth need without "yes", on purpose
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, True))
    homework = seed.homework(couple)
    page: Page = new_page(SMALL_PHONE, java_script_enabled=False)
    sign_in(page, couple.partners[1])
    assert page.evaluate("typeof window.htmx") == "undefined"
    expect(page.locator("#card-rhythm")).to_be_visible()
    assert progress(page) == "5 things left to do this week"
    problems = phone_fit_problems(page, "week")

    # Mark a rhythm item done, with a note (the <details> opens without a script too).
    item = rhythm_item(page, "One real conversation")
    item.get_by_text("Add a note").click()
    item.get_by_label("A short note (optional)").fill("We talked on the sofa after dinner.")
    problems += phone_fit_problems(page, "week-note-open")
    with page.expect_navigation() as navigation:
        item.get_by_role("button", name="Mark as done").click()
    posted_and_redirected(page, navigation.value, "/week#card-rhythm")
    expect(page.get_by_text("Marked as done. Nice work, you two.")).to_be_visible()
    item = rhythm_item(page, "One real conversation")
    expect(item.locator(".done-by")).to_contain_text("Done by you")
    expect(item.locator("blockquote.note")).to_have_text("We talked on the sofa after dinner.")
    assert progress(page) == "4 things left to do this week"

    # Rate my need.
    need = page.locator(f"#need-{homework.need_ids[1]}")
    need.get_by_text("Met", exact=True).click()
    with page.expect_navigation() as navigation:
        need.get_by_role("button", name="Save").click()
    posted_and_redirected(page, navigation.value, "/week#card-needs")
    expect(page.get_by_text("Saved. Thank you for checking in on it.")).to_be_visible()
    need = page.locator(f"#need-{homework.need_ids[1]}")
    expect(need.locator(".saved-rating")).to_have_text("Your word this week: Met")
    expect(need.get_by_text("Change my rating")).to_be_visible()
    assert progress(page) == "3 things left to do this week"

    # "I did this", for a step Casey asked of me.
    step = page.locator("#card-needs li.step").filter(has_text="A step for partner 1")
    with page.expect_navigation() as navigation:
        step.get_by_role("button", name="I did this").click()
    posted_and_redirected(page, navigation.value, "/week#card-needs")
    expect(page.get_by_text("Noted. Casey will see you did this.")).to_be_visible()
    done = page.locator("#card-needs li.step").filter(has_text="A step for partner 1")
    expect(done.get_by_role("button")).to_have_text("✓ I did this")
    expect(done.get_by_role("button")).to_have_attribute("aria-pressed", "true")
    problems += phone_fit_problems(page, "week-after")
    screenshots.take(page, "homework-no-js-week-360")

    # The needs list: a second and third need, then a fourth asks "are you sure?" first.
    page.get_by_role("link", name="Needs & history").click()
    expect(page.get_by_role("heading", name="Needs", level=1)).to_be_visible()
    problems += phone_fit_problems(page, "needs")
    add_need(page, "A quieter evening routine", ["Dim the lights at nine", "No news after ten"])
    add_need(page, "Plans made together", ["Ask before saying yes to friends"], private=True)
    page.get_by_role("link", name="Add a need").click()
    expect(page.get_by_text("You already have 3 needs.")).to_be_visible()
    problems += phone_fit_problems(page, "needs-new")
    page.get_by_label("What I need").fill("Time to talk about money")
    page.get_by_label("Steps my partner can take").fill("Sit down with me on the first Sunday")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Add this need").click()
    assert navigation.value.status == 422
    expect(field_of(page, "confirm_extra").locator(".field-error")).to_contain_text(
        "Fewer needs, done well"
    )
    expect(page.get_by_label("What I need")).to_have_value("Time to talk about money")
    problems += phone_fit_problems(page, "needs-new-confirm")
    page.get_by_label("Yes, I'd like to add another need").check()
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Add this need").click()
    posted_and_redirected(page, navigation.value, "/needs/")
    expect(page.locator(".need-card")).to_have_count(5)  # four of mine, one of Casey's
    problems += phone_fit_problems(page, "needs-full")
    screenshots.take(page, "homework-no-js-needs-360")

    # The check-in.
    page.goto(f"/week/{homework.week}/check-in")
    problems += phone_fit_problems(page, "check-in")
    choose_on_scale(page, "How connected I felt", 6)
    choose_on_scale(page, "How heard I felt", 7)
    choose_on_scale(page, "Stress from outside the relationship", 10)
    page.get_by_label("What went well", exact=True).fill("A slow Sunday breakfast.")
    prompt(page, "What went well").get_by_label("Shared with my partner").check()
    screenshots.take(page, "homework-no-js-check-in-360")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Save my check-in").click()
    posted_and_redirected(page, navigation.value, "/week#card-checkin")
    expect(page.get_by_text("Thank you for checking in. It's saved.")).to_be_visible()
    expect(page.locator("#card-checkin")).to_contain_text("connected 6, heard 7, outside stress 10")
    assert progress(page) == "5 things left to do this week"  # four needs now, one of them rated

    assert not problems, "\n".join(problems)
