"""Hearth on a phone, at 360×740 and 390×844: a one-row top bar, what is left this week
at the top with a jump to each card, instructions that fold once started, landing on the
card after an action (with and without JavaScript), the couple's copy of a summary as a
page, and a manifest to add Hearth to the home screen. axe finds nothing serious.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    COUNSELOR_SCREEN,
    PHONE,
    choose_on_scale,
    rhythm_item,
    sign_in,
)
from tests.browser.test_summaries import (
    FOCUS,
    NEVER_FOR_THE_COUPLE,
    P1_SHARED,
    check_summary_pdf,
    no_sideways_scroll,
    seed_couple_with_history,
    seed_session,
)

pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
from tests.browser.test_accessibility import axe_problems, report  # noqa: E402

pytestmark = pytest.mark.browser

SCREENS = {
    "360": {**PHONE, "viewport": {"width": 360, "height": 740}},
    "390": PHONE,
}


def in_view(page: Page, locator) -> bool:
    """Is the element's top inside the visible part of the screen right now?"""
    box = locator.bounding_box()  # relative to the viewport
    # A jump to an anchor can leave the top a fraction of a pixel above the edge.
    return box is not None and -1 < box["y"] < page.viewport_size["height"]


def assert_top_bar_is_one_row(page: Page) -> None:
    """The bar is as tall as one tap target (plus its padding), every link on one line."""
    bar = page.locator("header.topbar").bounding_box()
    assert bar["height"] <= 56, f"top bar is {bar['height']}px tall"
    tops = {round(link.bounding_box()["y"]) for link in page.locator("header.topbar a").all()}
    assert len(tops) == 1, f"top bar links sit on {len(tops)} rows"
    no_sideways_scroll(page)


@pytest.mark.parametrize("screen", SCREENS)
def test_this_week_fits_a_phone_and_each_action_lands_on_its_card(
    seed, new_page, screenshots, screen
):
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, True))
    seed.homework(couple)
    page: Page = new_page(SCREENS[screen])
    sign_in(page, couple.partners[1])
    page.goto("/week")
    assert_top_bar_is_one_row(page)
    expect(page.get_by_role("navigation", name="Main")).not_to_contain_text("Sign out")

    # What is left, near the top of the first screen, with a jump to each card.
    left = page.get_by_role("navigation", name="Left this week")
    expect(page.locator("#week-progress > p")).to_have_text("5 things left to do this week")
    expect(left.get_by_role("link")).to_have_count(3)
    assert in_view(page, left.get_by_role("link").last)
    screenshots.take(page, f"phone-week-{screen}")

    # The first visit: every card's instructions in full.
    checkin = page.locator("#card-checkin")
    expect(checkin.locator("details.instructions")).to_have_attribute("open", "")
    left.get_by_role("link", name=re.compile("Weekly check-in")).click()
    expect(page).to_have_url(re.compile(r"#card-checkin$"))
    assert in_view(page, checkin)

    # Marking a moment done: the card says so where the person is, and the list follows.
    left.get_by_role("link", name=re.compile("Weekly rhythm")).click()
    rhythm_item(page, "One real conversation").get_by_role("button", name="Mark as done").click()
    note = page.locator("#card-rhythm p.card-note")
    expect(note).to_have_text("Marked as done. Nice work, you two.")
    expect(note).to_be_focused()
    assert in_view(page, note)
    expect(page.locator("#flash")).to_have_text("")
    expect(page.locator("#week-progress > p")).to_have_text("4 things left to do this week")
    expect(left.get_by_role("link", name=re.compile("Weekly rhythm"))).to_contain_text(
        "2 still to do together"
    )
    expect(page.locator("#card-rhythm .card-head .count")).to_have_text("2 left")
    # Started: the rhythm's instructions fold to one line, a tap opens them again.
    instructions = page.locator("#card-rhythm details.instructions")
    expect(instructions).not_to_have_attribute("open", "")
    box = instructions.locator("summary").bounding_box()
    assert box["height"] <= 48, f"folded instructions are {box['height']}px tall"
    screenshots.take(page, f"phone-week-folded-{screen}", element=page.locator("#card-rhythm"))
    instructions.locator("summary").click()
    expect(instructions).to_have_attribute("open", "")
    screenshots.take(page, f"phone-week-after-mark-{screen}", element=page.locator("#card-rhythm"))

    report([axe_problems(page, f"phone-week-{screen}", screenshots)])


