"""The pause agreement in real browsers: the counselor assigns it, one partner proposes the
rule and the other accepts it on a 390×844 phone, a pause is logged with a return kept for
the counselor, and the counselor reads the weeks; the rule is proposed without JavaScript too.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from domain.weeks import current_week
from tests.browser.conftest import PHONE, phone_fit_problems, sign_in
from tests.factories import CORE_KINDS

pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
from tests.browser.test_accessibility import axe_problems, report  # noqa: E402

pytestmark = pytest.mark.browser

INSTRUCTIONS = "Agree your pause rule this week, then log each time you use it."
SENTENCE = (
    "When either of us says “pineapple”, we stop for 20 minutes. Each of us goes for a "
    "short walk. We come back to it at the kitchen table, each saying what we need first."
)
# No apostrophe: the absence check reads the page's HTML, where one would be escaped.
PRIVATE_NOTE = "I came back too soon and pretended to be calm."


def propose(page: Page) -> None:
    card = page.locator("#card-pause")
    card.get_by_label("Our word for “let's pause”").fill("pineapple")
    card.get_by_label("We stop for (minutes)").fill("20")
    card.get_by_label("Each of us…").fill("goes for a short walk")
    card.get_by_label("We come back to it…").fill(
        "at the kitchen table, each saying what we need first"
    )
    card.get_by_role("button", name="Propose our rule").click()


def test_the_rule_agreed_and_a_pause_logged_on_two_phones(seed, new_page, browser_log, screenshots):
    counselor = seed.counselor("Dana Rivera")
    couple = seed.couple(counselor, ("Robin", "Casey"), joined=(True, True))
    robin, casey = couple.partners[1], couple.partners[2]
    today = current_week("Europe/London", 0).start
    results = []

    dana: Page = new_page(PHONE)
    sign_in(dana, counselor)
    dana.goto(f"/counselor/couples/{couple.id}")
    dana.get_by_role("link", name="Assign pause agreement").click()
    dana.get_by_label("First week").fill(today.isoformat())
    dana.get_by_label("Instructions for the couple").fill(INSTRUCTIONS)
    dana.get_by_role("button", name="Assign").click()
    expect(dana.get_by_text("Pause agreement assigned to Robin & Casey.")).to_be_visible()

    # Robin proposes the wording; the card is swapped in place.
    p1: Page = new_page(PHONE)
    sign_in(p1, robin)
    expect(p1.locator("#card-pause .instructions")).to_have_text(INSTRUCTIONS)
    with p1.expect_response(lambda r: r.request.method == "POST") as answer:
        propose(p1)
    assert re.match(r'\s*<section\b[^>]*\bid="card-pause"', answer.value.text())
    expect(p1.locator("#card-pause p.card-note")).to_have_text("Sent to Casey to accept or change.")
    expect(p1.locator("#card-pause .their-words")).to_contain_text("waiting for Casey (partner)")

    # Casey accepts: the rule is on both phones.
    p2: Page = new_page(PHONE)
    sign_in(p2, casey)
    expect(p2.locator("#card-pause .their-words")).to_contain_text("Robin (partner) proposed")
    p2.locator("#card-pause").get_by_role("button", name="Accept this wording").click()
    expect(p2.locator("#card-pause p.card-note")).to_have_text(
        "Agreed. This is your rule now, on both phones."
    )
    expect(p2.locator("#pause-rule")).to_have_text(SENTENCE)
    p1.reload()
    expect(p1.locator("#pause-rule")).to_have_text(SENTENCE)

    # Casey logs a pause; how the return went is for the counselor only.
    card = p2.locator("#card-pause")
    card.get_by_text("Log a pause").click()
    card.get_by_label("The day we paused").fill(today.isoformat())
    card.get_by_label("Yes, we came back to it").check()
    card.get_by_label("2 · Rough").check()
    card.get_by_label("A note (optional)").fill(PRIVATE_NOTE)
    card.get_by_label("For my counselor only").check()
    card.get_by_role("button", name="Log this pause").click()
    expect(p2.locator("#card-pause p.card-note")).to_have_text(
        "Logged. Pausing is hard; well done, you two."
    )
    expect(p2.locator("#card-pause .moment .who-reads-line")).to_have_text(
        "Only Dana can read this"
    )
    p2.mouse.move(0, 0)
    screenshots.take(
        p2, "pause-card-phone", docs="kind-pause.png", element=p2.locator("#card-pause")
    )
    problems = phone_fit_problems(p2, "pause-week")
    results += [axe_problems(p2, "pause-week", screenshots)]

    p1.reload()
    expect(p1.locator("#card-pause .moment")).to_contain_text("Came back to it.")
    assert PRIVATE_NOTE not in p1.content() and "2 of 5" not in p1.content()
    for box in ("#rule-box", "#paused-box"):
        p1.locator(f"{box} > summary").click()
    results += [axe_problems(p1, "pause-week-forms-open", screenshots)]

    # The counselor reads the rule, the week's count and the private return, marked.
    dana.goto(f"/counselor/couples/{couple.id}")
    review = dana.locator("#review-pause")
    expect(review.locator("blockquote").first).to_have_text(SENTENCE)
    expect(review.locator("table.pause-weeks tbody tr")).to_have_text(
        re.compile(r"\d+ \w+\s*1\s*1\s*2\.0")
    )
    expect(review.locator(".moment .counselor-only")).to_have_text("Counselor only")
    expect(review).to_contain_text(PRIVATE_NOTE)
    results += [axe_problems(dana, "pause-counselor-review", screenshots)]
    screenshots.take(dana, "pause-counselor-phone", element=review)

    assert problems == [], "\n".join(problems)
    report(results)


def test_proposing_the_rule_without_javascript(seed, new_page, browser_log):
    browser_log.expect_status(422)  # the wording without a word, on purpose
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, True))
    seed.homework(couple, kinds=(*CORE_KINDS, "pause"))
    page: Page = new_page(PHONE, java_script_enabled=False)
    sign_in(page, couple.partners[1])
    assert page.evaluate("typeof window.htmx") == "undefined"

    card = page.locator("#card-pause")
    card.get_by_label("Each of us…").fill("goes for a short walk")
    card.get_by_role("button", name="Propose our rule").click()
    expect(page.locator("#card-pause .field-error").first).to_have_text(
        "Please choose a word or a short phrase."
    )
    expect(page.locator("#card-pause").get_by_label("Each of us…")).to_have_value(
        "goes for a short walk"
    )
    with page.expect_navigation() as navigation:
        propose(page)
    posted = navigation.value.request.redirected_from
    assert posted is not None and posted.method == "POST"
    assert posted.headers.get("hx-request") is None
    assert page.url.endswith("/week#card-pause")
    expect(page.get_by_text("Sent to Casey to accept or change.")).to_be_visible()
    assert phone_fit_problems(page, "pause-no-js") == []
