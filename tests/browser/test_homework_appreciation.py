"""Appreciation notes in real browsers on a 390×844 phone: the counselor assigns them, Robin
writes Casey a note "just for Casey" and one Casey and the counselor may read (swapped in
place with JavaScript, a plain post without), Casey sees "New note from Robin" and rereads
both in "Our notes", and the counselor sees how many were written but only the words
shared with them.
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

INSTRUCTIONS = "Once a week, thank each other for something small in a note."
# No apostrophes: the absence checks read the page's HTML, where one would be escaped.
JUST_CASEY = "Thank you for the coffee on my desk this morning."
WITH_DANA = "Thanks for listening on Wednesday without trying to fix it."


def write_note(page: Page, text: str, *, with_counselor: bool = False) -> None:
    card = page.locator("#card-appreciation")
    card.get_by_label("Your note").fill(text)
    if with_counselor:
        card.get_by_label("Casey and our counselor").check()
    card.get_by_role("button", name="Send the note").click()


def test_a_note_on_two_phones_and_the_counselor_counting(seed, new_page, browser_log, screenshots):
    counselor = seed.counselor("Dana Rivera")
    couple = seed.couple(counselor, ("Robin", "Casey"), joined=(True, True))
    robin, casey = couple.partners[1], couple.partners[2]
    this_week = current_week("Europe/London", 0).start
    results = []

    # 1. The counselor assigns appreciation notes on a phone, in their own words.
    dana: Page = new_page(PHONE)
    sign_in(dana, counselor)
    dana.goto(f"/counselor/couples/{couple.id}")
    dana.get_by_role("link", name="Assign appreciation notes").click()
    expect(dana.get_by_role("heading", name="Assign appreciation notes", level=1)).to_be_visible()
    dana.get_by_label("First week").fill(this_week.isoformat())
    dana.get_by_label("Instructions for the couple").fill(INSTRUCTIONS)
    dana.get_by_role("button", name="Assign").click()
    expect(dana.get_by_text("Appreciation notes assigned to Robin & Casey.")).to_be_visible()

    # 2. Robin is nudged, then writes Casey a note, just for Casey by default; the card is
    #    swapped in place.
    p1: Page = new_page(PHONE)
    sign_in(p1, robin)
    card = p1.locator("#card-appreciation")
    expect(card.locator(".instructions")).to_have_text(INSTRUCTIONS)
    expect(card.locator(".nudge")).to_have_text(
        "You haven’t written Casey a note this week — a small thank-you counts."
    )
    expect(card.get_by_label("Just for Casey")).to_be_checked()
    with p1.expect_response(lambda r: r.request.method == "POST") as answer:
        write_note(p1, JUST_CASEY)
    assert answer.value.status == 200
    assert re.match(r'\s*<section\b[^>]*\bid="card-appreciation"', answer.value.text())
    status = p1.locator("#card-appreciation p.card-note")
    expect(status).to_have_text("Sent to Casey. It's kept in your notes for you both to reread.")
    expect(status).to_be_focused()
    expect(card.locator(".nudge")).to_have_count(0)
    mine = card.locator(".moment").filter(has_text=JUST_CASEY)
    expect(mine.locator(".who-reads-line")).to_have_text("Only Casey (partner) can read this")
    write_note(p1, WITH_DANA, with_counselor=True)
    shared = card.locator(".moment").filter(has_text=WITH_DANA)
    expect(shared.locator(".who-reads-line")).to_have_text("Casey (partner) and Dana can read this")
    p1.mouse.move(0, 0)
    screenshots.take(
        p1, "notes-card-phone", docs="kind-notes.png", element=p1.locator("#card-appreciation")
    )
    problems = phone_fit_problems(p1, "notes-week")
    results += [axe_problems(p1, "notes-week", screenshots)]

    # 3. Casey sees two new notes waiting, opens them, and rereads both in "Our notes".
    p2: Page = new_page(PHONE)
    sign_in(p2, casey)
    card = p2.locator("#card-appreciation")
    expect(card.locator(".new-note-title")).to_have_text(
        ["New note from Robin", "New note from Robin"]
    )
    assert JUST_CASEY not in p2.content()  # still in its envelope
    screenshots.take(p2, "notes-new-note-phone", element=card)
    problems += phone_fit_problems(p2, "notes-new-note")
    card.get_by_role("link", name="Open Robin’s note").first.click()
    expect(p2.get_by_role("heading", name="Our notes", level=1)).to_be_visible()
    expect(p2.locator(".moment blockquote.note")).to_have_text([WITH_DANA, JUST_CASEY])
    expect(p2.locator(".moment .who-wrote").first).to_contain_text("From Robin")
    problems += phone_fit_problems(p2, "notes-collection")
    results += [axe_problems(p2, "notes-collection", screenshots)]
    screenshots.take(p2, "notes-collection-phone")
    p2.get_by_role("link", name="← This week").click()
    card = p2.locator("#card-appreciation")
    expect(card.locator(".new-note")).to_have_count(0)
    expect(card.locator("blockquote.note")).to_have_count(2)
    expect(card.get_by_role("link", name="Our notes (2)")).to_be_visible()

    # 4. The counselor sees two notes from Robin this week, and only the shared words.
    dana.goto(f"/counselor/couples/{couple.id}")
    review = dana.locator("#review-appreciation")
    expect(review.get_by_role("heading", name="Appreciation notes")).to_be_visible()
    expect(review).to_contain_text("2 notes written so far")
    expect(review.locator("table.note-counts tbody tr").first.locator("td")).to_have_text(
        ["2", "0"]
    )
    expect(review.locator(".moment")).to_have_count(1)
    expect(review.locator(".moment")).to_contain_text(WITH_DANA)
    assert JUST_CASEY not in dana.content()
    expect(dana.locator("table.grid th", has_text="Notes")).to_have_count(1)
    results += [axe_problems(dana, "notes-counselor-review", screenshots)]
    screenshots.take(dana, "notes-counselor-phone", element=review)
    problems += phone_fit_problems(dana, "notes-counselor")

    assert problems == [], "\n".join(problems)
    report(results)


def test_writing_a_note_without_javascript(seed, new_page, browser_log, screenshots):
    browser_log.expect_status(422)  # the empty note, on purpose
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, True))
    seed.homework(couple, kinds=(*CORE_KINDS, "appreciation"))
    page: Page = new_page(PHONE, java_script_enabled=False)
    sign_in(page, couple.partners[1])
    assert page.evaluate("typeof window.htmx") == "undefined"

    # Nothing written: told next to the box, the choice made is kept.
    card = page.locator("#card-appreciation")
    card.get_by_label("Casey and our counselor").check()
    card.get_by_role("button", name="Send the note").click()
    card = page.locator("#card-appreciation")
    expect(card.locator(".field-error")).to_have_text("Please write a few words of thanks.")
    expect(card.get_by_label("Casey and our counselor")).to_be_checked()

    with page.expect_navigation() as navigation:
        write_note(page, JUST_CASEY)
    posted = navigation.value.request.redirected_from
    assert posted is not None and posted.method == "POST"
    assert posted.headers.get("hx-request") is None
    assert page.url.endswith("/week#card-appreciation")
    expect(page.get_by_text("Sent to Casey.")).to_be_visible()
    expect(page.locator("#card-appreciation blockquote.note")).to_have_text(JUST_CASEY)
    assert phone_fit_problems(page, "notes-no-js") == []
