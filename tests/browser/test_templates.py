"""Templates in a real browser: the counselor saves one couple's rhythm as a template,
assigns it to another couple starting from it, and records a session starting from a
note template and from the last session's plan."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in

pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
from tests.browser.test_accessibility import axe_problems, report  # noqa: E402

pytestmark = pytest.mark.browser

WALK = "A slow walk after dinner, phones left at home."


def test_a_counselor_saves_a_template_and_starts_from_it(
    seed, counselor_page: Page, browser_log, screenshots
):
    counselor = seed.counselor("Dana Rivera")
    first = seed.couple(counselor, ("Robin", "Casey"), joined=(True, True))
    seed.homework(first, kinds=("rhythm",))
    second = seed.couple(counselor, ("Kim", "Jo"), joined=(True, True))
    page = counselor_page
    results = []
    sign_in(page, counselor)

    # 1. Reword the first couple's rhythm, then keep it as a template.
    page.goto(f"/counselor/couples/{first.id}")
    page.get_by_role("link", name="Edit wording").click()
    page.get_by_label("Second item").fill(WALK)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Weekly rhythm updated for Robin & Casey.")).to_be_visible()
    page.get_by_role("link", name="Save as template").click()
    expect(page.get_by_label("Template name")).to_have_value("Weekly rhythm")
    page.get_by_label("Template name").fill("Rhythm with an evening walk")
    page.get_by_role("button", name="Save as template").click()
    expect(
        page.get_by_text("Saved as your template “Rhythm with an evening walk”.")
    ).to_be_visible()

    # 2. The templates page lists it, with the walk among its items.
    page.goto("/counselor/settings")
    page.get_by_role("link", name="Your templates").click()
    expect(page.get_by_role("heading", name="Rhythm with an evening walk")).to_be_visible()
    expect(page.get_by_text(WALK)).to_be_visible()
    results.append(axe_problems(page, "templates page", screenshots))
    screenshots.take(page, "templates-page")

    # 3. The other couple: assign from the template; the form comes filled, then assign.
    page.goto(f"/counselor/couples/{second.id}")
    page.get_by_role("link", name="Rhythm with an evening walk").click()
    expect(
        page.get_by_text("Started from your template “Rhythm with an evening walk”")
    ).to_be_visible()
    expect(page.get_by_label("Second item")).to_have_value(WALK)
    expect(page.get_by_label("Start from a template")).to_have_value(re.compile(r"\d+"))
    results.append(axe_problems(page, "assign form from a template", screenshots))
    screenshots.take(page, "assign-from-template")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("Weekly rhythm assigned to Kim & Jo.")).to_be_visible()
    expect(page.locator("#homework")).to_contain_text(WALK)

    # 4. A note template, then a session of the first couple starting from it.
    page.goto("/counselor/templates")
    page.get_by_role("link", name="New note template").click()
    page.get_by_label("Template name").fill("Follow-up")
    page.get_by_label("Focus of the session").fill("How the week's small things went")
    page.get_by_label("Notes to share with the couple").fill("What helped:\nWhat we'll try next:")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Note template “Follow-up” saved.")).to_be_visible()

    page.goto(f"/counselor/couples/{first.id}/sessions/new")
    page.get_by_label("Private clinical notes").fill("Robin seemed tired.")
    page.get_by_role("button", name="Fill from template").click()
    expect(page.get_by_text("Filled from your template “Follow-up”")).to_be_visible()
    expect(page.get_by_label("Focus of the session")).to_have_value(
        "How the week's small things went"
    )
    # What was typed before stays.
    expect(page.get_by_label("Private clinical notes")).to_have_value("Robin seemed tired.")
    page.get_by_label("Anything else agreed").fill("Try the ten-minute pause once.")
    results.append(axe_problems(page, "session form from a template", screenshots))
    screenshots.take(page, "session-from-note-template")
    page.get_by_role("button", name="Save the session").click()
    expect(page.get_by_text("Session 1 is saved.")).to_be_visible()

    # 5. The next session carries the plan forward.
    page.goto(f"/counselor/couples/{first.id}/sessions/new")
    page.get_by_role("button", name="Start from the last session's plan").click()
    expect(page.get_by_text("Filled from session 1's plan")).to_be_visible()
    expect(page.get_by_label("Anything else agreed")).to_have_value(
        "Try the ten-minute pause once."
    )
    report(results)
