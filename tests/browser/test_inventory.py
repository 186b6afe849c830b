"""The disconnection inventory in real browsers: the counselor asks for it on a laptop, each
partner takes it on their own phone (one of them without JavaScript), what is kept for the
counselor never reaches the other phone, and the counselor reads both side by side."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from domain.weeks import current_week
from kinds.inventory.models import SIGNS
from tests.browser.conftest import PHONE, SMALL_PHONE, phone_fit_problems, sign_in
from tests.factories import CORE_KINDS

pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
from tests.browser.test_accessibility import axe_problems, report  # noqa: E402

pytestmark = pytest.mark.browser

ROBIN_NOTE = "I miss our Sunday walks, and I think money worries got in the way."


def answer_all(page: Page, rating: str, *, skip: str | None = None, **by_key) -> None:
    """Choose ``rating`` ("2 · Somewhat") for every sign, another for the keys given, and
    none for ``skip``."""
    for key, wording, _label in SIGNS:
        if key == skip:
            continue
        group = page.get_by_role("group", name=wording)
        group.get_by_text(by_key.get(key, rating), exact=True).click()


def test_the_inventory_on_two_phones_with_the_counselor_reading(
    seed, counselor_page: Page, new_page, browser_log, screenshots
):
    browser_log.expect_status(422)  # the form sent with a sign left out, on purpose
    counselor = seed.counselor("Dana Rivera")
    couple = seed.couple(counselor, ("Robin", "Casey"), joined=(True, True))
    this_week = current_week("Europe/London", 0).start
    results = []

    # 1. The counselor asks for it, every four weeks.
    page = counselor_page
    sign_in(page, counselor)
    page.goto(f"/counselor/couples/{couple.id}")
    page.get_by_role("link", name="Assign disconnection inventory").click()
    page.get_by_label("First week").fill(this_week.isoformat())
    page.get_by_label("Ask again every … weeks").fill("0")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("Please choose between 1 and 26 weeks.")).to_be_visible()
    page.get_by_label("Ask again every … weeks").fill("4")
    page.get_by_role("button", name="Assign").click()
    expect(page).to_have_url(re.compile(r"/counselor/couples/\d+(#homework)?$"))
    expect(page.get_by_text("Disconnection inventory assigned to Robin & Casey.")).to_be_visible()

    # 2. Robin takes it on a phone, with a note for the counselor only.
    robin: Page = new_page(PHONE)
    sign_in(robin, couple.partners[1])
    card = robin.locator("#card-inventory")
    expect(card).to_contain_text("Take the inventory")
    left = robin.locator("#week-progress .left-list")
    expect(
        left.get_by_role("link", name="Disconnection inventory Take the inventory")
    ).to_be_visible()
    card.get_by_role("link", name="Take the inventory").click()
    answer_all(robin, "2 · Somewhat", skip="lonely", separate="4 · Very much")
    robin.get_by_label("Anything you'd like to add").fill(ROBIN_NOTE)
    robin.get_by_role("button", name="Save my answers").click()
    # A sign left out is asked for next to it; nothing chosen or typed is lost.
    lonely = robin.get_by_role("group", name=SIGNS[6][1])
    expect(lonely.locator(".field-error")).to_have_text(
        "Please choose how true this has felt lately."
    )
    expect(robin.get_by_label("Anything you'd like to add")).to_have_value(ROBIN_NOTE)
    results.append(axe_problems(robin, "inventory-errors", screenshots))
    lonely.get_by_text("3 · Quite a bit", exact=True).click()
    robin.get_by_role("button", name="Save my answers").click()
    # With hx-boost the redirect is followed by script, which drops the anchor.
    expect(robin).to_have_url(re.compile(r"/week(#card-inventory)?$"))
    expect(robin.get_by_text("Thank you for taking a quiet look")).to_be_visible()
    expect(card.locator(".who-reads-line").first).to_have_text("Only Dana can read this")
    expect(robin.locator("#week-progress")).not_to_contain_text("Disconnection inventory")
    expect(card).to_contain_text("Next one: the week of")
    results.append(axe_problems(robin, "inventory-week", screenshots))
    screenshots.take(robin, "inventory-card", docs="kind-inventory.png", element=card, margin=8)

    # 3. Casey sees that Robin took it, nothing of what Robin kept; Casey shares theirs.
    casey: Page = new_page(PHONE)
    sign_in(casey, couple.partners[2])
    casey_card = casey.locator("#card-inventory")
    expect(casey_card).to_contain_text("Robin (partner) has taken it.")
    assert ROBIN_NOTE not in casey.content()
    assert "Separate lives" not in casey.content()
    casey_card.get_by_role("link", name="Take the inventory").click()
    answer_all(casey, "1 · A little", future="3 · Quite a bit")
    casey.get_by_label("Share my answers with my partner").check()
    casey.get_by_role("button", name="Save my answers").click()
    expect(casey_card.locator(".who-reads-line").first).to_have_text(
        "Robin (partner) and Dana can read this"
    )
    robin.reload()
    expect(card).to_contain_text("Casey (partner) shared:")
    expect(card).to_contain_text("Avoiding the future: quite a bit")

    # 4. The counselor reads both, side by side, with Robin's note marked as theirs alone.
    page.goto(f"/counselor/couples/{couple.id}")
    table = page.locator("table.inventory-side")
    expect(table).to_contain_text("Robin (partner)")
    expect(table).to_contain_text("Casey (partner)")
    expect(table.locator("tr", has_text="Separate lives")).to_contain_text("4 very much")
    expect(table.locator("tr", has_text="Avoiding the future")).to_contain_text("3 quite a bit")
    note = page.locator("p", has_text="Robin (partner)'s note")
    expect(note).to_contain_text(ROBIN_NOTE)
    expect(note.locator(".counselor-only")).to_have_text("Counselor only")
    results.append(axe_problems(page, "inventory-review", screenshots))
    screenshots.take(page, "inventory-review", element=table, margin=8)

    # 5. And on the counselor's phone: the couple page does not scroll sideways, and each
    # sign still reads with both partners' answers beside its name.
    phone: Page = new_page(SMALL_PHONE)
    sign_in(phone, counselor)
    phone.goto(f"/counselor/couples/{couple.id}")
    small = phone.locator("table.inventory-side")
    expect(small.locator("tr", has_text="Separate lives")).to_contain_text("4 very much")
    phone.wait_for_load_state("load")
    problems = phone_fit_problems(phone, "couple-page-inventory")
    screenshots.take(phone, "inventory-review-360", element=small, margin=8)
    results.append(axe_problems(phone, "inventory-review-360", screenshots))
    assert not problems, "\n".join(problems)
    report(results)


def test_taking_the_inventory_on_a_360_px_phone_without_javascript(seed, new_page, screenshots):
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, True))
    seed.homework(couple, kinds=(*CORE_KINDS, "inventory"))
    page: Page = new_page(SMALL_PHONE, java_script_enabled=False)
    sign_in(page, couple.partners[1])
    assert page.evaluate("typeof window.htmx") == "undefined"
    page.locator("#card-inventory").get_by_role("link", name="Take the inventory").click()
    expect(page.get_by_role("heading", name="How things have felt lately")).to_be_visible()
    page.wait_for_load_state("load")  # its stylesheet too, before measuring
    problems = phone_fit_problems(page, "inventory-form")
    screenshots.take(page, "inventory-form-no-js")
    answer_all(page, "0 · Not at all", resentment="2 · Somewhat")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Save my answers").click()
    posted = navigation.value.request.redirected_from
    assert posted is not None and posted.method == "POST"
    assert posted.headers.get("hx-request") is None
    assert page.url.endswith("/week#card-inventory"), page.url
    card = page.locator("#card-inventory")
    expect(card).to_contain_text("You took it on")
    problems += phone_fit_problems(page, "inventory-week")
    screenshots.take(page, "inventory-card-no-js", element=card, margin=8)
    assert not problems, problems
