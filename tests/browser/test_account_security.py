"""Account security in a real browser: two-step sign-in from setup to the second step, the
pause after too many wrong passwords, a stale page that keeps what was typed, the audit
trail, and the account page on a small phone.
"""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pyotp
import pytest
from playwright.sync_api import Page, expect

from extensions import limiter
from tests.browser.conftest import (
    COUNSELOR_SCREEN,
    PHONE,
    SMALL_PHONE,
    Person,
    choose_on_scale,
    field_of,
    phone_fit_problems,
    prompt,
    sign_in,
)
from tests.mail_helpers import links_in, path_of
from tests.smtp_server import text_part

pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
from tests.browser.test_accessibility import axe_problems, report  # noqa: E402

pytestmark = pytest.mark.browser

CODE_FAILED = "That code didn't work. Please try the newest code from your app."
SIGN_IN_FAILED = (
    "That e-mail and password don't match an account we know. Please check both and try again."
)
STALE_NOTE = "This page was open for a while, so we haven't saved it yet"
ACCOUNT_LIMIT = 5  # LOGIN_LIMIT_ACCOUNT: "5 per 15 minutes"


def password_step(page: Page, person: Person, password: str | None = None) -> None:
    """Fill in and send the sign-in form (without waiting for where it leads)."""
    page.get_by_label("E-mail").fill(person.email)
    page.get_by_label("Password").fill(password or person.password)
    page.get_by_role("button", name="Sign in").click()


def a_wrong_code(secret: str) -> str:
    """Six digits that no time step the server accepts right now (±1 step) would match."""
    totp = pyotp.TOTP(secret)
    step = int(time.time()) // totp.interval
    # Two steps either side: the clock may move on while the test runs.
    valid = {totp.generate_otp(s) for s in range(step - 2, step + 3)}
    return next(c for c in (f"{n:06d}" for n in range(0, 1_000_000, 111_111)) if c not in valid)


# --------------------------------------------------------------------------- two-step


def test_a_counselor_turns_on_two_step_sign_in_and_signs_in_with_a_code(
    seed, new_page, browser_log, screenshots
):
    browser_log.expect_status(422)  # the wrong code, on purpose
    counselor = seed.counselor("Dana Rivera")
    page: Page = new_page(COUNSELOR_SCREEN)
    results = []

    sign_in(page, counselor)
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    page.get_by_role("link", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", name="Turn on two-step sign-in")).to_be_visible()

    qr = page.locator("img.qr")
    expect(qr).to_be_visible()
    expect(qr).to_have_attribute("src", re.compile(r"^data:image/svg\+xml"))
    expect(qr).to_have_attribute("alt", re.compile(r"QR code"))
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR image didn't load"
    secret = page.locator("code.secret").inner_text().replace(" ", "").strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), f"not a base32 key: {secret!r}"
    results += [axe_problems(page, "two-step-setup", screenshots)]
    screenshots.take(page, "two-step-setup", docs="two-step-setup.png")

    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn it on").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    codes = page.locator("ul.recovery-codes li code")
    expect(codes).to_have_count(10)
    listed = codes.all_inner_texts()
    assert all(re.fullmatch(r"[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}", c) for c in listed), listed
    assert len(set(listed)) == 10
    results += [axe_problems(page, "two-step-recovery-codes", screenshots)]
    screenshots.take(page, "two-step-recovery-codes")

    # Signed out, the password alone leads to the second step, not in.
    # "Sign out" is on the Account page (the top bar keeps to one row on a phone).
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url("**/login")
    password_step(page, counselor)
    page.wait_for_url("**/login/code")
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    expect(page.get_by_role("link", name="Account")).to_have_count(0)  # not signed in yet
    code_box = page.get_by_label("Code", exact=True)
    expect(code_box).to_be_focused()
    results += [axe_problems(page, "two-step-second-step", screenshots)]
    screenshots.take(page, "two-step-second-step")

    # A wrong code: said next to the field, which keeps focus for the next try.
    code_box.fill(a_wrong_code(secret))
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Sign in").click()
    assert answer.value.status == 422
    error = field_of(page, "code").locator(".field-error")
    expect(error).to_have_text(CODE_FAILED)
    code_box = page.get_by_label("Code", exact=True)
    expect(code_box).to_have_attribute("aria-invalid", "true")
    expect(code_box).to_have_attribute("aria-describedby", re.compile(r"\bcode-error\b"))
    expect(code_box).to_be_focused()
    expect(page).to_have_url(re.compile(r"/login/code$"))
    results += [axe_problems(page, "two-step-second-step-wrong-code", screenshots)]
    screenshots.take(page, "two-step-second-step-wrong-code")

    # The right code gets in.
    code_box.fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your couples")).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_text(re.compile(r"^On since"))).to_be_visible()
    expect(page.get_by_role("link", name="Manage two-step sign-in")).to_be_visible()

    report(results)


