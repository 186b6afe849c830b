"""The shared journal in real browsers: the counselor assigns it, each partner writes a moment
down on a 390×844 phone (swapped in place with JavaScript, a plain post without), a moment
kept for the counselor never reaches the other phone, and the counselor reads both.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from domain.weeks import current_week
from tests.browser.conftest import PHONE, phone_fit_problems, sign_in
from tests.factories import CORE_KINDS

pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
from tests.browser.test_accessibility import axe_problems, report  # noqa: E402

pytestmark = pytest.mark.browser

INSTRUCTIONS = "Each week, write down one small moment with each other that felt good."
SHARED = "We danced in the kitchen while the pasta boiled."
# No apostrophe: the absence check reads the page's HTML, where one would be escaped.
PRIVATE = "I was relieved we did not talk about my mother at dinner."
CASEY_SHARED = "Robin waited up for me after the late shift."


def write_moment(page: Page, text: str, *, day: str = "", private: bool = False) -> None:
    card = page.locator("#card-journal")
    card.get_by_label("A moment that felt meaningful").fill(text)
    if day:
        card.get_by_label("When it happened (optional)").fill(day)
    if private:
        card.get_by_label("For my counselor only").check()
    card.get_by_role("button", name="Write it down").click()


def test_the_journal_on_two_phones_with_the_counselor_reading(
    seed, new_page, browser_log, screenshots
):
    counselor = seed.counselor("Dana Rivera")
    couple = seed.couple(counselor, ("Robin", "Casey"), joined=(True, True))
    robin, casey = couple.partners[1], couple.partners[2]
    this_week = current_week("Europe/London", 0).start
    results = []

    # 1. The counselor assigns the journal on a phone, in their own words.
    dana: Page = new_page(PHONE)
    sign_in(dana, counselor)
    dana.goto(f"/counselor/couples/{couple.id}")
    dana.get_by_role("link", name="Assign shared journal").click()
    expect(dana.get_by_role("heading", name="Assign shared journal", level=1)).to_be_visible()
    dana.get_by_label("First week").fill(this_week.isoformat())
    dana.get_by_label("Instructions for the couple").fill(INSTRUCTIONS)
    dana.get_by_role("button", name="Assign").click()
    expect(dana.get_by_text("Shared journal assigned to Robin & Casey.")).to_be_visible()

    # 2. Robin writes a moment down, shared by default; the card is swapped in place.
    p1: Page = new_page(PHONE)
    sign_in(p1, robin)
    card = p1.locator("#card-journal")
    expect(card.locator(".instructions")).to_have_text(INSTRUCTIONS)
    expect(card.get_by_label("Shared with my partner")).to_be_checked()
    with p1.expect_response(lambda r: r.request.method == "POST") as answer:
        write_moment(p1, SHARED, day=(this_week).isoformat())
    assert answer.value.status == 200
    assert re.match(r'\s*<section\b[^>]*\bid="card-journal"', answer.value.text())
    note = p1.locator("#card-journal p.card-note")
    expect(note).to_have_text("Written down. Thank you for noticing it.")
    expect(note).to_be_focused()
    expect(p1.locator("#card-journal blockquote.note")).to_have_text(SHARED)
    # A second one, for the counselor only, said so on the writer's own card.
    write_moment(p1, PRIVATE, private=True)
    expect(p1.locator("#card-journal p.card-note")).to_have_text(
        "Written down, for your counselor only."
    )
    private = p1.locator("#card-journal .moment").filter(has_text=PRIVATE)
    expect(private.locator(".who-reads-line")).to_have_text("Only Dana can read this")
    expect(p1.locator("#card-journal .count")).to_have_text("2 this week")
    p1.mouse.move(0, 0)
    screenshots.take(
        p1, "journal-card-phone", docs="kind-journal.png", element=p1.locator("#card-journal")
    )
    problems = phone_fit_problems(p1, "journal-week")
    results += [axe_problems(p1, "journal-week", screenshots)]

    # 3. Casey sees Robin's shared moment, never the private one, and adds one of their own.
    p2: Page = new_page(PHONE)
    sign_in(p2, casey)
    card = p2.locator("#card-journal")
    expect(card.locator(".moment")).to_have_count(1)
    expect(card.locator(".moment .who-wrote")).to_contain_text("Robin")
    expect(card.locator("blockquote.note")).to_have_text(SHARED)
    assert PRIVATE not in p2.content()
    write_moment(p2, CASEY_SHARED, day=(this_week - timedelta(days=3)).isoformat())
    expect(p2.locator("#card-journal p.card-note")).to_have_text(
        "Written down. Thank you for noticing it."
    )
    # Looking back: newest first, by the day each happened.
    p2.locator("#card-journal").get_by_role("link", name="Look back at 2 moments").click()
    expect(p2.get_by_role("heading", name="Look back", level=1)).to_be_visible()
    quotes = p2.locator(".moment blockquote.note")
    expect(quotes).to_have_text([SHARED, CASEY_SHARED])
    assert PRIVATE not in p2.content()
    problems += phone_fit_problems(p2, "journal-look-back")
    results += [axe_problems(p2, "journal-look-back", screenshots)]
    screenshots.take(p2, "journal-look-back-phone")

    # 4. The counselor reads every moment, the private one marked, and the journal's row.
    dana.goto(f"/counselor/couples/{couple.id}")
    review = dana.locator("#review")
    expect(review.get_by_role("heading", name="Shared journal")).to_be_visible()
    expect(review.locator(".moment")).to_have_count(3)
    kept = review.locator(".moment").filter(has_text=PRIVATE)
    expect(kept.locator(".counselor-only")).to_have_text("Counselor only")
    expect(dana.locator("table.grid th", has_text="Journal")).to_have_count(1)
    results += [axe_problems(dana, "journal-counselor-review", screenshots)]
    screenshots.take(dana, "journal-counselor-phone", element=dana.locator("#review-journal"))

    assert problems == [], "\n".join(problems)
    report(results)


def test_writing_a_moment_without_javascript(seed, new_page, browser_log, screenshots):
    browser_log.expect_status(422)  # the empty moment, on purpose
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, True))
    seed.homework(couple, kinds=(*CORE_KINDS, "journal"))
    page: Page = new_page(PHONE, java_script_enabled=False)
    sign_in(page, couple.partners[1])
    assert page.evaluate("typeof window.htmx") == "undefined"

    # Nothing written: told next to the box, the day typed is kept.
    page.locator("#card-journal").get_by_label("When it happened (optional)").fill(
        current_week("Europe/London", 0).start.isoformat()
    )
    page.locator("#card-journal").get_by_role("button", name="Write it down").click()
    error = page.locator("#card-journal .field-error")
    expect(error).to_have_text("Please write a sentence about the moment.")
    expect(page.locator("#card-journal").get_by_label("When it happened (optional)")).to_have_value(
        current_week("Europe/London", 0).start.isoformat()
    )

    with page.expect_navigation() as navigation:
        write_moment(page, SHARED)
    posted = navigation.value.request.redirected_from
    assert posted is not None and posted.method == "POST"
    assert posted.headers.get("hx-request") is None
    assert page.url.endswith("/week#card-journal")
    expect(page.get_by_text("Written down. Thank you for noticing it.")).to_be_visible()
    expect(page.locator("#card-journal blockquote.note")).to_have_text(SHARED)
    assert phone_fit_problems(page, "journal-no-js") == []
