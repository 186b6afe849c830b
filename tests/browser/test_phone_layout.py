"""At 360 px wide nothing scrolls sideways, and the buttons are big enough for a thumb."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SMALL_PHONE, sign_in

pytestmark = pytest.mark.browser

TAP = 44  # CSS px, the smallest comfortable target for a thumb

# What a person on a phone cannot use: sideways scrolling, and what sticks out to cause it;
# primary buttons smaller than a thumb; form controls and menu items too short to hit.
LAYOUT_PROBLEMS = """
(tap) => {
  const doc = document.documentElement;
  const width = doc.clientWidth;
  const problems = [];
  const box = (el) => el.getBoundingClientRect();
  const visible = (el) => box(el).width > 0 && box(el).height > 0;
  const describe = (el) => {
    const classes = typeof el.className === "string" ? el.className.trim().split(/\\s+/) : [];
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "");
    const text = (el.textContent || el.name || "").trim().slice(0, 30);
    return [name, ...classes.filter(Boolean)].join(".") + (text ? ` "${text}"` : "");
  };
  if (doc.scrollWidth > width) {
    const wide = [...document.body.querySelectorAll("*")]
      .filter((el) => visible(el) && box(el).right > width + 0.5)
      .map((el) => `${describe(el)} (right edge ${Math.round(box(el).right)}px)`);
    problems.push(`scrolls sideways: ${doc.scrollWidth}px of content in ${width}px; ` +
      `sticking out: ${wide.slice(0, 5).join(", ")}`);
  }
  for (const el of document.querySelectorAll(".button.primary")) {
    const r = box(el);
    if (visible(el) && (r.width < tap || r.height < tap))
      problems.push(`${describe(el)} is ${r.width}×${r.height}px`);
  }
  // A checkbox or radio is tapped through its label (.choice), which is the target.
  const controls = "main button:not(.primary), main .button:not(.primary), " +
    "main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main select, " +
    "main label.choice, .topbar a, .topbar button";
  for (const el of document.querySelectorAll(controls)) {
    if (visible(el) && box(el).height < tap)
      problems.push(`${describe(el)} is ${box(el).height}px tall`);
  }
  return problems;
}
"""


def layout_problems(page: Page, screen_name: str, screenshots) -> list[str]:
    screenshots.take(page, f"360-{screen_name}")
    return [f"{screen_name}: {p}" for p in page.evaluate(LAYOUT_PROBLEMS, TAP)]


def test_partner_pages_fit_a_360_px_phone(seed, new_page, browser_log, screenshots):
    browser_log.expect_status(422)  # the join form with errors, on purpose
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(False, True))
    problems = []

    page: Page = new_page(SMALL_PHONE)
    page.goto("/login")
    expect(page.locator(".button.primary")).to_have_count(1)
    problems += layout_problems(page, "login", screenshots)

    page.goto(couple.links[1])
    expect(page.locator(".button.primary")).to_have_count(1)
    problems += layout_problems(page, "join", screenshots)
    # The longest messages the join form has, all at once.
    page.get_by_label("E-mail").fill("a.rather.long.address.for.a.small.screen@example.com")
    page.get_by_label("Choose a password").fill("short")
    page.get_by_role("button", name="Join").click()
    expect(page.locator(".field-error").first).to_be_visible()
    problems += layout_problems(page, "join-with-errors", screenshots)

    phone = new_page(SMALL_PHONE)
    sign_in(phone, couple.partners[2])
    expect(phone.get_by_role("heading", name="This week")).to_be_visible()
    problems += layout_problems(phone, "partner-home", screenshots)

    assert not problems, "\n".join(problems)


def test_counselor_pages_fit_a_360_px_phone(seed, new_page, screenshots):
    """Counselors sometimes work from a phone too."""
    counselor = seed.counselor()
    couple = seed.couple(counselor, ("Robin", "Casey"), joined=(True, False))
    problems = []

    page: Page = new_page(SMALL_PHONE)
    sign_in(page, counselor)
    expect(page.get_by_role("heading", name="Your couples")).to_be_visible()
    problems += layout_problems(page, "dashboard", screenshots)

    page.goto("/counselor/couples/new")
    problems += layout_problems(page, "new-couple", screenshots)

    page.goto(f"/counselor/couples/{couple.id}")
    expect(page.locator("#link-2")).to_be_visible()
    problems += layout_problems(page, "couple", screenshots)

    assert not problems, "\n".join(problems)