def test_without_javascript_an_action_lands_on_its_card(seed, new_page, screenshots):
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, True))
    homework = seed.homework(couple)
    page: Page = new_page(SCREENS["360"], java_script_enabled=False)
    sign_in(page, couple.partners[1])
    page.goto("/week")
    assert page.evaluate("typeof window.htmx") == "undefined"
    assert_top_bar_is_one_row(page)

    rhythm_item(page, "One shared activity").get_by_role("button", name="Mark as done").click()
    expect(page).to_have_url(re.compile(r"/week#card-rhythm$"))
    note = page.locator("#card-rhythm p.card-note")
    expect(note).to_have_text("Marked as done. Nice work, you two.")
    assert in_view(page, note), "the confirmation is off-screen"
    expect(page.locator("#flash")).to_have_text("")  # said once, in the card
    screenshots.take(page, "phone-no-js-landed-on-rhythm-360")
    # What the person sees on landing: the screen, not the whole page.
    page.screenshot(path=screenshots.folder / "phone-no-js-landed-on-rhythm-360-screen.png")

    # The check-in is a page of its own; saving it comes back to its card.
    page.goto(f"/week/{homework.week}/check-in")
    choose_on_scale(page, "How connected I felt", 6)
    choose_on_scale(page, "How heard I felt", 7)
    choose_on_scale(page, "Stress from outside the relationship", 4)
    page.get_by_role("button", name="Save my check-in").click()
    expect(page).to_have_url(re.compile(r"/week#card-checkin$"))
    note = page.locator("#card-checkin p.card-note")
    expect(note).to_have_text("Thank you for checking in. It's saved.")
    assert in_view(page, note), "the confirmation is off-screen"
    expect(page.locator("#card-checkin .card-head .count")).to_contain_text("Done")
    screenshots.take(page, "phone-no-js-landed-on-check-in-360")


@pytest.mark.parametrize(("screen", "js"), [("360", True), ("390", True), ("360", False)])
def test_a_partner_reads_the_summary_on_a_phone(
    seed, live_server, new_page, screenshots, screen, js
):
    _counselor, couple = seed_couple_with_history(seed, live_server)
    session_id = seed_session(live_server, couple, released=True)
    page: Page = new_page(SCREENS[screen], java_script_enabled=js)
    sign_in(page, couple.partners[2])
    page.goto("/week")
    expect(page.locator(".new-dot")).to_be_visible()
    assert_top_bar_is_one_row(page)  # with the "new" dot on Summaries too
    news = page.locator("#new-summary")
    news.get_by_role("link", name="Read the summary").click()
    expect(page).to_have_url(re.compile(rf"/summaries/{session_id}$"))
    expect(page.get_by_role("heading", name="Session 1", level=1)).to_be_visible()
    summary = page.locator(".summary-page")
    expect(summary).to_contain_text(FOCUS)
    expect(summary).to_contain_text(P1_SHARED)
    text = summary.inner_text()
    for secret in NEVER_FOR_THE_COUPLE:
        assert secret not in text, f"{secret!r} is on the couple's page"
    assert "Private clinical notes" not in text
    expect(page.locator(".new-dot")).to_have_count(0)  # read: not new any more
    no_sideways_scroll(page)
    assert_top_bar_is_one_row(page)
    docs = "summary-on-phone.png" if screen == "390" else None
    name = f"phone-summary-{screen}{'' if js else '-no-js'}"
    screenshots.take(page, name, docs=docs)
    # axe runs as a script: on the pages with JavaScript.
    findings = [axe_problems(page, name, screenshots)] if js else []

    # Read is seen: no longer "New" on the week.
    page.goto("/week")
    expect(page.locator("#new-summary")).to_have_count(0)

    # Saving a PDF copy is the second choice on the page, a real download.
    page.goto(f"/summaries/{session_id}")
    save = page.get_by_role("link", name="Save a PDF copy")
    expect(save).to_have_attribute("hx-boost", "false")
    with page.expect_download() as event:
        save.click()
    check_summary_pdf(event.value, screenshots.folder / f"{name}.pdf")
    report(findings)


def test_sign_out_lives_on_the_account_page_for_everyone(seed, new_page):
    counselor = seed.counselor()
    couple = seed.couple(counselor, ("Robin", "Casey"), joined=(True, False))
    for person, screen in ((counselor, COUNSELOR_SCREEN), (couple.partners[1], SCREENS["360"])):
        page: Page = new_page(screen)
        sign_in(page, person)
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
        page.get_by_role("button", name="Sign out", exact=True).click()
        expect(page).to_have_url(re.compile(r"/login"))
        page.goto("/account/")
        expect(page).to_have_url(re.compile(r"/login"))  # signed out for real


def test_hearth_can_be_added_to_the_home_screen(seed, new_page):
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, False))
    page: Page = new_page(SCREENS["390"])
    sign_in(page, couple.partners[1])
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    # The browser reads the manifest as the page would (the CSP allows it, same origin).
    manifest = page.evaluate(
        "async href => (await fetch(href)).json()",
        href,
    )
    assert manifest["start_url"] == "/week" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        answer = page.request.get(icon["src"])
        assert answer.status == 200 and answer.headers["content-type"] == "image/png"
    expect(page.locator('meta[name="theme-color"]')).to_have_attribute("content", "#ffffff")
    # No service worker: nothing of this private page is kept for offline use.
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
