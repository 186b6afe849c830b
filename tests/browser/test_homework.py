"""A week of homework, in real browsers: the counselor assigns it on a laptop, each partner
does it on their own phone (HTMX swaps, no reloads), privacy holds on every page the other
partner can reach, and the counselor sees the grid, the needs, the charts and the flags.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from domain.weeks import current_week
from tests.browser.conftest import (
    add_need,
    choose_on_scale,
    progress,
    prompt,
    rhythm_item,
    sign_in,
)

pytestmark = pytest.mark.browser

# What partner 1 writes for the counselor only: partner 2 must never see any of it.
P1_PRIVATE = {
    "check-in answer": "PRIVATE-P1-MARKER I have been sleeping badly since the move",
    "rhythm note": "PRIVATE-P1-NOTE I hugged them first and it felt odd",
    "need": "PRIVATE-P1-NEED time alone on Sunday mornings",
    "step of that need": "PRIVATE-P1-STEP take the kids to the park on Sundays",
    "rating comment": "PRIVATE-P1-COMMENT only twice this week",
    "last week's answer": "PRIVATE-P1-LASTWEEK work is swallowing me",
}
P2_PRIVATE = "PRIVATE-P2-MARKER I shut down when we talk about money"
SHARED_NOTE = "We made a sourdough loaf on Saturday and laughed at the shape."
SHARED_ANSWER = "We cooked together twice without our phones."
SHARED_NEED = "More regular check-ins"
SHARED_STEPS = ["Ask how my day was before dinner", "Put phones away at nine on weeknights"]
P2_SHARED_ANSWER = "Ask me before planning the weekend."
AFFECTION = "One moment of affection"


def assign(
    page: Page,
    button: str,
    heading: str,
    first_week,
    *,
    item2: str | None = None,
    wait_for_both: bool | None = None,
):
    """The counselor assigns one kind of homework through the real form."""
    page.get_by_role("link", name=button).click()
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    page.get_by_label("First week").fill(first_week.isoformat())
    if item2:
        page.get_by_label("Second item").fill(item2)
    if wait_for_both is not None:
        waits = page.get_by_label(re.compile(r"^Show each partner's shared answers only once"))
        expect(waits).to_be_checked()  # on by default for a new check-in
        waits.set_checked(wait_for_both)
    page.get_by_role("button", name="Assign").click()
    expect(page).to_have_url(re.compile(r"/counselor/couples/\d+(#homework)?$"))


def grid(page: Page, selector: str = "table.grid:not(.needs-grid)") -> dict[str, list[str]]:
    """A review table as {row heading: [cell per week, oldest first]}."""
    return page.locator(selector).evaluate(
        """t => Object.fromEntries([...t.tBodies[0].rows].map(r =>
             [r.cells[0].innerText.trim(), [...r.cells].slice(1).map(c => c.innerText.trim())]))"""
    )


def row_starting(rows: dict[str, list[str]], start: str) -> list[str]:
    matches = [cells for label, cells in rows.items() if label.startswith(start)]
    assert len(matches) == 1, f"no single row starting {start!r} in {list(rows)}"
    return matches[0]


def test_a_week_of_homework_on_two_phones_with_the_counselor_watching(
    seed,
    counselor_page: Page,
    partner1_page: Page,
    partner2_page: Page,
    screenshots,
):
    counselor = seed.counselor("Dana Rivera")
    couple = seed.couple(counselor, ("Robin", "Casey"), joined=(True, True))
    robin, casey = couple.partners[1], couple.partners[2]
    this_week = current_week("Europe/London", 0).start  # the seeded couple's clock
    last_week = this_week - timedelta(weeks=1)

    # 1. The counselor assigns all five, from last week on, rewording one rhythm item.
    page = counselor_page
    sign_in(page, counselor)
    page.goto(f"/counselor/couples/{couple.id}")
    assign(page, "Assign weekly rhythm", "Assign weekly rhythm", last_week, item2="Bake bread")
    expect(page.get_by_text("Weekly rhythm assigned to Robin & Casey.")).to_be_visible()
    rhythm = page.locator(".assignment").filter(has_text="Weekly rhythm")
    expect(rhythm.locator(".items-plain li")).to_have_count(3)
    expect(rhythm.locator(".items-plain li").nth(1)).to_have_text("Bake bread")
    assign(page, "Assign needs list", "Assign needs list", last_week)
    expect(page.get_by_text("Needs list assigned to Robin & Casey.")).to_be_visible()
    # This journey follows answers shared as soon as they are written (waiting for both is
    # followed in tests/test_check_in.py); a new check-in waits by default, so untick it.
    assign(page, "Assign weekly check-in", "Assign weekly check-in", last_week, wait_for_both=False)
    expect(page.get_by_text("Weekly check-in assigned to Robin & Casey.")).to_be_visible()
    assign(page, "Assign shared journal", "Assign shared journal", last_week)
    expect(page.get_by_text("Shared journal assigned to Robin & Casey.")).to_be_visible()
    assign(page, "Assign pause agreement", "Assign pause agreement", last_week)
    expect(page.get_by_text("Pause agreement assigned to Robin & Casey.")).to_be_visible()
    expect(page.locator("#homework .assignment")).to_have_count(5)
    # Only the kinds not given yet are left to assign.
    expect(page.locator(".assign-actions a")).to_have_text(
        [
            "Assign appreciation notes",
            "Assign disconnection inventory",
            "Assign questionnaire",
            "Assign connection plan",
        ]
    )
    # Robin checked in last week already (feeling heard: 9), privately in part.
    seed.check_in(
        couple,
        1,
        last_week,
        connected=9,
        heard=9,
        stress=3,
        went_well="Last week's shared words",
        went_well_visibility="shared",
        felt_off=P1_PRIVATE["last week's answer"],
        felt_off_visibility="counselor",
    )

    # 2. Robin, on a phone: a rhythm item done with a note, swapped in place.
    p1 = partner1_page
    sign_in(p1, robin)
    for card in ("#card-rhythm", "#card-needs", "#card-checkin"):
        expect(p1.locator(card)).to_be_visible()
    assert progress(p1) == "6 things left to do this week"
    screenshots.take(p1, "homework-p1-week-start")

    p1.evaluate("window.__hearthNoReload = 'still here'")
    documents: list[str] = []
    p1.on("request", lambda r: r.resource_type == "document" and documents.append(r.url))
    url_before = p1.url
    item = rhythm_item(p1, "Bake bread")
    item.get_by_text("Add a note").click()
    item.get_by_label("A short note (optional)").fill(SHARED_NOTE)
    expect(item.get_by_label("Shared with my partner")).to_be_checked()  # the default
    with p1.expect_response(lambda r: r.request.method == "POST") as answer:
        item.get_by_role("button", name="Mark as done").click()
    response = answer.value
    assert response.status == 200
    assert response.request.headers.get("hx-request") == "true"
    assert response.request.resource_type in {"xhr", "fetch"}
    fragment = response.text()
    assert re.match(r'\s*<section\b[^>]*\bid="card-rhythm"', fragment), "not the card alone"
    assert 'id="week-progress"' in fragment and 'hx-swap-oob="true"' in fragment
    assert "<html" not in fragment and "<body" not in fragment and "topbar" not in fragment

    note = p1.locator("#card-rhythm p.card-note")
    expect(note).to_have_text("Marked as done. Nice work, you two.")
    expect(rhythm_item(p1, "Bake bread").locator(".done-by")).to_contain_text("Done by you")
    expect(rhythm_item(p1, "Bake bread").locator("blockquote.note")).to_have_text(SHARED_NOTE)
    expect(p1.locator("#week-progress")).to_contain_text("5 things left")
    expect(p1.locator("#card-rhythm")).to_have_count(1)  # replaced, not nested
    expect(p1.locator("#week-progress")).to_have_count(1)
    assert p1.evaluate("window.__hearthNoReload") == "still here"
    assert documents == [], f"a full page load happened: {documents}"
    assert p1.url == url_before
    # Focus moves to the message about what just happened, for a screen reader and a thumb.
    expect(note).to_be_focused()
    assert p1.evaluate("document.activeElement.matches('#card-rhythm p.card-note')")
    p1.mouse.move(0, 0)
    screenshots.take(p1, "homework-rhythm-card-after-swap", element=p1.locator("#card-rhythm"))

    # A second item, with a note only the counselor may read.
    item = rhythm_item(p1, AFFECTION)
    item.get_by_text("Add a note").click()
    item.get_by_label("A short note (optional)").fill(P1_PRIVATE["rhythm note"])
    item.get_by_label("For my counselor only").check()
    item.get_by_role("button", name="Mark as done").click()
    expect(rhythm_item(p1, AFFECTION).locator(".who-reads-line")).to_have_text(
        "Only Dana can read this"
    )
    expect(p1.locator("#week-progress")).to_contain_text("4 things left")
    assert documents == []

    # Two needs, each with steps: one shared, one for the counselor only.
    # (A need can be named right on the card too; the needs page holds them all.)
    p1.locator("#card-needs").get_by_role("link", name="All your needs").click()
    expect(p1.get_by_role("heading", name="Needs", level=1)).to_be_visible()
    add_need(p1, SHARED_NEED, SHARED_STEPS)
    add_need(p1, P1_PRIVATE["need"], [P1_PRIVATE["step of that need"]], private=True)
    expect(p1.locator(".need-card")).to_have_count(2)
    private_card = p1.locator(".need-card").filter(has_text=P1_PRIVATE["need"])
    expect(private_card.locator(".who-reads-line")).to_have_text("Only Dana can read this")
    p1.mouse.move(0, 0)  # no hover left on a button where the last tap was
    screenshots.take(p1, "homework-needs-phone", docs="needs.png")

    # Rate the shared need this week, with a comment for the counselor only.
    p1.get_by_role("link", name="← This week").click()
    expect(p1.locator("#card-needs")).to_be_visible()
    assert progress(p1) == "5 things left to do this week"
    need = p1.locator("#card-needs .need").filter(has_text=SHARED_NEED)
    need.get_by_text("Partly", exact=True).click()
    # The tap that chooses the word saves it, says so beside it, and offers a way back.
    saved = need.locator(".saved-line")
    expect(saved).to_contain_text("Saved")
    expect(saved.locator("p")).to_be_focused()
    expect(saved.get_by_role("button", name="Undo")).to_be_visible()
    expect(p1.locator("#week-progress")).to_contain_text("4 things left")
    # A comment for the counselor only goes with it, behind "Change my rating".
    need.get_by_text("Change my rating").click()
    need.get_by_text("Add a comment").click()
    need.get_by_label("A comment (optional)").fill(P1_PRIVATE["rating comment"])
    need.get_by_role("group", name="Who can read this").get_by_label(
        "For my counselor only"
    ).check()
    with p1.expect_response(lambda r: r.request.method == "POST") as answer:
        need.get_by_role("button", name="Save the change").click()
    assert answer.value.status == 200
    assert re.match(r'\s*<section\b[^>]*\bid="card-needs"', answer.value.text())
    expect(saved).to_contain_text("Saved")
    expect(saved.locator("p")).to_be_focused()
    need = p1.locator("#card-needs .need").filter(has_text=SHARED_NEED)
    # Saved, it reads as saved: the word, who can read it, and "Change" to open the form.
    expect(need.locator(".saved-rating")).to_have_text("Your word this week: Partly")
    expect(need.locator(".who-reads-line").last).to_have_text("Only Dana can read this")
    expect(need.get_by_text("Change my rating")).to_be_visible()
    expect(need.get_by_role("radio", name="Partly")).to_be_hidden()
    expect(p1.locator("#week-progress")).to_contain_text("4 things left")

    # The check-in: numbers shared (ticked: they are for Dana only by default), one answer
    # shared, one private.
    # It is right on its card; the written answers open from "In your own words".
    checkin = p1.locator("#card-checkin")
    choose_on_scale(p1, "How connected I felt", 8)
    choose_on_scale(p1, "How heard I felt", 5)
    choose_on_scale(p1, "Stress from outside the relationship", 3)
    connected = p1.get_by_role("group", name="How connected I felt")
    expect(connected.get_by_role("radio", name="8", exact=True)).to_be_checked()
    expect(p1.get_by_label("Share my numbers with my partner")).not_to_be_checked()
    p1.get_by_label("Share my numbers with my partner").check()
    checkin.get_by_text("In your own words").click()
    for label in ("What went well", "What felt off", "How we can support each other"):
        expect(prompt(p1, label).get_by_label("For my counselor only")).to_be_checked()
    p1.get_by_label("What went well", exact=True).fill(SHARED_ANSWER)
    prompt(p1, "What went well").get_by_label("Shared with my partner").check()
    p1.get_by_label("What felt off", exact=True).fill(P1_PRIVATE["check-in answer"])
    p1.mouse.move(0, 0)
    screenshots.take(p1, "homework-check-in-phone", docs="check-in.png", element=checkin)
    p1.get_by_role("button", name="Save my check-in").click()
    expect(p1.get_by_text("Thank you for checking in. It's saved.")).to_be_visible()
    expect(p1.locator("#card-checkin")).to_contain_text("connected 8, heard 5, outside stress 3.")
    expect(p1.locator("#week-progress")).to_contain_text("3 things left")

    # 3. Casey, on another phone, sees what Robin shared and nothing else.
    p2 = partner2_page
    sign_in(p2, casey)
    bread = rhythm_item(p2, "Bake bread")
    expect(bread.locator(".done-by")).to_contain_text("Done by Robin")
    expect(bread.locator("blockquote.note")).to_have_text(SHARED_NOTE)
    affection = rhythm_item(p2, AFFECTION)
    expect(affection.locator(".done-by")).to_contain_text("Done by Robin")
    expect(affection.locator("blockquote.note")).to_have_count(0)
    expect(affection.get_by_role("button", name="Undo my mark")).to_have_count(0)

    needs = p2.locator("#card-needs")
    expect(needs.get_by_role("heading", name="What Robin (partner) asked of you")).to_be_visible()
    asked = needs.locator(".need.asked")
    expect(asked).to_have_count(1)
    expect(asked.locator(".need-text")).to_have_text(f"Robin (partner) needs: {SHARED_NEED}")
    expect(asked.locator("li.step")).to_have_count(2)
    expect(asked).to_contain_text("How this felt for Robin (partner) this week: Partly")
    step = asked.locator("li.step").filter(has_text=SHARED_STEPS[0])
    p2.evaluate("window.__hearthNoReload = 'still here'")
    with p2.expect_response(lambda r: r.request.method == "POST") as answer:
        step.get_by_role("button", name="I did this").click()
    assert answer.value.status == 200
    fragment = answer.value.text()
    assert re.match(r'\s*<section\b[^>]*\bid="card-needs"', fragment)
    leaked = [what for what, text in P1_PRIVATE.items() if text in fragment]
    assert not leaked, f"the HTMX fragment shows Casey Robin's private {leaked}"
    expect(p2.locator("#card-needs p.card-note")).to_have_text(
        "Noted. Robin will see you did this."
    )
    done = p2.locator("#card-needs li.step").filter(has_text=SHARED_STEPS[0]).locator("button")
    expect(done).to_have_text("✓ I did this")
    expect(done).to_have_attribute("aria-pressed", "true")
    assert p2.evaluate("window.__hearthNoReload") == "still here"

    checkin = p2.locator("#card-checkin")
    expect(checkin).to_contain_text("Robin (partner)'s check-in:")
    expect(checkin).to_contain_text("Connected 8, heard 5, outside stress 3.")
    expect(checkin).to_contain_text(f"What went well: {SHARED_ANSWER}")

    checkin.get_by_text("In your own words").click()  # the check-in is on its card
    choose_on_scale(p2, "How connected I felt", 3)
    choose_on_scale(p2, "How heard I felt", 6)
    choose_on_scale(p2, "Stress from outside the relationship", 7)
    expect(p2.get_by_label("Share my numbers with my partner")).not_to_be_checked()
    p2.get_by_label("What felt off", exact=True).fill(P2_PRIVATE)
    p2.get_by_label("How we can support each other", exact=True).fill(P2_SHARED_ANSWER)
    prompt(p2, "How we can support each other").get_by_label("Shared with my partner").check()
    p2.get_by_role("button", name="Save my check-in").click()
    expect(p2.get_by_text("Thank you for checking in. It's saved.")).to_be_visible()
    expect(p2.locator("#card-checkin")).to_contain_text("You checked in")
    p2.mouse.move(0, 0)
    screenshots.take(p2, "homework-p2-week", docs="partner-week.png")

    # Every page Casey can reach, and an HTMX fragment, without a word of Robin's private ones.
    reached = {"/week": p2.content()}
    p2.get_by_role("link", name="← Week before").click()
    expect(p2.get_by_role("heading", name=re.compile(r"^Week of "))).to_be_visible()
    expect(p2.locator("#card-checkin")).to_contain_text("Last week's shared words")
    reached[p2.url] = p2.content()
    p2.get_by_role("link", name="Needs & history").click()
    expect(p2.get_by_role("heading", name="Robin (partner)'s needs")).to_be_visible()
    expect(p2.locator(".need-card")).to_have_count(1)
    reached[p2.url] = p2.content()
    for week in (this_week, last_week):
        p2.goto(f"/week/{week}/check-in")
        reached[p2.url] = p2.content()
    reached["/week (HTMX)"] = p2.request.get("/week", headers={"HX-Request": "true"}).text()
    for where, html in reached.items():
        leaked = [what for what, text in P1_PRIVATE.items() if text in html]
        assert not leaked, f"Casey sees Robin's private {leaked} on {where}"
        assert "PRIVATE-P1" not in html, f"a private marker of Robin's on {where}"

    # Robin sees Casey's shared answer and step, but neither Casey's numbers nor private words.
    p1.goto("/week")
    theirs = p1.locator("#card-checkin .their-words")
    expect(theirs).to_contain_text("Casey (partner)'s check-in:")
    expect(theirs).to_contain_text(P2_SHARED_ANSWER)
    expect(theirs).not_to_contain_text("Connected 3")
    expect(p1.locator("#card-needs .need").filter(has_text=SHARED_NEED)).to_contain_text(
        "✓ Casey (partner) did this"
    )
    assert "PRIVATE-P2" not in p1.content()

    # 4. The counselor sees it all: the grid, the charts, every answer, and the flags.
    page.goto(f"/counselor/couples/{couple.id}")
    rows = grid(page)
    # This week is still open: what is not done yet reads "so far", not "none".
    assert row_starting(rows, "One real conversation")[-1] == "so far"
    assert row_starting(rows, "Bake bread")[-1] == "R"
    assert row_starting(rows, AFFECTION)[-1] == "R"
    assert row_starting(rows, "What helped")[-1] == "so far"
    assert row_starting(rows, "Needs rated")[-1] == "R"
    assert row_starting(rows, "Steps taken for the other")[-1] == "C"
    assert row_starting(rows, "Check-in")[-2:] == ["R", "both"]
    assert all(cell == "–" for cell in row_starting(rows, "Check-in")[:-2]), "before the homework"
    charts = page.locator("#review figure.chart-box")
    expect(charts.locator("svg.chart")).to_have_count(3)
    expect(charts.locator("figcaption")).to_have_text(
        ["How connected I felt", "How heard I felt", "Stress from outside the relationship"]
    )
    latest = page.locator("#review .places > section")
    robins = latest.filter(has=page.get_by_role("heading", name="Robin"))
    expect(robins).to_contain_text("Connected 8 · heard 5 · outside stress 3")
    expect(robins).to_contain_text(P1_PRIVATE["check-in answer"])
    expect(robins.locator(".private-tag")).to_have_text("Counselor only")
    caseys = latest.filter(has=page.get_by_role("heading", name="Casey"))
    expect(caseys).to_contain_text("numbers kept from their partner")
    expect(caseys).to_contain_text(P2_PRIVATE)
    needs_rows = grid(page, "table.needs-grid")
    assert row_starting(needs_rows, f"Robin (partner): {SHARED_NEED}")[-1] == (
        "Partly\nwith a comment"
    )
    assert row_starting(needs_rows, f"Robin (partner): {P1_PRIVATE['need']}")[-1] == ""
    # The rating's comment is a tap away, not in a tooltip.
    page.locator("table.needs-grid").get_by_role("link", name="with a comment").click()
    expect(page.locator(".since-group:target")).to_contain_text(P1_PRIVATE["rating comment"])
    screenshots.take(page, "homework-counselor-review", docs="counselor-review.png")

    page.get_by_role("link", name="Couples", exact=True).click()
    row = page.locator(".couple-row").filter(has_text="Robin & Casey")
    expect(row.locator(".week-line")).to_have_text("This week: 5 of 7 done")
    expect(row).to_contain_text("Last check-in: week of")
    expect(row.locator("ul.flags li")).to_contain_text(
        [
            "Robin's feeling heard dropped from 9 to 5",
            "Connection scores 5 apart (Robin 8, Casey 3)",
        ]
    )
    screenshots.take(page, "homework-dashboard")


def test_both_partners_tick_the_same_item_at_once_and_the_second_note_is_kept(
    seed, partner1_page: Page, partner2_page: Page, browser_log
):
    browser_log.expect_status(409)  # the second tick, on purpose
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, True))
    seed.homework(couple)
    p1, p2 = partner1_page, partner2_page
    sign_in(p1, couple.partners[1])
    sign_in(p2, couple.partners[2])  # both phones show the item as still to do

    rhythm_item(p1, "One real conversation").get_by_role("button", name="Mark as done").click()
    expect(rhythm_item(p1, "One real conversation").locator(".done-by")).to_contain_text("you")

    item = rhythm_item(p2, "One real conversation")
    item.get_by_text("Add a note").click()
    item.get_by_label("A short note (optional)").fill("Casey's words about that talk")
    with p2.expect_response(lambda r: r.request.method == "POST") as answer:
        item.get_by_role("button", name="Mark as done").click()
    assert answer.value.status == 409
    expect(p2.locator("#card-rhythm p.card-note")).to_have_text(
        "Robin marked this done a moment ago. Your note wasn't saved; "
        "it's still in the box below if you'd like to keep it."
    )
    expect(p2.locator("#card-rhythm p.card-note")).to_be_focused()
    item = rhythm_item(p2, "One real conversation")
    expect(item.locator(".done-by")).to_contain_text("Done by Robin")
    kept = item.get_by_label("Your note (not saved)")
    expect(kept).to_have_value("Casey's words about that talk")
    expect(kept).to_have_attribute("readonly", "")
    expect(p2.locator("#week-progress")).to_contain_text("4 things left")
