"""The connection plan in real browsers on a 390×844 phone: the counselor assigns it with
numbers of their own, one partner plans a date and the other sees it (and who arranges it),
a plan in the past is explained beside its day, a date is marked done with a note kept for
the counselor, and the counselor reads what was planned and kept; planning works without
JavaScript too."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from domain.weeks import local_today
from tests.browser.conftest import PHONE, phone_fit_problems, sign_in
from tests.factories import CORE_KINDS

pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
from tests.browser.test_accessibility import axe_problems, report  # noqa: E402

pytestmark = pytest.mark.browser

INSTRUCTIONS = "Plan one date a week together, and the bigger ones when they come due."
WHAT = "Dinner at the little Italian place, phones away"
TONIGHT = "A walk to the lake and back"
# No apostrophe: the absence check reads the page's HTML, where one would be escaped.
PRIVATE_NOTE = "I was tired and quiet, and I hope it did not show."


def plan(page: Page, occasion: str, day, what: str, who: str, at: str = "") -> None:
    box = page.locator(f"#plan-box-{occasion}")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    box.get_by_label("Day").fill(day.isoformat())
    if at:
        box.get_by_label("Time (optional)").fill(at)
    box.get_by_label("What we'll do").fill(what)
    box.get_by_label(who, exact=True).check()
    box.get_by_role("button", name="Plan it").click()


def test_a_date_planned_kept_and_read_on_three_phones(seed, new_page, browser_log, screenshots):
    browser_log.expect_status(422)  # the night away in the past, on purpose
    counselor = seed.counselor("Dana Rivera")
    couple = seed.couple(counselor, ("Robin", "Casey"), joined=(True, True))
    robin, casey = couple.partners[1], couple.partners[2]
    today = local_today("Europe/London")
    soon = today + timedelta(days=2)
    results = []

    dana: Page = new_page(PHONE)
    sign_in(dana, counselor)
    dana.goto(f"/counselor/couples/{couple.id}")
    dana.get_by_role("link", name="Assign connection plan").click()
    dana.get_by_label("First week").fill(today.isoformat())
    dana.get_by_label("Instructions for the couple").fill(INSTRUCTIONS)
    dana.get_by_label("A trip every … months").fill("30")
    dana.get_by_role("button", name="Assign").click()
    expect(dana.locator("#trip_months-error")).to_have_text(
        "Please choose between 1 and 24 months."
    )
    expect(dana.get_by_label("Instructions for the couple")).to_have_value(INSTRUCTIONS)
    dana.get_by_label("A trip every … months").fill("6")
    dana.get_by_role("button", name="Assign").click()
    expect(dana.get_by_text("Connection plan assigned to Robin & Casey.")).to_be_visible()

    # Robin plans a date for Casey to arrange; the card is swapped in place, and the plain
    # "Planned" line at the top of This week follows.
    p1: Page = new_page(PHONE)
    sign_in(p1, robin)
    expect(p1.locator("#card-plan .instructions")).to_have_text(INSTRUCTIONS)
    expect(p1.locator("#plan-trip h4")).to_have_text("Trip · every 6 months")
    with p1.expect_response(lambda r: r.request.method == "POST") as answer:
        plan(p1, "date", soon, WHAT, "My partner", at="19:30")
    assert re.match(r'\s*<section\b[^>]*\bid="card-plan"', answer.value.text())
    expect(p1.locator("#card-plan p.card-note").first).to_have_text(
        "Planned. Casey sees it on This week too."
    )
    when = f"{soon:%a} {soon.day} {soon:%b}, 19:30"
    expect(p1.locator("#planned-line")).to_have_text(f"Planned: Date on {when}: {WHAT}")
    expect(p1.locator("#plan-date .planned")).to_contain_text("Casey (partner) arranges it")

    # Casey sees it, and who arranges it; a night away in the past is explained beside
    # its day and what was typed stays.
    p2: Page = new_page(PHONE)
    sign_in(p2, casey)
    expect(p2.locator("#planned-line")).to_have_text(f"Planned: Date on {when}: {WHAT}")
    expect(p2.locator("#plan-date .planned")).to_contain_text("You arrange it · planned by Robin")
    plan(p2, "away", today - timedelta(days=3), "The coast", "Both of us")
    away = p2.locator("#plan-box-away")
    expect(away.locator(".field-error")).to_have_text(
        "That day has passed. Please choose today or a day to come."
    )
    expect(away.get_by_label("What we'll do")).to_have_value("The coast")
    results += [axe_problems(p2, "plan-week-error", screenshots)]
    away.get_by_label("Day").fill((today + timedelta(days=21)).isoformat())
    away.get_by_role("button", name="Plan it").click()
    expect(p2.locator("#plan-away .planned")).to_contain_text("You both arrange it")

    # Tonight's walk, planned and then marked done with a note for Dana only.
    plan(p2, "date", today, TONIGHT, "Me")
    card = p2.locator("#card-plan")
    tonight = card.locator(".planned", has_text=TONIGHT)
    tonight.get_by_label("A note (optional)").fill(PRIVATE_NOTE)
    tonight.get_by_label("For my counselor only").check()
    tonight.get_by_role("button", name="Mark it done").click()
    expect(card.locator("p.card-note").first).to_have_text(
        "Marked done. Well done, you two, for making time for a date."
    )
    expect(card.locator(".moment .who-reads-line")).to_have_text("Only Dana can read this")
    p2.mouse.move(0, 0)
    screenshots.take(p2, "plan-card-phone", docs="kind-plan.png", element=card)
    problems = phone_fit_problems(p2, "plan-week")
    results += [axe_problems(p2, "plan-week", screenshots)]

    p1.reload()
    expect(p1.locator("#card-plan .moment")).to_contain_text("marked done by Casey")
    assert PRIVATE_NOTE not in p1.content()
    p1.locator("#plan-date .planned details summary", has_text="Change").click()
    results += [axe_problems(p1, "plan-week-change-open", screenshots)]

    # The counselor reads the coming date, this week's planned and kept, and the note.
    dana.goto(f"/counselor/couples/{couple.id}")
    review = dana.locator("#review-plan")
    expect(review.locator(".plan-coming")).to_contain_text(WHAT)
    expect(review.locator("table.plan-weeks tbody tr")).to_have_text(re.compile(r"\d+ \w+\s*1\s*1"))
    expect(review.locator(".plan-kept .counselor-only")).to_have_text("Counselor only")
    expect(review).to_contain_text(PRIVATE_NOTE)
    expect(review).to_contain_text("A trip every 6 months")
    problems += phone_fit_problems(dana, "plan-counselor")
    results += [axe_problems(dana, "plan-counselor-review", screenshots)]
    screenshots.take(dana, "plan-counselor-phone", element=review)

    assert problems == [], "\n".join(problems)
    report(results)


def test_planning_a_date_without_javascript(seed, new_page, browser_log):
    browser_log.expect_status(422)  # the plan without a "what", on purpose
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, True))
    seed.homework(couple, kinds=(*CORE_KINDS, "plan"))
    page: Page = new_page(PHONE, java_script_enabled=False)
    sign_in(page, couple.partners[1])
    assert page.evaluate("typeof window.htmx") == "undefined"
    day = local_today("Europe/London") + timedelta(days=1)

    plan(page, "date", day, "", "Both of us")
    box = page.locator("#plan-box-date")
    expect(box.locator(".field-error")).to_have_text("Please say in a few words what you'll do.")
    expect(box.get_by_label("Day")).to_have_value(day.isoformat())
    with page.expect_navigation() as navigation:
        plan(page, "date", day, WHAT, "Both of us")
    posted = navigation.value.request.redirected_from
    assert posted is not None and posted.method == "POST"
    assert posted.headers.get("hx-request") is None
    assert page.url.endswith("/week#card-plan")
    expect(page.get_by_text("Planned. Casey sees it on This week too.")).to_be_visible()
    expect(page.locator("#plan-date .planned")).to_contain_text("You both arrange it")
    assert phone_fit_problems(page, "plan-no-js") == []