# --------------------------------------------------------------------------- throttling


@pytest.fixture
def fresh_sign_in_counts(live_server):
    """Failed sign-ins are counted per address too, and every page here comes from
    127.0.0.1: start from nothing, and leave nothing for the other browser tests."""
    limiter.storage.reset()
    yield
    limiter.storage.reset()


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_too_many_wrong_passwords_show_the_whole_too_many_attempts_page(
    javascript, seed, new_page, browser_log, screenshots, fresh_sign_in_counts
):
    browser_log.expect_status(422)  # the wrong passwords
    browser_log.expect_status(429)  # and the pause
    counselor = seed.counselor()  # a new e-mail: only this test's tries count for it
    page: Page = new_page(PHONE, java_script_enabled=javascript)
    page.goto("/login")

    def try_password(password: str) -> int:
        with page.expect_response(
            lambda r: r.request.method == "POST" and r.url.endswith("/login")
        ) as answer:
            password_step(page, counselor, password)
        response = answer.value
        boosted = response.request.headers.get("hx-boosted") == "true"
        assert boosted is javascript, "hx-boost should send the form when JavaScript is on"
        return response.status

    for attempt in range(1, ACCOUNT_LIMIT + 1):
        assert try_password(f"wrong password {attempt}") == 422
        expect(page.locator(".form-errors")).to_have_text(SIGN_IN_FAILED)
        expect(page.get_by_label("E-mail")).to_have_value(counselor.email)

    # The sixth try: not checked at all, and the whole page says why.
    assert try_password("wrong password 6") == 429
    expect(page).to_have_title(re.compile(r"^Too many attempts"))
    expect(page.locator("main > section h1")).to_have_text("Too many attempts")
    expect(page.get_by_text(re.compile(r"Please try again in 15 minutes\."))).to_be_visible()
    # A page, not a snippet: one top bar, one main, one heading, no sign-in form left, and
    # nothing squeezed into the flash messages.
    expect(page.locator("header.topbar")).to_have_count(1)
    expect(page.locator("main")).to_have_count(1)
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("#flash")).not_to_contain_text("Too many")
    expect(page.locator("#flash")).not_to_contain_text("slow down")
    expect(page.get_by_label("Password")).to_have_count(0)
    expect(page.locator("main section[role=alert]")).to_be_visible()
    screenshots.take(page, f"too-many-attempts-{'htmx' if javascript else 'no-js'}")

    # Back to the form: even the right password waits now. The address is /login already
    # (the refused try was sent there), so wait for the form itself, not for the address.
    with page.expect_response(lambda r: r.request.method == "GET" and r.url.endswith("/login")):
        page.get_by_role("link", name="Back to sign in").click()
    expect(page.get_by_role("heading", name="Welcome back")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_editable()
    status = try_password(counselor.password)
    # Anything else: say what the page said, so a failure shows its cause.
    assert status == 429, page.locator("main").inner_text()
    expect(page.get_by_role("heading", name="Too many attempts")).to_be_visible()
    expect(page.get_by_role("link", name="Account")).to_have_count(0)


# --------------------------------------------------------------------------- stale page


def test_a_stale_check_in_page_keeps_the_answers_and_saves_the_second_time(
    seed, new_page, browser_log, screenshots
):
    browser_log.expect_status(422)  # the stale form, shown again on purpose
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, True))
    homework = seed.homework(couple)
    robin = couple.partners[1]
    page: Page = new_page(SMALL_PHONE)
    sign_in(page, robin)
    page.goto(f"/week/{homework.week}/check-in")  # the check-in's own page
    expect(page.get_by_role("heading", name="Check in", exact=True, level=1)).to_be_visible()

    went_well = "We walked to the lake on Sunday and talked the whole way."
    felt_off = "I went quiet when the rent came up again."
    choose_on_scale(page, "How connected I felt", 8)
    choose_on_scale(page, "How heard I felt", 5)
    choose_on_scale(page, "Stress from outside the relationship", 3)
    page.get_by_label("What went well", exact=True).fill(went_well)
    prompt(page, "What went well").get_by_label("Shared with my partner").check()
    page.get_by_label("What felt off", exact=True).fill(felt_off)

    def answers_are_still_there() -> None:
        expect(page.get_by_label("What went well", exact=True)).to_have_value(went_well)
        expect(page.get_by_label("What felt off", exact=True)).to_have_value(felt_off)
        for question, number in (
            ("How connected I felt", 8),
            ("How heard I felt", 5),
            ("Stress from outside the relationship", 3),
        ):
            scale = page.get_by_role("group", name=question)
            expect(scale.get_by_role("radio", name=str(number), exact=True)).to_be_checked()
        shared = prompt(page, "What went well").get_by_label("Shared with my partner")
        expect(shared).to_be_checked()
        private = prompt(page, "What felt off").get_by_label("For my counselor only")
        expect(private).to_be_checked()

    def save(expected_status: int) -> None:
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.get_by_role("button", name="Save my check-in").click()
        assert answer.value.status == expected_status

    # Meanwhile, the session behind this tab ended and Robin signed in again in another
    # tab (same browser, same cookies): a new session, so a new CSRF token.
    other = page.context.new_page()
    page.context.clear_cookies()
    sign_in(other, robin)
    expect(other.get_by_role("heading", name="This week")).to_be_visible()

    save(422)
    note = page.locator(".form-errors")
    expect(note).to_contain_text(STALE_NOTE)
    expect(note).to_be_visible()
    expect(page.get_by_role("heading", name="Check in", exact=True, level=1)).to_be_visible()
    answers_are_still_there()
    page.mouse.move(0, 0)
    screenshots.take(page, "stale-check-in-kept-360")

    # "Sign out every other device" in the other tab renews the session once more.
    other.goto("/account")
    other.get_by_role("button", name="Sign out every other device").click()
    expect(other.get_by_text("Done: every other device is signed out.")).to_be_visible()
    save(422)
    expect(page.locator(".form-errors")).to_contain_text(STALE_NOTE)
    expect(page.get_by_role("heading", name="Check in", exact=True, level=1)).to_be_visible()
    answers_are_still_there()

    # Sent again from the page as it is now: saved.
    page.get_by_role("button", name="Save my check-in").click()
    expect(page.get_by_text("Thank you for checking in. It's saved.")).to_be_visible()
    checkin = page.locator("#card-checkin")
    expect(checkin).to_contain_text("connected 8, heard 5, outside stress 3.")
    checkin.get_by_role("link", name="Change my check-in").click()
    expect(page.get_by_role("heading", name="Your check-in")).to_be_visible()
    expect(page.get_by_label("What went well", exact=True)).to_have_value(went_well)
    expect(page.get_by_label("What felt off", exact=True)).to_have_value(felt_off)
    expect(page.locator(".form-errors")).to_have_count(0)


