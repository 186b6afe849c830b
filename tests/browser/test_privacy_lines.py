"""Who can read a saved answer, the second partner's first visit, and retiring a need, on
the partners' phones (360×740 and 390×844), with and without JavaScript, checked by axe.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    PHONE,
    add_need,
    choose_on_scale,
    fill_join_form,
    phone_fit_problems,
    prompt,
    rhythm_item,
    sign_in,
    unique_email,
)

pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
from tests.browser.test_accessibility import axe_problems, report  # noqa: E402

pytestmark = pytest.mark.browser

PHONE_360 = {**PHONE, "viewport": {"width": 360, "height": 740}}
SCREENS = {"360": PHONE_360, "390": PHONE}


def open_comment_and_keep_it_for_the_counselor(need: object, comment: str) -> None:
    need.get_by_text("Add a comment").click()
    need.get_by_label("A comment (optional)").fill(comment)
    need.get_by_role("group", name="Who can read this").get_by_label(
        "For my counselor only"
    ).check()


@pytest.mark.parametrize("screen", SCREENS)
def test_saved_answers_say_who_can_read_them(seed, new_page, browser_log, screenshots, screen):
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, True))
    homework = seed.homework(couple)
    page: Page = new_page(SCREENS[screen])
    sign_in(page, couple.partners[1])
    results = []

    # A need's rating, with a comment kept for Dana: saved, it reads as saved.
    need = page.locator(f"#need-{homework.need_ids[1]}")
    # With a comment typed, the tap on a word waits for Save: the comment's reader first.
    open_comment_and_keep_it_for_the_counselor(need, "Lunch messages helped a lot")
    need.get_by_text("Partly", exact=True).click()
    expect(need.get_by_role("radio", name="Partly")).to_be_checked()
    expect(need.locator(".saved-line")).to_have_count(0)
    need.get_by_role("button", name="Save").click()
    expect(need.locator(".saved-line")).to_contain_text("Saved")
    need = page.locator(f"#need-{homework.need_ids[1]}")
    expect(need.locator(".saved-rating")).to_have_text("Your word this week: Partly")
    lines = need.locator(".who-reads-line")
    expect(lines).to_have_text(
        [
            "Casey (partner) and Dana can read this",  # the need itself
            "Casey (partner) and Dana can read this",  # the rating goes with the need
            "Only Dana can read this",  # the comment kept for Dana
        ]
    )
    expect(need.get_by_role("radio")).to_have_count(0)  # no open form any more

    # A rhythm note shared, and a reflection kept for Dana.
    item = rhythm_item(page, "One real conversation")
    item.get_by_text("Add a note").click()
    item.get_by_label("A short note (optional)").fill("We talked on the sofa.")
    item.get_by_role("button", name="Mark as done").click()
    item = rhythm_item(page, "One real conversation")
    expect(item.locator(".who-reads-line")).to_have_text("Casey (partner) and Dana can read this")
    box = page.locator("details.reflection")
    if box.get_attribute("open") is None:
        box.locator("> summary").click()
    box.get_by_label("What helped this week").fill("Cooking together on Thursday")
    box.get_by_role("group", name="Who can read this").get_by_label("For my counselor only").check()
    box.get_by_role("button", name="Save my reflection").click()
    expect(page.locator("#card-rhythm p.card-note")).to_have_text(
        "Thank you. Your reflection is saved."
    )
    mine = page.locator("#card-rhythm .my-words")
    expect(mine).to_contain_text("Cooking together on Thursday")
    expect(page.locator("#card-rhythm .who-reads-line").last).to_have_text(
        "Only Dana can read this"
    )
    expect(page.get_by_label("What helped this week")).to_be_hidden()

    # The check-in: numbers for Dana by default, one answer shared.
    # On its card; the written answers open from "In your own words".
    page.locator("#card-checkin").get_by_text("In your own words").click()
    expect(page.get_by_label("Share my numbers with my partner")).not_to_be_checked()
    choose_on_scale(page, "How connected I felt", 4)
    choose_on_scale(page, "How heard I felt", 6)
    choose_on_scale(page, "Stress from outside the relationship", 7)
    prompt(page, "What went well").get_by_label("What went well").fill("The walk on Sunday")
    prompt(page, "What went well").get_by_label("Shared with my partner").check()
    page.get_by_role("button", name="Save my check-in").click()
    checkin = page.locator("#card-checkin")
    expect(checkin.locator(".who-reads-line")).to_have_text(
        ["Only Dana can read this", "Casey (partner) and Dana can read this"]
    )
    expect(checkin.get_by_role("link", name="Change my check-in")).to_be_visible()

    problems = phone_fit_problems(page, f"saved-{screen}")
    results.append(axe_problems(page, f"saved-answers-{screen}", screenshots))
    shot = page.locator("#card-needs")
    shot.scroll_into_view_if_needed()
    screenshots.take(page, f"saved-needs-{screen}", element=shot)
    screenshots.take(page, f"saved-rhythm-{screen}", element=page.locator("#card-rhythm"))
    screenshots.take(
        page,
        f"saved-checkin-{screen}",
        element=checkin,
        docs="saved-answer-privacy-lines.png" if screen == "390" else None,
    )

    # "Change" opens the form in place, with what was saved.
    need = page.locator(f"#need-{homework.need_ids[1]}")
    need.get_by_text("Change my rating").click()
    expect(need.get_by_role("radio", name="Partly")).to_be_checked()
    need.get_by_text("Met", exact=True).click()
    need.get_by_role("button", name="Save the change").click()
    need = page.locator(f"#need-{homework.need_ids[1]}")
    expect(need.locator(".saved-rating")).to_have_text("Your word this week: Met")
    expect(need.get_by_role("button", name="Save the change")).to_be_hidden()
    results.append(axe_problems(page, f"saved-answers-changed-{screen}", screenshots))

    # Casey reads what Robin shared, never what Robin kept for Dana.
    casey: Page = new_page(SCREENS[screen])
    sign_in(casey, couple.partners[2])
    body = casey.locator("main").inner_text()
    assert "Lunch messages" not in body and "Cooking together" not in body
    assert "We talked on the sofa." in body and "The walk on Sunday" in body
    # Casey wrote nothing private: no "who can read this" line says otherwise. (The card for a
    # private word to Dana says "Only Dana Rivera will read it" of what Casey might write.)
    lines = casey.locator(".who-reads-line").all_inner_texts()
    assert not any("Only Dana" in line for line in lines), lines
    assert not problems, "\n".join(problems)
    report(results)


@pytest.mark.parametrize("screen", SCREENS)
def test_the_second_partner_is_welcomed_and_kept_signed_in(
    seed, new_page, browser_log, screenshots, screen
):
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, False))
    homework = seed.homework(couple)
    robin: Page = new_page(SCREENS[screen])
    sign_in(robin, couple.partners[1])
    # Before Casey joins, a mark is simply noted: there aren't two of them yet.
    rhythm_item(robin, "One real conversation").get_by_role("button", name="Mark as done").click()
    expect(robin.locator("#card-rhythm p.card-note")).to_have_text("Marked as done.")
    need = robin.locator(f"#need-{homework.need_ids[1]}")
    need.get_by_text("Partly", exact=True).click()  # saved on the tap
    expect(need.locator(".saved-line")).to_contain_text("Saved")
    expect(need.locator(".who-reads-line").first).to_have_text(
        "Dana can read this, and Casey once they join Hearth"
    )

    casey: Page = new_page(SCREENS[screen])
    casey.goto(couple.links[2])
    fill_join_form(casey, "Casey", unique_email("casey"))
    keep = casey.get_by_label("Keep me signed in on this phone")
    expect(keep).not_to_be_checked()
    keep.check()
    casey.get_by_role("button", name="Join").click()
    casey.wait_for_url("**/week")
    remember = [c for c in casey.context.cookies() if c["name"] == "hearth-remember"]
    assert remember and remember[0]["expires"] > 0, "the remember cookie should last"

    welcome = casey.locator("#welcome")
    expect(welcome.get_by_role("heading")).to_have_text("Welcome, Casey. We're glad you're here.")
    expect(welcome).to_contain_text("Robin (partner) got here a little earlier")
    expect(welcome).to_contain_text("A need of partner 1")
    expect(welcome).to_contain_text("They'd love to try: A step for partner 2; Another small step")
    asked = casey.locator(f"#asked-{homework.need_ids[1]}")
    expect(asked).to_contain_text(
        "How this felt for Robin (partner) this week: Partly before you joined"
    )
    problems = phone_fit_problems(casey, f"welcome-{screen}")
    results = [axe_problems(casey, f"welcome-{screen}", screenshots)]
    screenshots.take(casey, f"welcome-{screen}", element=welcome, margin=8)
    screenshots.take(casey, f"before-you-joined-{screen}", element=asked, margin=8)

    welcome.get_by_role("button", name="Thanks, let's begin").click()
    expect(casey.locator("#welcome")).to_have_count(0)
    casey.reload()
    expect(casey.locator("#welcome")).to_have_count(0)
    assert not problems, "\n".join(problems)
    report(results)


@pytest.mark.parametrize("screen", SCREENS)
def test_retiring_a_need_is_asked_once_and_can_be_undone(
    seed, new_page, browser_log, screenshots, screen
):
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, True))
    seed.homework(couple)
    page: Page = new_page(SCREENS[screen])
    sign_in(page, couple.partners[1])
    page.goto("/needs/")
    add_need(page, "Room to talk about my dad", ["Ask me about him on Sundays"], private=True)
    card = page.locator(".need-card").filter(has_text="Room to talk about my dad")
    expect(card.locator(".steps-for")).to_have_text("Steps to work on with Dana:")
    expect(card.locator(".who-reads-line")).to_have_text("Only Dana can read this")

    card.get_by_text("We're good on this now").click()
    confirm = card.locator(".confirm-box")
    expect(confirm).to_contain_text("Retire this need? It leaves your weekly list")
    expect(confirm.get_by_role("button", name="Yes, retire it")).to_be_visible()
    problems = phone_fit_problems(page, f"retire-confirm-{screen}")
    results = [axe_problems(page, f"retire-confirm-{screen}", screenshots)]
    screenshots.take(page, f"retire-confirm-{screen}", element=card, margin=8)
    confirm.get_by_role("button", name="Yes, retire it").click()
    expect(
        page.get_by_text("“Room to talk about my dad” is retired. It stays in your history.")
    ).to_be_visible()
    expect(page.get_by_text("Well done")).to_have_count(0)
    retired = page.locator(".need-card.retired").filter(has_text="Room to talk about my dad")
    expect(retired).to_be_visible()
    results.append(axe_problems(page, f"retired-{screen}", screenshots))

    retired.get_by_role("button", name="Bring it back").click()
    expect(page.get_by_text("“Room to talk about my dad” is back on your list.")).to_be_visible()
    expect(page.locator(".need-card.retired")).to_have_count(0)
    assert not problems, "\n".join(problems)
    report(results)


def test_change_and_retire_work_without_javascript(seed, new_page, browser_log, screenshots):
    """The <details> that hold "Change" and the retire question open without a script, and
    their buttons are plain form posts."""
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, True))
    homework = seed.homework(couple)
    page: Page = new_page(PHONE_360, java_script_enabled=False)
    sign_in(page, couple.partners[1])
    assert page.evaluate("typeof window.htmx") == "undefined"

    need = page.locator(f"#need-{homework.need_ids[1]}")
    need.get_by_text("Not yet", exact=True).click()
    with page.expect_navigation():
        need.get_by_role("button", name="Save").click()
    need = page.locator(f"#need-{homework.need_ids[1]}")
    expect(need.locator(".saved-rating")).to_have_text("Your word this week: Not yet")
    need.get_by_text("Change my rating").click()  # a <details>: opens without a script
    need.get_by_text("Partly", exact=True).click()
    with page.expect_navigation():
        need.get_by_role("button", name="Save the change").click()
    need = page.locator(f"#need-{homework.need_ids[1]}")
    expect(need.locator(".saved-rating")).to_have_text("Your word this week: Partly")
    # axe needs a script of its own, so it reads these same pages in the runs above.
    problems = phone_fit_problems(page, "no-js-saved")

    page.goto("/needs/")
    card = page.locator(f"#need-{homework.need_ids[1]}")
    card.get_by_text("We're good on this now").click()
    problems += phone_fit_problems(page, "no-js-retire-confirm")
    with page.expect_navigation():
        card.get_by_role("button", name="Yes, retire it").click()
    expect(
        page.get_by_text("“A need of partner 1” is retired. It stays in your history.")
    ).to_be_visible()
    assert re.search(r"/needs/#retired-needs$", page.url), page.url
    with page.expect_navigation():
        page.locator(f"#need-{homework.need_ids[1]}").get_by_role(
            "button", name="Bring it back"
        ).click()
    expect(page.get_by_text("“A need of partner 1” is back on your list.")).to_be_visible()
    screenshots.take(page, "no-js-brought-back")
    assert not problems, "\n".join(problems)
