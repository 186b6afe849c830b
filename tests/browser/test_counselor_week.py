"""The counselor's week on a laptop: "Since the last session", a grid cell that opens the
words behind it (with and without JavaScript), the counselor-only mark, the laptop's
width used, and the same page still fine on a 360 px phone."""

from __future__ import annotations

import os
import shutil

import pytest
from playwright.sync_api import Page, expect

from domain import demo
from extensions import db
from models import Couple
from tests.browser.conftest import COUNSELOR_SCREEN, DOCS_SCREENSHOTS, PHONE, sign_in
from tests.browser.test_accessibility import axe_problems

pytestmark = pytest.mark.browser

PRIVATE_REFLECTION = "I felt rushed on the conversation, I need more time."


@pytest.fixture
def demo_couple(seed):
    """Six weeks of the demo's homework and its two sessions, for a real-looking week."""
    counselor = seed.counselor()
    couple = seed.couple(counselor, ("Sam", "Alex"), joined=(True, True))
    with seed.server.app.app_context():
        row = db.session.get(Couple, couple.id)
        demo.add_history(row)
        demo.add_sessions(row)
        db.session.commit()
    return counselor, couple


def test_the_counselor_reads_the_week_behind_a_grid_cell(new_page, demo_couple, screenshots):
    counselor, couple = demo_couple
    page: Page = new_page(COUNSELOR_SCREEN)
    sign_in(page, counselor)
    page.goto(f"/counselor/couples/{couple.id}")

    since = page.locator("#since")
    expect(since.get_by_role("heading", name="Since the last session")).to_be_visible()
    expect(since).to_contain_text("Since session 2 on")
    # The laptop's width is used: the grid is not squeezed into a phone-sized column.
    grid_width = page.locator("table.grid").first.evaluate("t => t.getBoundingClientRect().width")
    assert grid_width > 900, grid_width

    # The private reflection is behind the "What helped / didn't" cell of its week, the
    # one week both wrote one.
    row = page.get_by_role("row").filter(has_text="What helped / didn't")
    cell = row.get_by_role("link", name="both")
    expect(cell).to_have_count(1)
    cell.click()
    target = page.locator(".since-group:target")
    expect(target).to_be_in_viewport()
    expect(target).to_contain_text(PRIVATE_REFLECTION)
    expect(target).to_contain_text("Alex (partner)")
    expect(target.locator(".counselor-only")).to_have_text("Counselor only")
    # What the counselor sees where the link landed (the whole page is 16,000 px tall: a
    # picture of it all took over five seconds on a busy machine).
    screenshots.take(page, "counselor-week-cell-opened", first_screen=True)
    _grid_and_latest_weeks(page, screenshots)

    # The open week reads "so far" in a quiet colour, never a red "none".
    so_far = page.locator("td.cell-so-far").first
    expect(so_far).to_have_text("so far")
    assert so_far.evaluate("e => getComputedStyle(e).color") != "rgb(161, 38, 34)"

    # The actions are buttons now.
    expect(page.get_by_role("link", name="Edit details")).to_have_class("button")
    expect(page.get_by_role("button", name="Sign Sam out on every device")).to_be_visible()

    blocking, _ = axe_problems(page, "couple-with-week", screenshots)
    assert not blocking, "\n".join(blocking)

    # A long item gets the short label the counselor gives it, in the grid.
    page.locator("#homework .assignment").filter(has_text="Weekly rhythm").get_by_role(
        "link", name="Edit wording"
    ).click()
    label = page.get_by_label("Grid label, second")
    expect(label).to_have_value("One shared activity")
    label.fill("Doing something together")
    screenshots.take(page, "counselor-week-rhythm-labels")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("table.grid").first).to_contain_text("Doing something together")


def _grid_and_latest_weeks(page: Page, screenshots) -> None:
    """The README's picture: the grid and the two latest weeks of "Since the last session"."""
    page.evaluate("window.scrollTo(0, 0)")
    top = page.locator("#review").evaluate("e => e.getBoundingClientRect().top + scrollY")
    bottom = (
        page.locator(".since-week")
        .nth(1)
        .evaluate("e => e.getBoundingClientRect().top + scrollY + 420")
    )
    path = screenshots.folder / "counselor-since-last-session.png"
    screenshots.folder.mkdir(parents=True, exist_ok=True)
    clip = {"x": 0, "y": top - 16, "width": 1280, "height": bottom - top + 16}
    page.screenshot(path=path, full_page=True, clip=clip, caret="initial")
    screenshots.taken.append(path)
    target = DOCS_SCREENSHOTS / "counselor-since-last-session.png"
    if not target.exists() or os.environ.get("HEARTH_DOCS_SCREENSHOTS") == "1":
        shutil.copyfile(path, target)


def test_a_cell_opens_its_words_without_javascript_and_on_a_phone(
    new_page, demo_couple, screenshots
):
    counselor, couple = demo_couple
    page: Page = new_page(
        {**PHONE, "viewport": {"width": 360, "height": 740}}, java_script_enabled=False
    )
    sign_in(page, counselor)
    page.goto(f"/counselor/couples/{couple.id}")
    # Nothing wider than the phone but the grid, which scrolls inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("row").filter(has_text="What helped / didn't").get_by_role(
        "link", name="both"
    ).click()
    target = page.locator(".since-group:target")
    expect(target).to_be_in_viewport()
    expect(target).to_contain_text(PRIVATE_REFLECTION)
    # The words the cell opened, not the whole page: with every kind of the demo the couple
    # page is some 20,000 px tall at this width, too long to capture in the time allowed.
    screenshots.take(page, "counselor-week-phone-no-js", element=target, margin=8)

    # A cell of a week before the last session opens its folded week.
    early = page.get_by_role("row").filter(has_text="One real conversation").get_by_role("link")
    early.first.click()
    expect(page.locator(".since-group:target")).to_be_visible()
    expect(page.locator("details.since-earlier")).to_have_attribute("open", "")
