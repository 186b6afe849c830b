"""What "for my counselor only" means, in real browsers: the counselor sets a policy, a
partner joins under it on a 360×740 phone, reads it again when it changes, sees its line
beside every counselor-only choice, and the counselor sees which policy each answer was
written under.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    PASSWORD,
    PHONE,
    choose_on_scale,
    field_of,
    fill_join_form,
    phone_fit_problems,
    prompt,
    rhythm_item,
    sign_in,
    unique_email,
)

pytestmark = pytest.mark.browser

PHONE_360 = {**PHONE, "viewport": {"width": 360, "height": 740}}
NO_SECRETS_LINE = "Dana may bring this into a joint session, or ask you to."
LIMITED_LINE = "Dana keeps this between you two, except if someone may be hurt"
SAFETY = "Not safe at home? Call 112, or the helpline 0800 123 456, day or night."
CONFIRM_LABEL = "I've read how Dana keeps what I write for my counselor only"


def set_policy(page: Page, approach: str) -> None:
    """The counselor chooses an approach in their settings, with their local numbers."""
    page.goto("/counselor/settings")
    page.get_by_role("link", name="Your confidentiality policy").click()
    expect(page.get_by_role("heading", name="What partners write for you alone")).to_be_visible()
    page.get_by_label(re.compile(f"^{approach}")).check()
    page.get_by_label("If a partner is not safe at home").fill(SAFETY)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(re.compile(r"Saved as version \d+\."))).to_be_visible()


def confirm_policy(page: Page, line: str, *, changed: bool) -> None:
    expect(page).to_have_url(re.compile(r"/confidentiality/confirm"))
    heading = "Something has changed" if changed else "How Dana keeps what you share"
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    expect(page.locator(".policy-text")).to_contain_text(line)
    expect(page.locator(".policy-text")).to_contain_text(SAFETY)
    page.get_by_role("button", name="Go on").click()  # without ticking: told why
    expect(page.get_by_text("Please tick the box once you've read it.")).to_be_visible()
    page.get_by_label(CONFIRM_LABEL).check()
    page.get_by_role("button", name="Go on").click()
    expect(page).to_have_url(re.compile(r"/week$"))
    expect(page.get_by_role("heading", name="This week")).to_be_visible()


JOIN_LABEL = "I've read how Dana keeps what I write for Dana alone"


def join_confirming_policy(page: Page, name: str, line: str, screenshots=None) -> None:
    """Join on the invitation page, reading the policy there: first without the box
    ticked (told why, beside it, with the whole policy opened), then with it."""
    expect(page.locator(".policy-summary")).to_contain_text(line)
    fill_join_form(page, name, unique_email(name.lower()))
    page.get_by_label(JOIN_LABEL).uncheck()
    page.get_by_role("button", name="Join").click()
    box = field_of(page, "read_policy")
    expect(box.locator(".field-error")).to_have_text(
        "Please read how Dana keeps it, then tick the box."
    )
    expect(page.locator(".policy-summary .policy-text")).to_be_visible()  # "Read it all" open
    expect(page.locator(".policy-summary .policy-text")).to_contain_text(SAFETY)
    expect(page.get_by_label("Your name")).to_have_value(name)
    if screenshots is not None:
        screenshots.take(page, "join-policy-box-error-360")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type it once more").fill(PASSWORD)
    page.get_by_label(JOIN_LABEL).check()
    page.get_by_role("button", name="Join").click()
    expect(page).to_have_url(re.compile(r"/week$"))  # no second page to confirm it
    expect(page.get_by_role("heading", name="This week")).to_be_visible()


def assert_every_line_says(page: Page, line: str) -> int:
    """Every counselor-only choice on the page carries the policy's line; returns how many."""
    fieldsets = page.locator("fieldset.visibility")
    count = fieldsets.count()
    assert count > 0, page.url
    for i in range(count):
        expect(fieldsets.nth(i).locator(".policy-line")).to_contain_text(line)
        link = fieldsets.nth(i).locator("a", has_text="How Dana keeps it")
        expect(link).to_have_attribute("href", "/confidentiality")
    return count