# --------------------------------------------------------------------------- audit trail


def page_width(page: Page) -> int:
    """How wide the page scrolls, in CSS px: more than the viewport means sideways scrolling."""
    return page.evaluate("document.scrollingElement.scrollWidth")


def test_the_audit_trail_reads_well_on_a_laptop_and_a_phone(
    seed, new_page, browser_log, screenshots, smtp_inbox
):
    browser_log.expect_status(422)  # the filter with the dates the wrong way round
    counselor = seed.counselor("Dana Rivera")
    couple = seed.couple(counselor, ("Robin", "Casey"), joined=(True, True))
    robin = couple.partners[1]
    results = []

    # Robin signs in and changes the e-mail: two events with a "before → after".
    phone: Page = new_page(SMALL_PHONE)
    sign_in(phone, robin)
    phone.goto("/account")
    new_email = robin.email.replace("@", ".new@")
    phone.get_by_label("New e-mail").fill(new_email)
    phone.locator("#mail-current_password").fill(robin.password)
    phone.get_by_role("button", name="Change e-mail").click()
    expect(phone.get_by_text(f"We've sent a link to {new_email}.")).to_be_visible()
    [message] = smtp_inbox.wait_for(1)
    link = next(u for u in links_in(text_part(message)) if "/email/confirm/" in u)
    phone.goto(path_of(link))
    phone.get_by_role("button", name="Use this e-mail").click()
    expect(phone.get_by_text("Your e-mail is changed.")).to_be_visible()

    page: Page = new_page(COUNSELOR_SCREEN)
    sign_in(page, counselor)
    page.goto(f"/counselor/couples/{couple.id}")
    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    rows = page.locator("table.audit tbody tr")
    expect(rows.filter(has_text="E-mail changed")).to_have_count(1)
    expect(rows.filter(has_text="E-mail changed")).to_contain_text(new_email)
    expect(rows.filter(has_text="Signed in")).to_have_count(1)
    expect(rows.filter(has_text="Viewed")).to_have_count(1)
    results += [axe_problems(page, "audit-1280", screenshots)]
    assert page_width(page) <= 1280 + 1
    screenshots.take(page, "audit-trail-1280", docs="audit-trail.png")

    # The end before the start: said next to "To", with both dates kept.
    today = date.today()
    start, end = today.isoformat(), (today - timedelta(days=3)).isoformat()
    page.get_by_label("From").fill(start)
    page.get_by_label("To", exact=True).fill(end)
    with page.expect_response(lambda r: "/audit?" in r.url) as answer:
        page.get_by_role("button", name="Show").click()
    assert answer.value.status == 422
    expect(field_of(page, "end").locator(".field-error")).to_have_text(
        "The end date is before the start date."
    )
    expect(page.get_by_label("To", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("From")).to_have_value(start)
    expect(page.get_by_label("To", exact=True)).to_have_value(end)
    expect(page.get_by_role("heading", name="Audit trail")).to_have_count(1)
    expect(rows.filter(has_text="E-mail changed")).to_have_count(1)  # unfiltered meanwhile
    results += [axe_problems(page, "audit-filter-error-1280", screenshots)]
    screenshots.take(page, "audit-trail-filter-error-1280")

    # The same page on a 360 px phone: the table scrolls in its own box, not the page.
    page.set_viewport_size(SMALL_PHONE["viewport"])
    page.reload()
    expect(field_of(page, "end").locator(".field-error")).to_be_visible()
    results += [axe_problems(page, "audit-filter-error-360", screenshots)]
    assert page_width(page) <= 360 + 1, "the audit trail scrolls sideways at 360 px"
    # ...and its columns stay readable: body's overflow-wrap: anywhere once squeezed
    # "Details" to 32 px, a letter or two a line, making rows thousands of pixels tall.
    details = page.locator("table.audit thead th").last
    assert details.evaluate("th => th.getBoundingClientRect().width") >= 12 * 16
    tallest = rows.evaluate_all("rows => Math.max(...rows.map(r => r.offsetHeight))")
    assert tallest < 640, f"an audit row is {tallest}px tall at 360 px"
    screenshots.take(page, "audit-trail-filter-error-360")

    report(results)


# --------------------------------------------------------------------------- account page


def test_a_partners_account_page_fits_a_360_px_phone(seed, new_page, screenshots):
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, False))
    page: Page = new_page(SMALL_PHONE)
    sign_in(page, couple.partners[1])
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    expect(page.get_by_role("link", name="Download my copy")).to_be_visible()
    expect(page.get_by_role("link", name="Leave the couple")).to_be_visible()

    results = [axe_problems(page, "account-360", screenshots)]
    width = page_width(page)
    assert width <= 360 + 1, f"the account page is {width}px wide at 360 px"
    assert phone_fit_problems(page, "account-360") == []
    screenshots.take(page, "account-partner-360", docs="account-phone.png")
    report(results)
