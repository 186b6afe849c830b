"""A whole week of homework on a 360×740 touch phone, counted: every tap the person makes
and every pixel they scroll to reach the next thing to tap or type. A new couple with the
three standard kinds; one partner marks three rhythm moments, names two needs (one step
each), rates both, checks in (three numbers) and writes the end-of-week reflection.

The figures are asserted, so the week cannot quietly grow longer again (issue #21: it took
20 taps and, measured this way, 7,649 px before). The same week without JavaScript still
works, each form with its own Save button.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from extensions import db
from tests.browser.conftest import PHONE, choose_on_scale, rhythm_item, sign_in

pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
from tests.browser.test_accessibility import axe_problems, report  # noqa: E402

pytestmark = pytest.mark.browser

SMALL_TOUCH_PHONE = {**PHONE, "viewport": {"width": 360, "height": 740}}
MOST_TAPS = 12
MOST_SCROLL = 2_500
BRING_INTO_VIEW = """e => {
  const box = e.getBoundingClientRect();
  if (box.top < 0 || box.bottom > innerHeight) e.scrollIntoView({block: "nearest"});
}"""


class Walk:
    """The person's thumb: taps are counted, and before each tap or typing the distance
    scrolled from where the last action left the page to where the next target is."""

    def __init__(self, page: Page):
        self.page = page
        self.taps = 0
        self.scrolled = 0
        self.steps: list[tuple[str, int, int]] = []

    def _reach(self, target: Locator) -> None:
        """Scroll as a thumb would: only as far as needed to see the whole target."""
        before = self.page.evaluate("scrollY")
        target.evaluate(BRING_INTO_VIEW)
        self.scrolled += abs(self.page.evaluate("scrollY") - before)

    def tap(self, target: Locator) -> None:
        self._reach(target)
        target.tap()
        self.taps += 1
        self.page.wait_for_load_state()

    def type(self, target: Locator, text: str) -> None:
        self._reach(target)
        target.fill(text)

    def step(self, name: str) -> None:
        """Close a task of the week: its share of taps and scrolling."""
        taps = self.taps - sum(s[1] for s in self.steps)
        scrolled = self.scrolled - sum(s[2] for s in self.steps)
        self.steps.append((name, taps, scrolled))

    def table(self) -> str:
        rows = [f"{name:<32} {taps:>3} taps {px:>6} px" for name, taps, px in self.steps]
        return "\n".join(
            [*rows, f"{'the whole week':<32} {self.taps:>3} taps {self.scrolled:>6} px"]
        )


def new_couple_with_homework(seed):
    """A couple with the three standard kinds and no needs named yet."""
    from kinds.needs.models import Need

    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, True))
    homework = seed.homework(couple)
    with seed.server.app.app_context():
        for need_id in homework.need_ids.values():
            db.session.delete(db.session.get(Need, need_id))
        db.session.commit()
    return couple, homework


def test_a_whole_week_in_twelve_taps(seed, new_page, screenshots):
    couple, _ = new_couple_with_homework(seed)
    page: Page = new_page(SMALL_TOUCH_PHONE)
    sign_in(page, couple.partners[1])
    page.goto("/week")
    page.evaluate("scrollTo(0, 0)")
    screenshots.take(page, "week-in-taps-start")
    walk = Walk(page)

    # Three moments of the weekly rhythm, no note.
    for wording in ("One real conversation", "One shared activity", "One moment of affection"):
        walk.tap(rhythm_item(page, wording).get_by_role("button", name="Mark as done"))
        expect(rhythm_item(page, wording)).to_have_class(re.compile("is-done"))
    walk.step("3 rhythm moments")
    screenshots.take(page, "week-in-taps-moments-marked")

    # As the last moment is marked the reflection opens right below it; one tap saves it.
    reflection = page.locator("#card-rhythm details.reflection")
    expect(reflection).to_have_attribute("open", "")
    walk.type(reflection.get_by_label("What helped"), "Walking after dinner")
    walk.tap(reflection.get_by_role("button", name="Save my reflection"))
    expect(page.locator("#card-rhythm p.card-note")).to_contain_text("reflection")
    walk.step("the reflection")

    # Two needs, one step each, named right on the card.
    needs = page.locator("#card-needs")
    for wording, step in (
        ("A calmer start to the evening", "Ask how my day was before dinner"),
        ("More time just the two of us", "Suggest one walk together"),
    ):
        walk.type(needs.get_by_label("What I need"), wording)
        walk.type(needs.get_by_label(re.compile("Steps")), step)
        expect(
            needs.get_by_role("group", name=re.compile("Who can read this need"))
        ).to_be_visible()
        walk.tap(needs.get_by_role("button", name="Add this need"))
        expect(needs.locator(".need").filter(has_text=wording)).to_be_visible()
    walk.step("2 needs, a step each")

    # Both rated: the tap that chooses saves, says so beside the need, and can be undone.
    for wording in ("A calmer start to the evening", "More time just the two of us"):
        need = needs.locator(".need").filter(has_text=wording)
        walk.tap(need.locator("label.choice").filter(has_text="Partly"))
        expect(need.locator(".saved-line")).to_contain_text("Saved")
        expect(need.get_by_role("button", name="Undo")).to_be_visible()
    walk.step("rate both needs")
    screenshots.take(page, "week-in-taps-needs-rated")

    # The check-in on its card: three numbers and Save; each written answer shows its reader.
    checkin = page.locator("#card-checkin")
    # The written answers fold away; each has its own "who can read this" beside it.
    expect(checkin.locator("details.checkin-words .prompt fieldset.visibility")).to_have_count(3)
    for question, number in (
        ("How connected I felt", 6),
        ("How heard I felt", 7),
        ("Stress from outside the relationship", 4),
    ):
        scale = checkin.get_by_role("group", name=question)
        walk.tap(scale.locator("label.choice").filter(has_text=re.compile(rf"^\s*{number}\s*$")))
    walk.tap(checkin.get_by_role("button", name="Save my check-in"))
    expect(checkin.locator("p.card-note")).to_have_text("Thank you for checking in. It's saved.")
    expect(checkin.locator(".card-head .count")).to_contain_text("Done")
    walk.step("the check-in")

    expect(page.locator("#week-progress")).to_contain_text("All done")
    screenshots.take(page, "week-in-taps-done")
    print("\n" + walk.table())
    assert walk.taps <= MOST_TAPS, walk.table()
    assert walk.scrolled <= MOST_SCROLL, walk.table()
    report([axe_problems(page, "week-in-taps", screenshots)])


def test_the_same_week_without_javascript(seed, new_page, screenshots, browser_log):
    """Every in-place form is a plain form: a need named on the card, a rating with its
    Save, the check-in on its card, each coming back to its card with the message there."""
    couple, homework = new_couple_with_homework(seed)
    page: Page = new_page(SMALL_TOUCH_PHONE, java_script_enabled=False)
    sign_in(page, couple.partners[1])
    page.goto("/week")
    assert page.evaluate("typeof window.htmx") == "undefined"
    browser_log.expect_status(422)  # the two answers below that need another look

    needs = page.locator("#card-needs")
    needs.get_by_label("What I need").fill("A calmer start to the evening")
    needs.get_by_label(re.compile("Steps")).fill("Ask how my day was before dinner")
    needs.get_by_role("group", name=re.compile("Who can read this need")).get_by_label(
        "For my counselor only"
    ).check()
    needs.get_by_role("button", name="Add this need").click()
    expect(page).to_have_url(re.compile(r"/week#card-needs$"))
    needs = page.locator("#card-needs")
    expect(needs.locator("p.card-note")).to_contain_text("Your need is on the list")
    need = needs.locator(".need").filter(has_text="A calmer start to the evening")
    expect(need.locator(".who-reads-line").first).to_contain_text("Only")

    # An empty need comes back with the message beside the field, the steps kept.
    needs.get_by_label(re.compile("Steps")).fill("Suggest one walk together")
    needs.get_by_role("button", name="Add this need").click()
    needs = page.locator("#card-needs")
    expect(needs.locator(".field-error")).to_contain_text("Please put the need into a few words.")
    expect(needs.get_by_label(re.compile("Steps"))).to_have_value("Suggest one walk together")

    # The rating has its own Save without a script.
    page.goto("/week")
    need = page.locator("#card-needs .need").filter(has_text="A calmer start to the evening")
    need.locator("label.choice").filter(has_text="Partly").click()
    need.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/week#card-needs$"))
    need = page.locator("#card-needs .need").filter(has_text="A calmer start to the evening")
    expect(need.locator(".saved-rating")).to_contain_text("Partly")

    # The check-in on its card: a missing number is said beside it, then it saves.
    checkin = page.locator("#card-checkin")
    choose_on_scale(page, "How connected I felt", 6)
    checkin.get_by_role("button", name="Save my check-in").click()
    expect(page.get_by_text("Please choose a number from 1 to 10.").first).to_be_visible()
    connected = page.get_by_role("group", name="How connected I felt")
    expect(connected.get_by_role("radio", name="6", exact=True)).to_be_checked()  # kept
    choose_on_scale(page, "How heard I felt", 7)
    choose_on_scale(page, "Stress from outside the relationship", 4)
    page.get_by_role("button", name=re.compile("Save")).last.click()
    expect(page).to_have_url(re.compile(r"/week#card-checkin$"))
    checkin = page.locator("#card-checkin")
    expect(checkin.locator("p.card-note")).to_have_text("Thank you for checking in. It's saved.")
    expect(checkin).to_contain_text("connected 6, heard 7, outside stress 4")
    screenshots.take(page, "week-in-taps-no-js")
