"""Questionnaires in real browsers: the counselor defines one (a reversed item, a cut-off),
assigns it every two weeks, both partners answer on 360 px phones, two weeks pass, they
answer again, and the counselor reads both scores side by side on the chart."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from domain.weeks import current_week
from extensions import db
from kinds.questionnaire.models import QuestionnaireTake
from models import Assignment
from tests.browser.conftest import SMALL_PHONE, phone_fit_problems, sign_in

pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
from tests.browser.test_accessibility import axe_problems, report  # noqa: E402

pytestmark = pytest.mark.browser

ITEMS = [
    ("We laughed together this week.", False),
    ("I felt listened to when something mattered.", False),
    ("I felt shut out.", True),
    ("We made time for each other.", False),
]
OPTIONS = "0 = Never\n1 = Sometimes\n2 = Often\n3 = Always"


def answer(page: Page, choices: list[str]) -> None:
    for (text, _rev), choice in zip(ITEMS, choices, strict=True):
        page.get_by_role("group", name=re.compile(re.escape(text))).get_by_text(
            choice, exact=True
        ).click()


def two_weeks_pass(live_server, couple_id: int) -> None:
    """Move the assignment and the first round's answers two weeks back: this week is then
    the second take week, as it would be two weeks later."""
    with live_server.app.app_context():
        assignment = db.session.scalar(
            db.select(Assignment).where(
                Assignment.couple_id == couple_id, Assignment.kind == "questionnaire"
            )
        )
        assignment.starts_on -= timedelta(weeks=2)
        for take in db.session.scalars(
            db.select(QuestionnaireTake).where(QuestionnaireTake.assignment_id == assignment.id)
        ):
            take.week_start -= timedelta(weeks=2)
        db.session.commit()


def test_a_questionnaire_defined_assigned_answered_twice_and_charted(
    seed, live_server, counselor_page: Page, new_page, browser_log, screenshots
):
    browser_log.expect_status(422)  # the definition sent without a cut-off meaning, on purpose
    counselor = seed.counselor("Dana Rivera")
    couple = seed.couple(counselor, ("Robin", "Casey"), joined=(True, True))
    this_week = current_week("Europe/London", 0).start
    results = []

    # 1. Dana defines a questionnaire of her own, found under her settings.
    page = counselor_page
    sign_in(page, counselor)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Your questionnaires").click()
    expect(page.get_by_text("Hearth's own, not a validated instrument")).to_be_visible()
    page.get_by_role("link", name="New questionnaire").click()
    page.get_by_label("Name").fill("Closeness check")
    page.get_by_label("Source and licence").fill("My own items, written for my practice.")
    for n, (text, reversed_) in enumerate(ITEMS[:3]):
        page.get_by_label(f"Item {n + 1}", exact=True).fill(text)
        if reversed_:
            page.locator(f"#items-{n}-reversed").check()
    page.get_by_label("Item 4", exact=True).fill(ITEMS[3][0])
    page.get_by_label("Answer options (one per line: points = words)").fill(OPTIONS)
    page.get_by_label("Cut-off (optional)").fill("5")
    page.get_by_label("At or below the cut-off").check()
    page.get_by_label("Reliable-change difference (optional)").fill("3")
    page.get_by_role("button", name="Save the questionnaire").click()
    expect(page.get_by_text("Please say what a score past the cut-off means.")).to_be_visible()
    expect(page.get_by_label("Item 3", exact=True)).to_have_value("I felt shut out.")
    page.get_by_label("What the cut-off means").fill("worth talking about in session")
    screenshots.take(page, "questionnaire-definition")
    results.append(axe_problems(page, "questionnaire-definition", screenshots))
    page.get_by_role("button", name="Save the questionnaire").click()
    expect(page.get_by_text("“Closeness check” is saved.")).to_be_visible()
    expect(page.get_by_text("I felt shut out. (reverse-scored)")).to_be_visible()

    # 2. Dana assigns it to Robin & Casey, every two weeks.
    page.goto(f"/counselor/couples/{couple.id}")
    page.get_by_role("link", name="Assign questionnaire").click()
    page.get_by_label("First week").fill(this_week.isoformat())
    page.get_by_label("Questionnaire", exact=True).select_option(label="Closeness check")
    page.get_by_label("Ask again every … weeks").fill("2")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("Questionnaire assigned to Robin & Casey.")).to_be_visible()

    # 3. Both answer on 360 px phones: Robin keeps the score for Dana, Casey shares it.
    robin: Page = new_page(SMALL_PHONE)
    sign_in(robin, couple.partners[1])
    card = robin.locator("#card-questionnaire")
    card.get_by_role("link", name="Answer the questionnaire").click()
    expect(robin.get_by_role("heading", name="Closeness check")).to_be_visible()
    answer(robin, ["Sometimes", "Sometimes", "Always", "Never"])  # 1 + 1 + 0 + 0 = 2
    robin.wait_for_load_state("load")
    problems = phone_fit_problems(robin, "questionnaire-form")
    screenshots.take(robin, "questionnaire-phone-form")
    results.append(axe_problems(robin, "questionnaire-form", screenshots))
    robin.get_by_role("button", name="Save my answers").click()
    expect(robin.get_by_text("It's saved.")).to_be_visible()
    expect(card).to_contain_text("your score is 2")
    expect(card.locator(".who-reads-line").first).to_have_text("Only Dana can read this")

    casey: Page = new_page(SMALL_PHONE)
    sign_in(casey, couple.partners[2])
    casey_card = casey.locator("#card-questionnaire")
    expect(casey_card).to_contain_text("Robin (partner) has answered it.")
    casey_card.get_by_role("link", name="Answer the questionnaire").click()
    answer(casey, ["Often", "Often", "Sometimes", "Often"])  # 2 + 2 + 2 + 2 = 8
    casey.get_by_label("Share my answers and score with my partner").check()
    casey.get_by_role("button", name="Save my answers").click()
    expect(casey_card).to_contain_text("your score is 8")
    robin.reload()
    expect(card).to_contain_text("Casey (partner) shared: Score: 8")

    # 4. Two weeks later, the second round.
    two_weeks_pass(live_server, couple.id)
    for phone, choices in (
        (robin, ["Often", "Always", "Sometimes", "Often"]),  # 2 + 3 + 2 + 2 = 9
        (casey, ["Often", "Always", "Never", "Always"]),  # 2 + 3 + 3 + 3 = 11
    ):
        phone.goto("/week")
        phone.locator("#card-questionnaire").get_by_role(
            "link", name="Answer the questionnaire"
        ).click()
        answer(phone, choices)
        phone.get_by_role("button", name="Save my answers").click()
        expect(phone.locator("#card-questionnaire")).to_contain_text("You answered on")
    problems += phone_fit_problems(robin, "questionnaire-week")

    # 5. Dana's couple page: the chart with both partners and the cut-off line, the scores
    # side by side, and the reliable change marked.
    page.goto(f"/counselor/couples/{couple.id}")
    chart = page.locator("#chart-questionnaire-t").locator("xpath=..")
    expect(chart).to_be_visible()
    expect(chart.locator("desc")).to_have_text(
        re.compile(r"Robin \(partner\): .*2.*9.*Casey \(partner\): .*8.*11.*cut-off 5 at 5")
    )
    table = page.locator("table.questionnaire-scores")
    expect(table).to_contain_text("Changed by more than the reliable-change difference (2 to 9)")
    expect(table).to_contain_text("Past the cut-off: worth talking about in session")
    expect(page.get_by_text("Source and licence: My own items")).to_be_visible()
    section = page.locator("#review-questionnaire")
    screenshots.take(page, "questionnaire-chart", element=section, margin=8)
    results.append(axe_problems(page, "questionnaire-review", screenshots))
    assert not problems, "\n".join(problems)
    report(results)
