"""axe-core on the homework screens, filled with a few weeks of real-looking answers: no
serious or critical problem on the partner's phone pages or the counselor's review.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import COUNSELOR_SCREEN, PHONE, rhythm_item, sign_in

pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
from tests.browser.test_accessibility import axe_problems, report  # noqa: E402

pytestmark = pytest.mark.browser


def test_partner_homework_screens_have_no_serious_accessibility_problems(
    seed, new_page, browser_log, screenshots
):
    browser_log.expect_status(422)  # the forms with errors, on purpose
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, True))
    homework = seed.homework(couple, history_weeks=3)
    page: Page = new_page(PHONE)
    results = []

    sign_in(page, couple.partners[1])
    expect(page.locator("#card-checkin")).to_be_visible()
    # Open every "Add a note", "Change" and the reflection, so axe sees what is inside them
    # too. Some sit inside others ("Add a comment" behind "Change my rating"): tap the first
    # closed one that shows until none is left.
    closed = page.locator("#this-week details:not([open]) > summary").filter(visible=True)
    while closed.count():
        closed.first.click()
    results += [axe_problems(page, "homework-week", screenshots)]

    item = rhythm_item(page, "One real conversation")
    item.get_by_role("button", name="Undo my mark").click()
    expect(page.locator("#card-rhythm p.card-note")).to_have_text("Undone. It's back on the list.")
    results += [axe_problems(page, "homework-week-after-swap", screenshots)]

    page.goto(f"/week/{homework.week}/check-in")
    expect(page.get_by_role("heading", name="Your check-in")).to_be_visible()
    results += [axe_problems(page, "homework-check-in", screenshots)]
    page.locator("input[name=heard]:checked").evaluate("radio => { radio.checked = false }")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".field-error")).to_be_visible()
    results += [axe_problems(page, "homework-check-in-errors", screenshots)]

    page.goto("/needs/")
    expect(page.get_by_role("heading", name="Casey (partner)'s needs")).to_be_visible()
    results += [axe_problems(page, "homework-needs", screenshots)]

    page.goto("/needs/new")
    results += [axe_problems(page, "homework-needs-new", screenshots)]
    page.get_by_role("button", name="Add this need").click()
    expect(page.locator(".field-error").first).to_be_visible()
    results += [axe_problems(page, "homework-needs-new-errors", screenshots)]

    report(results)


def test_counselor_homework_screens_have_no_serious_accessibility_problems(
    seed, new_page, browser_log, screenshots
):
    browser_log.expect_status(422)  # the assignment form with errors, on purpose
    counselor = seed.counselor()
    couple = seed.couple(counselor, ("Robin", "Casey"), joined=(True, True))
    seed.homework(couple, history_weeks=4)
    page: Page = new_page(COUNSELOR_SCREEN)
    results = []

    sign_in(page, counselor)
    expect(page.locator(".couple-row .week-line")).to_be_visible()
    results += [axe_problems(page, "homework-dashboard", screenshots)]

    page.goto(f"/counselor/couples/{couple.id}")
    expect(page.locator("#review svg.chart")).to_have_count(3)
    expect(page.locator("table.grid")).to_have_count(2)
    results += [axe_problems(page, "homework-couple-review", screenshots)]

    other = seed.couple(counselor, ("Sam", "Alex"), joined=(True, True))
    page.goto(f"/counselor/couples/{other.id}/homework/new/rhythm")
    expect(page.get_by_role("heading", name="Assign weekly rhythm")).to_be_visible()
    results += [axe_problems(page, "homework-assign-form", screenshots)]
    page.get_by_label("Second item").fill("")
    page.get_by_label("Number of weeks").fill("500")
    page.get_by_role("button", name="Assign").click()
    expect(page.locator(".field-error").first).to_be_visible()
    results += [axe_problems(page, "homework-assign-form-errors", screenshots)]

    report(results)
