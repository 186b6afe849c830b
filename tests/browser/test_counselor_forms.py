"""Counselor forms in a real browser at 1280×800: a new couple's time zone starts where the
counselor is (the browser's zone, then their last choice; UTC without a script), common
zones come first, and a name already in use is asked about once without losing anything
typed. The session page goes in the order of the work: quote, read the couple's copy,
release; the session is named the same way on the page and in the PDF."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from extensions import db
from models import Appointment, AppointmentStatus, Couple
from tests.browser.conftest import COUNSELOR_SCREEN, field_of, sign_in
from tests.browser.test_summaries import (
    P1_SHARED,
    PDFTOPPM,
    axe_findings,
    pdf_text,
    seed_couple_with_history,
    seed_session,
)

pytestmark = pytest.mark.browser

ZONE = "America/New_York"


def report(findings: list[tuple[list[str], list[str]]]) -> None:
    blocking = [line for serious, _ in findings for line in serious]
    other = [line for _, minor in findings for line in minor]
    if other:  # shown with -rP, or when the test fails; not a reason to fail
        print("Minor or moderate accessibility findings:\n" + "\n".join(other))
    assert not blocking, "Serious or critical accessibility problems:\n" + "\n".join(blocking)


def zone_groups(page: Page) -> list[str]:
    return page.locator("#timezone optgroup").evaluate_all("gs => gs.map(g => g.label)")


def test_a_new_couple_in_the_counselors_zone_and_a_name_used_twice(seed, new_page, screenshots):
    pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
    counselor = seed.counselor()
    page: Page = new_page(COUNSELOR_SCREEN, timezone_id=ZONE)
    findings = []
    sign_in(page, counselor)

    # A first couple: the browser's zone, not UTC; the common zones come first.
    page.goto("/counselor/couples/new")
    picker = page.get_by_label("Their time zone")
    expect(picker).to_have_value(ZONE)
    assert zone_groups(page) == ["Common", "Other time zones"]
    first_options = page.locator("#timezone optgroup").first.locator("option")
    assert first_options.first.inner_text() == "UTC"
    assert "Africa/Abidjan" not in first_options.all_inner_texts()
    findings.append(axe_findings(page, "new-couple-form", screenshots))
    screenshots.take(page, "counselor-forms-new-couple")
    page.get_by_label("Couple's name").fill("Robin & Casey")
    page.get_by_role("button", name="Create couple and links").click()
    expect(page.get_by_text("Robin & Casey is ready.")).to_be_visible()

    # The next couple starts in the zone chosen last, now first among the common ones,
    # even on a browser elsewhere.
    elsewhere: Page = new_page(COUNSELOR_SCREEN, timezone_id="Asia/Tokyo")
    sign_in(elsewhere, counselor)
    elsewhere.goto("/counselor/couples/new")
    expect(elsewhere.get_by_label("Their time zone")).to_have_value(ZONE)
    assert elsewhere.locator("#timezone optgroup").first.locator("option").first.inner_text() == (
        "America/New York"
    )

    # The same name again: a question beside the name, everything typed kept.
    elsewhere.get_by_label("Couple's name").fill("robin & casey")
    elsewhere.get_by_label("First partner (optional)").fill("Robin")
    elsewhere.get_by_label("Their time zone").select_option("Europe/London")
    elsewhere.get_by_label("Their homework week starts on").select_option("Sunday")
    elsewhere.get_by_role("button", name="Create couple and links").click()
    notice = elsewhere.locator("#name-taken")
    expect(notice).to_contain_text("You already have a couple called “Robin & Casey”")
    expect(notice).to_be_focused()
    name_box = field_of(elsewhere, "name").bounding_box()
    assert 0 <= notice.bounding_box()["y"] - (name_box["y"] + name_box["height"]) < 40
    expect(elsewhere.get_by_label("Couple's name")).to_have_value("robin & casey")
    expect(elsewhere.get_by_label("First partner (optional)")).to_have_value("Robin")
    expect(elsewhere.get_by_label("Their time zone")).to_have_value("Europe/London")
    expect(elsewhere.get_by_label("Their homework week starts on")).to_have_value("6")
    findings.append(axe_findings(elsewhere, "new-couple-name-taken", screenshots))
    screenshots.take(elsewhere, "counselor-forms-name-taken")
    elsewhere.get_by_role("button", name="Create it anyway").click()
    expect(elsewhere.get_by_text("robin & casey is ready.")).to_be_visible()
    elsewhere.goto("/counselor/")
    expect(elsewhere.get_by_text(re.compile("^robin & casey$", re.I))).to_have_count(2)
    report(findings)


def test_without_javascript_a_first_couple_starts_in_utc(seed, new_page):
    counselor = seed.counselor()
    page: Page = new_page(COUNSELOR_SCREEN, timezone_id=ZONE, java_script_enabled=False)
    sign_in(page, counselor)
    page.goto("/counselor/couples/new")
    expect(page.get_by_label("Their time zone")).to_have_value("UTC")


def book_today(live_server, couple_id: int, hour: int, minute: int) -> None:
    """An appointment today where the couple lives, at ``hour``:``minute``."""
    with live_server.app.app_context():
        couple = db.session.get(Couple, couple_id)
        zone = ZoneInfo(couple.timezone)
        today = datetime.now(zone).date()
        db.session.add(
            Appointment(
                couple=couple,
                uid=f"browser-{couple_id}@hearth",
                starts_at=datetime(today.year, today.month, today.day, hour, minute, tzinfo=zone),
                minutes=50,
                status=AppointmentStatus.SCHEDULED,
                sequence=0,
            )
        )
        db.session.commit()


def test_the_session_page_goes_quote_read_release(seed, live_server, new_page, screenshots):
    pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
    counselor, couple = seed_couple_with_history(seed, live_server)
    book_today(live_server, couple.id, 0, 10)
    page: Page = new_page(COUNSELOR_SCREEN)
    sign_in(page, counselor)

    # The form's time is the booked one, not the minute it was opened.
    page.goto(f"/counselor/couples/{couple.id}/sessions/new")
    expect(page.get_by_label("Time", exact=True)).to_have_value("00:10")
    page.get_by_label("Focus of the session").fill("Repairing after arguments")
    page.get_by_label("Anything else agreed").fill("Try the ten-minute pause once.")
    page.get_by_role("button", name="Save the session").click()
    expect(page).to_have_url(re.compile(rf"/counselor/couples/{couple.id}/sessions/\d+$"))
    title = re.compile(r"^Session 1 · \w+day \d{1,2} \w+ \d{4} at 00:10$")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    # 1. Quote, 2. read the couple's copy, 3. release: in that order down the page.
    quote = page.get_by_role("heading", name="Moments to quote")
    read = page.get_by_role("heading", name="Read the couple's copy")
    release = page.get_by_role("button", name="Release the couple's copy")
    tops = [x.bounding_box()["y"] for x in (quote, read, page.locator(".preview"), release)]
    assert tops == sorted(tops), tops
    findings = [axe_findings(page, "session-page-in-order", screenshots)]
    screenshots.take(page, "counselor-forms-session-page")

    moments = page.locator("#pins")
    moments.locator("label.choice").filter(has_text="P1-SHARED-ANSWER").get_by_role(
        "checkbox"
    ).check()
    moments.get_by_role("button", name="Save pinned moments").click()
    expect(page.get_by_text("1 moment pinned to the summary.")).to_be_visible()
    expect(page.locator(".preview blockquote")).to_contain_text(P1_SHARED)
    coming = page.locator(".preview section").filter(
        has=page.get_by_role("heading", name="Homework for the coming weeks")
    )
    expect(coming).to_contain_text("Try the ten-minute pause once.")
    page.get_by_role("button", name="Release the couple's copy").click()
    expect(page.get_by_text("Released. Both partners can now download their copy.")).to_be_visible()
    report(findings)

    # The PDF names the session as the page does.
    session_id = int(re.search(r"/sessions/(\d+)$", page.url).group(1))
    answer = page.request.get(
        f"/counselor/couples/{couple.id}/sessions/{session_id}/summary-couple.pdf"
    )
    assert answer.status == 200
    text = pdf_text(answer.body())
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading in text, text[:400]
    assert not re.search(r"\d{4}, \d{2}:\d{2}", text)  # no "December 2026, 00:10" left
    pdf = screenshots.folder / "counselor-forms-summary.pdf"
    pdf.write_bytes(answer.body())
    if PDFTOPPM:
        prefix = screenshots.folder / "counselor-forms-summary-page1"
        subprocess.run(  # noqa: S603 - fixed arguments, our own file
            [PDFTOPPM, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), prefix],
            check=True,
            timeout=60,
        )
        screenshots.taken.append(prefix.with_suffix(".png"))


def test_a_session_with_nothing_to_quote_says_so_above_the_release(seed, live_server, new_page):
    counselor = seed.counselor()
    couple = seed.couple(counselor, ("Kim", "Jo"), joined=(True, True))
    session_id = seed_session(live_server, couple, released=False)
    page: Page = new_page(COUNSELOR_SCREEN)
    sign_in(page, counselor)
    page.goto(f"/counselor/couples/{couple.id}/sessions/{session_id}")
    expect(page.locator("#pins")).to_contain_text("Nothing to quote this time")
    release = page.get_by_role("button", name="Release the couple's copy")
    assert page.locator("#pins").bounding_box()["y"] < release.bounding_box()["y"]