def assert_line_fits_with_its_form(page: Page, fieldset, button) -> None:
    """At 360×740 the line is readable and leaves the choice and its button on screen."""
    fieldset.scroll_into_view_if_needed()
    line = fieldset.locator(".policy-line")
    size = line.evaluate(
        "el => ({h: el.getBoundingClientRect().height,"
        " font: parseFloat(getComputedStyle(el).fontSize)})"
    )
    assert size["font"] >= 14, size  # readable on a phone
    assert size["h"] <= 90, size  # three short lines at most, not a wall of text
    top = fieldset.evaluate("el => el.getBoundingClientRect().top")
    bottom = button.evaluate("el => el.getBoundingClientRect().bottom")
    assert bottom - top <= 740, (top, bottom)  # the choice, its line and the button fit


def write_check_in(page: Page, week: str, words: str) -> None:
    page.goto(f"/week/{week}/check-in")
    expect(page.get_by_role("heading", name="Check in", level=1)).to_be_visible()
    choose_on_scale(page, "How connected I felt", 6)
    choose_on_scale(page, "How heard I felt", 6)
    choose_on_scale(page, "Stress from outside the relationship", 4)
    page.get_by_label("What felt off", exact=True).fill(words)
    expect(prompt(page, "What felt off").get_by_label("For my counselor only")).to_be_checked()
    page.get_by_role("button", name="Save my check-in").click()
    page.wait_for_url("**/week*")


def test_partners_join_and_write_under_the_policy_in_force(
    seed, counselor_page: Page, new_page, screenshots, browser_log
):
    browser_log.expect_status(422)  # joining and confirming once without the box ticked
    counselor = seed.counselor("Dana Rivera")
    couple = seed.couple(counselor, ("Robin", "Casey"))
    hw = seed.homework(couple)
    week = hw.week.isoformat()
    dana = counselor_page
    sign_in(dana, counselor)
    set_policy(dana, "No secrets")

    # Robin joins on a small phone, reading and confirming the policy on the join page.
    robin = new_page(PHONE_360)
    robin.goto(couple.links[1])
    screenshots.take(robin, "join-policy-360")
    join_confirming_policy(robin, "Robin", NO_SECRETS_LINE, screenshots)
    screenshots.take(robin, "policy-week-no-secrets")

    # The line beside every counselor-only choice: rhythm notes, the reflection, needs.
    notes = robin.locator("details.add-note")
    for i in range(notes.count()):
        notes.nth(i).locator("summary").click()
    robin.locator("details.reflection summary").click()
    assert assert_every_line_says(robin, NO_SECRETS_LINE) >= 5
    item = rhythm_item(robin, robin.locator("#card-rhythm .item-text").first.inner_text())
    assert_line_fits_with_its_form(
        robin, item.locator("fieldset.visibility"), item.get_by_role("button", name="Mark as done")
    )
    assert not phone_fit_problems(robin, "360×740")

    # The check-in: three lines, one safety line, and the form still fits.
    robin.goto(f"/week/{week}/check-in")
    assert assert_every_line_says(robin, NO_SECRETS_LINE) == 3
    expect(robin.locator(".safety-line")).to_have_count(1)
    expect(robin.locator(".safety-line")).to_have_text(SAFETY)
    felt_off = prompt(robin, "What felt off")
    assert_line_fits_with_its_form(
        robin, felt_off.locator("fieldset.visibility"), felt_off.get_by_label("What felt off")
    )
    assert not phone_fit_problems(robin, "360×740")
    support = prompt(robin, "How we can support each other")  # the one with the safety line
    support.scroll_into_view_if_needed()
    screenshots.take(robin, "policy-line-phone", docs="policy-line-phone.png", element=support)
    write_check_in(robin, week, "ROBIN-UNDER-NO-SECRETS I feel unheard at dinner")

    # The counselor changes the policy: Robin reads it once on the next visit.
    set_policy(dana, "Limited secrets")
    robin.goto("/week")
    confirm_policy(robin, LIMITED_LINE, changed=True)
    robin.goto("/week")
    expect(robin).to_have_url(re.compile(r"/week$"))  # once: not asked again
    robin.locator("details.add-note").first.locator("summary").click()
    assert_every_line_says(robin, LIMITED_LINE)
    robin.goto(f"/week/{week}/check-in")
    assert assert_every_line_says(robin, LIMITED_LINE) == 3
    screenshots.take(robin, "policy-check-in-limited")
    robin.goto("/needs/new")
    assert_every_line_says(robin, LIMITED_LINE)
    robin.get_by_role("link", name="How Dana keeps it").click()
    expect(robin.locator(".policy-text")).to_contain_text("will not bring it into a joint session")

    # Casey joins under the changed policy and writes under it.
    casey = new_page(PHONE_360)
    casey.goto(couple.links[2])
    join_confirming_policy(casey, "Casey", LIMITED_LINE)
    write_check_in(casey, week, "CASEY-UNDER-LIMITED I worry about money")

    # The counselor sees each counselor-only answer with the policy it was written under.
    dana.goto(f"/counselor/couples/{couple.id}")
    robin_card = dana.locator(".card").filter(has_text="ROBIN-UNDER-NO-SECRETS")
    casey_card = dana.locator(".card").filter(has_text="CASEY-UNDER-LIMITED")
    expect(robin_card.locator(".policy-in-force")).to_contain_text(
        "written under No secrets, version 1"
    )
    expect(casey_card.locator(".policy-in-force")).to_contain_text(
        "written under Limited secrets, version 2"
    )
    screenshots.take(dana, "policy-counselor-review", element=robin_card)
    robin_card.get_by_role("link", name="No secrets, version 1").click()
    expect(dana.get_by_role("heading", name="No secrets, version 1")).to_be_visible()
    expect(dana.locator(".policy-text")).to_contain_text(NO_SECRETS_LINE)


