"""A released summary in Spanish on a phone (#19): Sam chose Spanish; on a 360 px phone
they open Resúmenes, read the summary in Spanish and save its PDF, which is in Spanish
too; the English copy their partner reads is offered beside it, in English. Nothing
serious for axe, nothing scrolls sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import phone_fit_problems
from tests.browser.test_spanish_week import (
    PHONE_360,
    sign_in_by_fields,
    spanish_offered,  # noqa: F401 - a fixture
    speaks_spanish,
)
from tests.browser.test_summaries import (
    FOCUS,
    NEVER_FOR_THE_COUPLE,
    SHARED_NOTES,
    no_sideways_scroll,
    pdf_text,
    seed_couple_with_history,
    seed_session,
    squashed,
)

pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
from tests.browser.test_accessibility import axe_problems, report  # noqa: E402

pytestmark = pytest.mark.browser

SPANISH_FILENAME = re.compile(r"^hearth-resumen-\d{4}-\d{2}-\d{2}-sam-alex\.pdf$")


def test_a_spanish_partner_reads_and_saves_the_summary_in_spanish_on_a_phone(
    seed,
    live_server,
    new_page,
    screenshots,
    spanish_offered,  # noqa: F811
):
    _counselor, couple = seed_couple_with_history(seed, live_server)
    sam = couple.partners[1]
    speaks_spanish(seed, sam)
    session_id = seed_session(live_server, couple, released=True)

    page: Page = new_page(PHONE_360, locale="es-ES")
    sign_in_by_fields(page, sam)
    page.get_by_role("navigation", name="Principal").get_by_role("link", name="Resúmenes").click()
    expect(page).to_have_url(re.compile(r"/summaries$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Resúmenes", level=1)).to_be_visible()
    row = page.locator(".summary-row")
    expect(row).to_contain_text(FOCUS)  # the counselor's words, as written
    expect(row.get_by_role("heading", level=2)).to_contain_text("Sesión 1 ·")
    expect(row.get_by_role("link", name="Guardar una copia en PDF")).to_be_visible()
    # Alex reads English: their copy is offered too, in their words.
    english = row.get_by_role("link", name=re.compile("Download in English"))
    expect(english).to_have_attribute("href", f"/summaries/{session_id}.pdf?lang=en")
    expect(english).to_have_attribute("lang", "en")
    screenshots.take(page, "summaries-es-360")
    no_sideways_scroll(page)

    # The summary as a page, in Spanish around the counselor's words.
    row.get_by_role("link", name=re.compile("Leer el resumen")).click()
    expect(page).to_have_url(re.compile(rf"/summaries/{session_id}$"))
    expect(page.get_by_role("heading", name="Sesión 1", level=1)).to_be_visible()
    body = page.locator(".summary-page")
    for words in (
        "Hearth · resumen de la sesión",
        "En qué se centró la sesión",
        "Actividades hasta ahora",
        "Ritmo semanal",
        "Repasos semanales",
        "Próxima sesión",
        SHARED_NOTES,
    ):
        expect(body).to_contain_text(words)
    text = body.inner_text()
    for english_words in ("Focus of the session", "Homework so far", "Next session"):
        assert english_words not in text, f"{english_words!r} left in English"
    page.reload()
    no_sideways_scroll(page)
    assert not phone_fit_problems(page, "summary-es-360")
    page.mouse.move(0, 0)
    screenshots.take(page, "summary-es-360")
    page.evaluate("window.scrollTo(0, 0)")
    screenshots.take(page, "summary-es-360-top", docs="summary-es.png", first_screen=True)
    report([axe_problems(page, "summary-es-360", screenshots)])

    # Saved as a PDF, in Spanish, with only what both may read.
    with page.expect_download() as event:
        page.get_by_role("link", name="Guardar una copia en PDF").tap()
    download = event.value
    assert SPANISH_FILENAME.match(download.suggested_filename), download.suggested_filename
    path = screenshots.folder / "summary-es.pdf"
    download.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    text = squashed(pdf_text(data))
    for words in ("Hearth·resumendelasesión", "Enquésecentrólasesión", "Próximasesión"):
        assert words in text, words
    assert squashed(FOCUS) in text
    for secret in NEVER_FOR_THE_COUPLE:
        assert secret not in text, f"{secret!r} is in the couple's PDF"
    expect(page).to_have_url(re.compile(rf"/summaries/{session_id}$"))  # still on the page
