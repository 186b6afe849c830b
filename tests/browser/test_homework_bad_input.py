"""Bad homework input in a real browser, with HTMX and without JavaScript: the message sits
beside the field it is about, and every word typed is still there to fix and send again.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Response, expect

from tests.browser.conftest import (
    PHONE,
    SMALL_PHONE,
    choose_on_scale,
    field_of,
    progress,
    prompt,
    rhythm_item,
    sign_in,
)

pytestmark = pytest.mark.browser

JAVASCRIPT = pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
LONG_NOTE = " ".join(["We finally talked about the holidays, calmly, for once."] * 10)
WENT_WELL = "We walked to the market together on Saturday."
FELT_OFF = "I felt rushed on Thursday evening."


def submit(page: Page, button, javascript: bool) -> Response:
    """Click ``button``; the answer to its POST, whether HTMX sent it or the browser did."""
    if javascript:
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            button.click()
        assert answer.value.request.headers.get("hx-request") == "true"
        return answer.value
    with page.expect_navigation() as navigation:
        button.click()
    assert navigation.value.request.headers.get("hx-request") is None
    return navigation.value


@JAVASCRIPT
def test_an_overlong_rhythm_note_comes_back_beside_its_box_with_every_word(
    javascript, seed, new_page, browser_log
):
    browser_log.expect_status(422)
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, True))
    homework = seed.homework(couple)
    page = new_page(PHONE if javascript else SMALL_PHONE, java_script_enabled=javascript)
    sign_in(page, couple.partners[1])
    item_id = homework.item_ids[0]
    box = page.locator(f"#mark-{item_id}-note")
    expect(box).to_have_attribute("maxlength", "500")  # a browser of today stops at 500

    rhythm_item(page, "One real conversation").get_by_text("Add a note").click()
    box.evaluate("box => box.removeAttribute('maxlength')")  # an older one would not
    assert len(LONG_NOTE) > 500
    box.fill(LONG_NOTE)
    button = rhythm_item(page, "One real conversation").get_by_role("button", name="Mark as done")
    response = submit(page, button, javascript)

    assert response.status == 422
    field = field_of(page, f"mark-{item_id}-note")
    expect(field.locator(".field-error")).to_have_text("Please keep the note to 500 characters.")
    expect(box).to_be_visible()  # its "Add a note" is open again
    expect(box).to_have_value(LONG_NOTE)
    expect(box).to_have_attribute("aria-invalid", "true")
    assert f"mark-{item_id}-note-error" in box.get_attribute("aria-describedby").split()
    expect(page.locator("#card-rhythm p.card-note")).to_have_text("Please look at the note.")
    expect(rhythm_item(page, "One real conversation").locator(".done-by")).to_have_count(0)
    assert progress(page) == "5 things left to do this week"
    if javascript:
        expect(page.locator("#card-rhythm")).to_have_count(1)
        expect(page.locator("#card-rhythm p.card-note")).to_be_focused()

    # Shortened, it goes through.
    box.fill(LONG_NOTE[:480])
    response = submit(page, button, javascript)
    assert response.status == 200
    item = rhythm_item(page, "One real conversation")
    expect(item.locator(".done-by")).to_contain_text("Done by you")
    expect(item.locator("blockquote.note")).to_have_text(LONG_NOTE[:480].strip())
    assert progress(page) == "4 things left to do this week"


@JAVASCRIPT
def test_a_check_in_without_one_of_its_numbers_keeps_everything_else(
    javascript, seed, new_page, browser_log, screenshots
):
    browser_log.expect_status(422)
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, True))
    homework = seed.homework(couple)
    page = new_page(PHONE if javascript else SMALL_PHONE, java_script_enabled=javascript)
    sign_in(page, couple.partners[1])
    page.goto(f"/week/{homework.week}/check-in")

    choose_on_scale(page, "How connected I felt", 4)
    choose_on_scale(page, "Stress from outside the relationship", 6)
    page.get_by_label("Share my numbers with my partner").check()  # away from the default
    page.get_by_label("What went well", exact=True).fill(WENT_WELL)
    prompt(page, "What went well").get_by_label("Shared with my partner").check()
    page.get_by_label("What felt off", exact=True).fill(FELT_OFF)
    button = page.get_by_role("button", name="Save my check-in")
    response = submit(page, button, javascript)

    assert response.status == 422
    if javascript:
        assert response.request.headers.get("hx-boosted") == "true"
    heard = page.get_by_role("group", name="How heard I felt")
    expect(heard.locator(".field-error")).to_have_text("Please choose a number from 1 to 10.")
    expect(heard).to_have_attribute("aria-describedby", "heard-hint heard-error")
    expect(page.locator(".field-error")).to_have_count(1)
    expect(page.locator(".form-errors")).to_have_text("Please look at the field marked below.")
    for question, number in (("How connected I felt", "4"), ("How heard I felt", None)):
        radios = page.get_by_role("group", name=question).get_by_role("radio")
        checked = [r.get_attribute("value") for r in radios.all() if r.is_checked()]
        assert checked == ([number] if number else []), f"{question}: {checked}"
    stress = page.get_by_role("group", name="Stress from outside the relationship")
    expect(stress.get_by_role("radio", name="6", exact=True)).to_be_checked()
    expect(page.get_by_label("Share my numbers with my partner")).to_be_checked()
    expect(page.get_by_label("What went well", exact=True)).to_have_value(WENT_WELL)
    expect(prompt(page, "What went well").get_by_label("Shared with my partner")).to_be_checked()
    expect(page.get_by_label("What felt off", exact=True)).to_have_value(FELT_OFF)
    expect(prompt(page, "What felt off").get_by_label("For my counselor only")).to_be_checked()
    screenshots.take(page, f"homework-check-in-error-{'htmx' if javascript else 'no-js'}")

    choose_on_scale(page, "How heard I felt", 5)
    response = submit(page, page.get_by_role("button", name="Save my check-in"), javascript)
    # With HTMX the post's own answer is the redirect; without, the page it led to.
    assert response.status == (302 if javascript else 200)
    expect(page.get_by_text("Thank you for checking in. It's saved.")).to_be_visible()
    expect(page.locator("#card-checkin")).to_contain_text("connected 4, heard 5, outside stress 6")


def test_ticking_an_item_keeps_words_typed_but_not_yet_saved_elsewhere_on_the_card(
    seed, partner1_page: Page
):
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, True))
    seed.homework(couple)
    page = partner1_page
    sign_in(page, couple.partners[1])
    page.get_by_text("As the week ends: what helped, what didn't").click()
    page.get_by_label("What helped this week").fill("Talking on the walk home, not at home.")
    first = rhythm_item(page, "One real conversation")
    first.get_by_text("Add a note").click()
    first.get_by_label("A short note (optional)").fill("Half a note, not sent yet")

    rhythm_item(page, "One moment of affection").get_by_role("button", name="Mark as done").click()
    expect(page.locator("#card-rhythm p.card-note")).to_have_text(
        "Marked as done. Nice work, you two."
    )
    expect(page.get_by_label("What helped this week")).to_have_value(
        "Talking on the walk home, not at home.", timeout=500
    )
    expect(
        rhythm_item(page, "One real conversation").get_by_label("A short note (optional)")
    ).to_have_value("Half a note, not sent yet", timeout=500)
