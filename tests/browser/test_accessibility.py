"""axe-core finds no serious or critical accessibility problem on the main screens."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import COUNSELOR_SCREEN, PHONE, sign_in

pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}


def axe_problems(page: Page, screen_name: str, screenshots) -> tuple[list[str], list[str]]:
    """(serious or critical, minor or moderate) violations on the page, one line per element."""
    results = Axe().run(page).response
    blocking, other = [], []
    for violation in results["violations"]:
        for node in violation["nodes"]:
            line = (
                f"{screen_name}: [{violation['impact']}] {violation['id']}: {violation['help']}\n"
                f"    at {', '.join(map(str, node['target']))}: {node['html'][:160]}\n"
                f"    {node.get('failureSummary', '').replace(chr(10), chr(10) + '    ')}\n"
                f"    {violation['helpUrl']}"
            )
            (blocking if violation["impact"] in BLOCKING else other).append(line)
    if results["violations"]:
        screenshots.folder.mkdir(parents=True, exist_ok=True)
        (screenshots.folder / f"axe-{screen_name}.json").write_text(
            json.dumps(results["violations"], indent=2)
        )
    return blocking, other


def test_partner_screens_have_no_serious_accessibility_problems(
    seed, new_page, browser_log, screenshots
):
    browser_log.expect_status(422)  # the join form with errors, on purpose
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(False, True))
    page: Page = new_page(PHONE)
    results = []

    page.goto("/login")
    results += [axe_problems(page, "login", screenshots)]

    page.goto(couple.links[1])
    results += [axe_problems(page, "join", screenshots)]
    page.get_by_role("button", name="Join").click()
    expect(page.locator(".field-error").first).to_be_visible()
    results += [axe_problems(page, "join-with-errors", screenshots)]

    home = new_page(PHONE)
    sign_in(home, couple.partners[2])
    expect(home.get_by_role("heading", name="This week")).to_be_visible()
    results += [axe_problems(home, "partner-home", screenshots)]

    report(results)


def test_counselor_screens_have_no_serious_accessibility_problems(seed, new_page, screenshots):
    counselor = seed.counselor()
    couple = seed.couple(counselor, ("Robin", "Casey"), joined=(True, False))
    page: Page = new_page(COUNSELOR_SCREEN)
    results = []

    sign_in(page, counselor)
    expect(page.get_by_role("heading", name="Your couples")).to_be_visible()
    results += [axe_problems(page, "dashboard", screenshots)]

    page.goto(f"/counselor/couples/{couple.id}")
    expect(page.locator("#link-2")).to_be_visible()
    results += [axe_problems(page, "couple", screenshots)]

    page.goto("/counselor/couples/new")
    results += [axe_problems(page, "new-couple", screenshots)]

    report(results)


def report(results: list[tuple[list[str], list[str]]]) -> None:
    blocking = [line for serious, _ in results for line in serious]
    other = [line for _, minor in results for line in minor]
    if other:  # shown with -rP, or when the test fails; not a reason to fail
        print("Minor or moderate accessibility findings:\n" + "\n".join(other))
    assert not blocking, "Serious or critical accessibility problems:\n" + "\n".join(blocking)
