"""The weekly check-in in Spanish on a phone (#19): Robin chose Spanish; on a 360 px phone
they read what Casey shared, send the week's check-in from its card (a first try missing a
number is refused in Spanish beside it, keeping what was typed) and read it back, all in
Spanish, with nothing serious for axe; Casey, at the same time, keeps English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import choose_on_scale, phone_fit_problems, prompt, sign_in
from tests.browser.test_spanish_week import (
    PHONE_360,
    sign_in_by_fields,
    spanish_offered,  # noqa: F401 (the fixture)
    speaks_spanish,
)
from tests.browser.test_summaries import no_sideways_scroll

pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
from tests.browser.test_accessibility import axe_problems, report  # noqa: E402

pytestmark = pytest.mark.browser

CONNECTED = "Qué tan conectado/a me sentí"
HEARD = "Qué tan escuchado/a me sentí"
STRESS = "Estrés de fuera de la relación"
ROBIN_WORDS = "Cenamos sin teléfonos y nos reímos mucho."
CASEY_WORDS = "The walk on Sunday felt like us again."


@pytest.mark.usefixtures("spanish_offered")
def test_a_partner_checks_in_in_spanish_on_a_phone_while_the_other_keeps_english(
    seed, new_page, browser_log, screenshots
):
    browser_log.expect_status(422)  # a check-in sent without one number, on purpose
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, True))
    week = seed.homework(couple).week
    robin, casey = couple.partners[1], couple.partners[2]
    speaks_spanish(seed, robin)
    seed.check_in(
        couple,
        2,
        week,
        connected=6,
        heard=7,
        stress=5,
        scales_shared=True,
        went_well=CASEY_WORDS,
        went_well_visibility="shared",
    )
    axe = []

    # Robin, in Spanish, on a small phone: Casey's check-in in Spanish around Casey's words.
    page: Page = new_page(PHONE_360, locale="es-ES")
    sign_in_by_fields(page, robin)
    page.goto("/week")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    card = page.locator("#card-checkin")
    expect(card.get_by_role("heading", name="Repaso semanal")).to_be_visible()
    expect(card.locator(".card-head .count")).to_have_text("queda 1")
    left = page.get_by_role("navigation", name="Pendiente esta semana")
    expect(left.get_by_role("link", name=re.compile("Repaso semanal"))).to_contain_text(
        "Hacer el repaso"
    )
    theirs = card.locator(".their-words")
    expect(theirs.locator(".who-wrote")).to_have_text("El repaso de Casey (pareja):")
    expect(theirs).to_contain_text("Conexión 6, sentirse escuchado/a 7, estrés de fuera 5.")
    expect(theirs).to_contain_text(f"Qué salió bien: {CASEY_WORDS}")
    expect(theirs.locator(".numbers-frame")).to_contain_text("no un veredicto")

    # The check-in, right on its card: Hearth's questions and their ends in Spanish.
    connected = page.get_by_role("group", name=CONNECTED)
    expect(connected.locator(".hint")).to_have_text("1 = nada, 10 = mucho")
    expect(page.get_by_role("group", name=STRESS).locator(".hint")).to_have_text(
        "1 = en calma, 10 = mucho"
    )
    choose_on_scale(page, CONNECTED, 7)
    choose_on_scale(page, HEARD, 6)
    share = page.get_by_label("Compartir mis números con mi pareja")
    expect(share).not_to_be_checked()
    share.check()
    card.get_by_text("Con tus propias palabras (opcional)").click()
    for label in ("Qué salió bien", "Qué no se sintió bien", "Cómo podemos apoyarnos"):
        expect(prompt(page, label).get_by_label("Solo para mi consejero/a")).to_be_checked()
    page.get_by_label("Qué salió bien", exact=True).fill(ROBIN_WORDS)
    prompt(page, "Qué salió bien").get_by_label("Compartido con mi pareja").check()

    # Sent without the third number: refused in Spanish beside it, what was typed kept.
    card.get_by_role("button", name="Guardar mi repaso").click()
    stress = page.locator("#card-checkin fieldset.scale").filter(has_text=STRESS)
    expect(stress.locator(".field-error")).to_have_text("Elige un número del 1 al 10, por favor.")
    expect(page.locator("#card-checkin p.card-note")).to_have_text(
        "Revisa las respuestas marcadas abajo, por favor."
    )
    expect(page.get_by_label("Qué salió bien", exact=True)).to_have_value(ROBIN_WORDS)
    expect(page.get_by_role("group", name=CONNECTED).get_by_role("radio", name="7")).to_be_checked()
    page.mouse.move(0, 0)
    axe.append(axe_problems(page, "checkin-es-refused", screenshots))

    choose_on_scale(page, STRESS, 4)
    page.mouse.move(0, 0)
    screenshots.take(page, "checkin-es-filled", element=page.locator("#card-checkin"))
    page.locator("#card-checkin").get_by_role("button", name="Guardar mi repaso").click()
    note = page.locator("#card-checkin p.card-note")
    expect(note).to_have_text("Gracias por hacer el repaso. Ya está guardado.")
    card = page.locator("#card-checkin")
    mine = card.locator(".my-words")
    expect(mine).to_contain_text("Hiciste el repaso el")
    expect(mine).to_contain_text(
        "Tus números: conexión 7, sentirse escuchado/a 6, estrés de fuera 4."
    )
    expect(mine).to_contain_text(f"Qué salió bien: {ROBIN_WORDS}")
    expect(mine.locator(".who-reads-line").first).to_have_text(
        "Casey (pareja) y Dana pueden leerlo"
    )
    expect(card.get_by_role("link", name="Cambiar mi repaso")).to_be_visible()
    expect(card.locator(".card-head .count")).to_contain_text("Listo")

    # Nothing of Hearth's left in English on the card.
    text = card.inner_text()
    for english in (
        "Weekly check-in",
        "How connected",
        "Your numbers",
        "What went well",
        "You checked in",
        "Change my check-in",
        "check-in:",
    ):
        assert english not in text, f"{english!r} left in English on the check-in card"

    page.reload()
    no_sideways_scroll(page)
    assert not phone_fit_problems(page, "checkin-es-360")
    page.mouse.move(0, 0)
    screenshots.take(page, "checkin-es-360", docs="checkin-es.png", element=card, margin=8)
    axe.append(axe_problems(page, "checkin-es-360", screenshots))

    # Its own page, to change it: in Spanish too, with the answers as saved.
    page.locator("#card-checkin").get_by_role("link", name="Cambiar mi repaso").click()
    expect(page.get_by_role("heading", name="Tu repaso", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Cómo se sintió la semana")).to_be_visible()
    expect(page.get_by_label("Qué salió bien", exact=True)).to_have_value(ROBIN_WORDS)
    expect(page.get_by_role("button", name="Guardar los cambios")).to_be_visible()
    no_sideways_scroll(page)
    assert not phone_fit_problems(page, "checkin-es-page-360")
    screenshots.take(page, "checkin-es-page-360")
    axe.append(axe_problems(page, "checkin-es-page-360", screenshots))
    report(axe)

    # Casey, at the same time, reads Robin's check-in in an English page.
    theirs_page: Page = new_page(PHONE_360)
    sign_in(theirs_page, casey)
    theirs_page.goto("/week")
    expect(theirs_page.locator("html")).to_have_attribute("lang", "en")
    card = theirs_page.locator("#card-checkin")
    expect(card.get_by_role("heading", name="Weekly check-in")).to_be_visible()
    expect(card.locator(".their-words .who-wrote")).to_have_text("Robin (partner)'s check-in:")
    expect(card).to_contain_text("Connected 7, heard 6, outside stress 4.")
    expect(card).to_contain_text(f"What went well: {ROBIN_WORDS}")
    expect(card).to_contain_text("Your numbers: connected 6, heard 7, outside stress 5.")
