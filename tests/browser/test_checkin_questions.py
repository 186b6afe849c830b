"""A counselor's own check-in questions, end to end: the counselor adds a 0–6 scale and a
prompt for a couple; from the next week a partner answers them on a 360 px phone; the
counselor reads the answers with their wording."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from extensions import db
from models import Couple
from tests.browser.conftest import (
    SMALL_PHONE,
    choose_on_scale,
    phone_fit_problems,
    prompt,
    sign_in,
)

try:
    from tests.browser.test_accessibility import axe_problems, report
except pytest.skip.Exception:  # axe-playwright-python is not installed
    axe_problems = report = None

pytestmark = pytest.mark.browser

SCALE = "How close we felt this week"
PROMPT = "One small thing we could try"
WORDS = "Phones away during dinner."


def test_counselor_adds_questions_and_a_partner_answers_them_next_week(
    seed, live_server, counselor_page: Page, new_page, browser_log, screenshots
):
    browser_log.expect_status(422)  # a scale saved without its wording, on purpose
    axe = []
    dana = seed.counselor()
    couple = seed.couple(dana, ("Robin", "Casey"), joined=(True, True))
    seed.homework(couple)
    with live_server.app.app_context():
        row = db.session.get(Couple, couple.id)
        checkin = next(a for a in row.assignments if a.kind == "checkin")
        edit = f"/counselor/couples/{couple.id}/homework/{checkin.id}/edit"

    # The counselor adds a scale from 0 to 6 and a prompt of their own.
    page = counselor_page
    sign_in(page, dana)
    page.goto(edit)
    page.get_by_role("button", name="Add a scale").click()
    scale = page.locator("#scale-3")
    expect(scale).to_be_visible()
    # Saved before it is worded: the message is right beside the field.
    page.get_by_role("button", name="Save", exact=True).click()
    scale = page.locator("#scale-3")
    expect(scale.locator(".field-error")).to_have_text("Please word the scale, or remove it.")
    if axe_problems:
        axe.append(axe_problems(page, "checkin-questions-refused", screenshots))
    scale.get_by_label("Scale", exact=True).fill(SCALE)
    scale.get_by_label("From").select_option("0")
    scale.get_by_label("To").fill("6")
    scale.get_by_label("Low end means").fill("far apart")
    scale.get_by_label("High end means").fill("very close")
    page.get_by_role("button", name="Add a prompt").click()
    added = page.locator("#prompt-3")
    expect(added).to_be_visible()
    # What was typed in the scale came back with the page.
    expect(page.locator("#scale-3").get_by_label("Scale", exact=True)).to_have_value(SCALE)
    added.get_by_label("Question").fill(PROMPT)
    added.get_by_text("Shared with their partner").click()
    screenshots.take(page, "checkin-questions-editor")
    if axe_problems:
        axe.append(axe_problems(page, "checkin-questions-editor", screenshots))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Weekly check-in updated")).to_be_visible()

    # This week asks what it asked; the new questions start next week. A week passes:
    # the version moves to the week that is now current.
    with live_server.app.app_context():
        row = db.session.get(Couple, couple.id)
        checkin = next(a for a in row.assignments if a.kind == "checkin")
        [version] = checkin.checkin_question_sets
        version.effective_from -= timedelta(weeks=1)
        checkin.starts_on -= timedelta(weeks=1)
        db.session.commit()

    # Robin answers on the smallest phone.
    phone = new_page(SMALL_PHONE)
    sign_in(phone, couple.partners[1])
    card = phone.locator("#card-checkin")
    expect(card.get_by_role("group", name=SCALE)).to_be_visible()
    expect(card.get_by_role("group", name=SCALE).locator("label.choice")).to_have_count(7)
    for question, n in (
        ("How connected I felt", 7),
        ("How heard I felt", 6),
        ("Stress from outside the relationship", 4),
        (SCALE, 5),
    ):
        choose_on_scale(phone, question, n)
    card.get_by_text("In your own words (optional)").click()
    block = prompt(phone, PROMPT)
    block.get_by_label(PROMPT).fill(WORDS)
    # The counselor chose "shared" for this prompt: it starts so.
    expect(block.get_by_label("Shared with my partner")).to_be_checked()
    problems = phone_fit_problems(phone, "check-in with custom questions")
    screenshots.take(phone, "checkin-questions-phone", element=card)
    if axe_problems:
        axe.append(axe_problems(phone, "checkin-questions-phone", screenshots))
    card.get_by_role("button", name="Save my check-in").click()
    expect(phone.get_by_text("Thank you for checking in")).to_be_visible()
    expect(phone.locator("#card-checkin")).to_contain_text(f"{PROMPT}: {WORDS}")
    expect(phone.locator("#card-checkin")).to_contain_text("How close we felt this week 5 (0–6)")
    problems += phone_fit_problems(phone, "check-in saved")
    assert not problems, problems

    # The counselor reads it, with the wording it was given under.
    page.goto(f"/counselor/couples/{couple.id}")
    expect(page.get_by_text(WORDS).first).to_be_visible()
    expect(page.get_by_text(PROMPT).first).to_be_visible()
    expect(page.locator("body")).to_contain_text("How close we felt this week 5 (0–6)")
    screenshots.take(page, "checkin-questions-couple-page")
    if report:
        report(axe)