def test_a_changed_policy_is_read_and_confirmed_without_javascript(
    seed, counselor_page: Page, new_page, browser_log
):
    browser_log.expect_status(422)  # the counselor's own wording, sent once without a line
    counselor = seed.counselor("Dana Rivera")
    couple = seed.couple(counselor, ("Robin", "Casey"), joined=(True, True))
    seed.homework(couple)
    dana = new_page(java_script_enabled=False)
    sign_in(dana, counselor)
    dana.goto("/counselor/settings/confidentiality")
    dana.get_by_label("In my own words").check()
    dana.get_by_label("The whole policy, as partners read it").fill(
        "I hold what you tell me alone, and we decide together what comes into a session."
    )
    dana.get_by_role("button", name="Save").click()
    line_field = dana.locator(".field").filter(has=dana.locator("#line"))
    expect(line_field.locator(".field-error")).to_have_text(
        "This is Hearth's line for another choice; please write your own."
    )
    expect(dana.get_by_label("The whole policy, as partners read it")).to_have_value(
        re.compile("we decide together")
    )
    dana.get_by_label("The line partners see beside “for my counselor only”").fill(
        "Dana and you decide together what comes into a session."
    )
    dana.get_by_role("button", name="Save").click()
    expect(dana.get_by_text("Saved as version 1.")).to_be_visible()

    robin = new_page(PHONE_360, java_script_enabled=False)
    sign_in(robin, couple.partners[1])
    expect(robin).to_have_url(re.compile(r"/confidentiality/confirm\?next=/week$"))
    robin.get_by_label(CONFIRM_LABEL).check()
    robin.get_by_role("button", name="Go on").click()
    expect(robin).to_have_url(re.compile(r"/week$"))
    robin.locator("details.add-note").first.locator("summary").click()
    assert_every_line_says(robin, "Dana and you decide together what comes into a session.")
    assert not phone_fit_problems(robin, "360×740 without JavaScript")
