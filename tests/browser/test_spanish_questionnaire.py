"""The questionnaire in Spanish on a phone (#19): Robin chose Spanish; on a 360 px phone
they open Hearth's own questionnaire from This week, are asked in Spanish to answer a
line, answer it (its items and options are shown as stored), and read the card's thanks
in Spanish, with nothing serious for axe; Casey, at the same time, keeps English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from kinds.questionnaire.library import SHIPPED
from tests.browser.conftest import PHONE, phone_fit_problems, sign_in
from tests.browser.test_spanish_week import (
    PHONE_360,
    sign_in_by_fields,
    spanish_offered,  # noqa: F401  (a fixture)
    speaks_spanish,
)
from tests.browser.test_summaries import no_sideways_scroll

pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
from tests.browser.test_accessibility import axe_problems, report  # noqa: E402

pytestmark = pytest.mark.browser

# Hearth's own questionnaire is Hearth's words: Robin reads its items and options in Spanish.
ITEMS = [
    "Mi pareja mostró interés por cómo me fue el día.",
    "Cuando hablé de algo que me importaba, me sentí escuchado/a.",
    "Encontramos pequeños momentos para sentirnos cerca.",
    "Me guardé lo que de verdad sentía.",
    "Sentí que estábamos del mismo lado.",
    "Me sentí solo/a con mis preocupaciones, aun con mi pareja cerca.",
]
CHOICES = ["Bastante", "Mucho", "Algo", "Un poco", "Bastante", "Nada"]
NAME_ES = "Sentirnos conectados y escuchados"
NOTE = "Esta semana nos costó un poco menos hablar."


def test_a_partner_answers_the_questionnaire_in_spanish_on_a_phone(
    seed,
    new_page,
    screenshots,
    browser_log,
    spanish_offered,  # noqa: F811
):
    browser_log.expect_status(422)  # the questionnaire sent empty, on purpose
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, True))
    seed.homework(couple, kinds=("rhythm", "questionnaire"))
    robin, casey = couple.partners[1], couple.partners[2]
    speaks_spanish(seed, robin)

    page: Page = new_page(PHONE_360, locale="es-ES")
    sign_in_by_fields(page, robin)
    page.goto("/week")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    card = page.locator("#card-questionnaire")
    expect(card.get_by_role("heading", name=NAME_ES)).to_be_visible()
    expect(card).to_contain_text("6 preguntas cortas, unos minutos a solas.")
    expect(card).to_contain_text("Casey (pareja) todavía no lo ha respondido.")
    card.get_by_role("link", name="Responder el cuestionario").click()

    expect(page.get_by_role("heading", name=NAME_ES, level=1)).to_be_visible()
    for english in [text for text, _reversed in SHIPPED["items"]]:
        expect(page.get_by_text(english)).to_have_count(0)
    expect(page.locator(".lede")).to_contain_text("Semana del ")
    # Sent with nothing chosen: asked, in Spanish, to answer a line.
    page.get_by_role("button", name="Guardar mis respuestas").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Responde al menos una línea antes de guardar, por favor."
    )
    for text, choice in zip(ITEMS, CHOICES, strict=True):
        page.get_by_role("group", name=text).get_by_text(choice, exact=True).click()
    page.get_by_label("Compartir mis respuestas y mi puntuación con mi pareja").check()
    page.get_by_label("Algo que quieras añadir").fill(NOTE)
    no_sideways_scroll(page)
    assert not phone_fit_problems(page, "questionnaire-es-360")
    page.mouse.move(0, 0)
    screenshots.take(page, "questionnaire-es-360")
    report([axe_problems(page, "questionnaire-es-360", screenshots)])
    page.get_by_role("button", name="Guardar mis respuestas").click()

    page.wait_for_url(re.compile(r"/week"))
    card = page.locator("#card-questionnaire")
    expect(card.locator("p.card-note")).to_have_text(
        "Gracias por dedicarle unos minutos con calma. Está guardado."
    )
    expect(card).to_contain_text("Respondiste el ")
    expect(card).to_contain_text("tu puntuación es ")
    expect(card.get_by_role("link", name="Cambiar mis respuestas")).to_be_visible()
    text = card.inner_text()
    for english in ("You answered", "your score", "Change my answers", "short questions,"):
        assert english not in text, f"{english!r} left in English on the questionnaire card"
    no_sideways_scroll(page)
    page.mouse.move(0, 0)
    screenshots.take(page, "questionnaire-es-360-card", element=card)
    report([axe_problems(page, "questionnaire-es-360-card", screenshots)])

    # Casey, at the same time, reads the card in English with Robin's shared score.
    theirs: Page = new_page(PHONE)
    sign_in(theirs, casey)
    theirs.goto("/week")
    expect(theirs.locator("html")).to_have_attribute("lang", "en")
    card = theirs.locator("#card-questionnaire")
    expect(card).to_contain_text("Robin (partner) shared:")
    expect(card).to_contain_text("Score:")
    expect(card.get_by_role("link", name="Answer the questionnaire")).to_be_visible()
