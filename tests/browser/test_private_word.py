"""A private word to the counselor, in the browser: a partner writes it on a phone (with
JavaScript and without), the counselor reads it on the couple page and marks it read, and
the other partner's phone shows no trace of it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import COUNSELOR_SCREEN, PHONE, phone_fit_problems, sign_in

pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
from tests.browser.test_accessibility import axe_problems, report  # noqa: E402

pytestmark = pytest.mark.browser

WORDS = "Work at the Quillfeather office has been hard and I have not said so at home"
QUIET = "Something about Marrowdale I'd rather say to you first"


def test_a_word_goes_to_the_counselor_and_nowhere_else(seed, new_page, browser_log, screenshots):
    browser_log.expect_status(422)  # the empty word, on purpose
    dana = seed.counselor()
    couple = seed.couple(dana, ("Robin", "Casey"), joined=(True, True))
    seed.homework(couple)
    results = []

    # Robin, on a phone with JavaScript: from This week to the word, an empty try, then sent.
    robin: Page = new_page(PHONE)
    sign_in(robin, couple.partners[1])
    robin.get_by_role("link", name="Write to Dana Rivera").click()
    expect(robin.get_by_role("heading", name="A word to Dana Rivera")).to_be_visible()
    expect(robin.locator("#private-word-who")).to_contain_text("Only Dana can read this.")
    robin.get_by_role("button", name="Send to Dana Rivera").click()
    expect(robin.locator(".field-error")).to_have_text("Please write a few words first.")
    results.append(axe_problems(robin, "private-word-error", screenshots))
    robin.get_by_label("What you'd like them to know").fill(WORDS)
    robin.get_by_role("button", name="Send to Dana Rivera").click()
    expect(robin.locator("#flash")).to_contain_text("Sent to Dana Rivera. Your partner won't")
    expect(robin.locator(".word-list .who-reads-line")).to_have_text("Only Dana can read this")
    expect(robin.locator(".word-list")).to_contain_text(WORDS)
    assert phone_fit_problems(robin, "private-word") == []
    results.append(axe_problems(robin, "private-word-sent", screenshots))
    screenshots.take(robin, "private-word-phone", docs="private-word.png")

    # Robin again without JavaScript: a plain post, back to the page with the word listed.
    plain: Page = new_page(PHONE, java_script_enabled=False)
    sign_in(plain, couple.partners[1])
    plain.goto("/word")
    plain.get_by_label("What you'd like them to know").fill(QUIET)
    plain.get_by_role("button", name="Send to Dana Rivera").click()
    expect(plain.locator(".word-list li").first).to_contain_text(QUIET)
    assert "/word" in plain.url

    # Casey's phone: no word, no count, no hint, on This week or on their own word page.
    casey: Page = new_page(PHONE)
    sign_in(casey, couple.partners[2])
    for path in ("/week", "/word", "/summaries", "/account/"):
        casey.goto(path)
        body = casey.locator("body").inner_text()
        assert "Quillfeather" not in body and "Marrowdale" not in body, path
        assert "What you've sent" not in body and "unread" not in body.lower(), path

    # Dana: the count on the dashboard, the words on the couple page, marked read.
    counselor: Page = new_page(COUNSELOR_SCREEN)
    sign_in(counselor, dana)
    counselor.goto("/counselor/")
    counselor.get_by_role("link", name="2 private words to read").click()
    section = counselor.locator("#private-words")
    expect(section).to_contain_text(WORDS)
    expect(section).to_contain_text("2 unread")
    results.append(axe_problems(counselor, "private-words-counselor", screenshots))
    section.locator("li", has_text=WORDS).get_by_role("button", name="Mark read").click()
    expect(counselor.locator("#private-words")).to_contain_text("1 unread")
    expect(
        counselor.locator("#private-words li", has_text=WORDS).get_by_role(
            "button", name="Mark unread"
        )
    ).to_be_visible()
    screenshots.take(counselor, "private-words-counselor", element=section)

    # Robin sees that it was read.
    robin.goto("/word")
    expect(robin.locator(".word-list")).to_contain_text("Read by Dana Rivera")
    report(results)
