"""This week in Spanish on a phone (#19): Robin chose Spanish; on a 360 px phone they mark
a rhythm moment done with a note, rate a need and read what Casey shared, all in Spanish,
with nothing serious for axe; Casey, at the same time on their own phone, keeps English."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from extensions import db
from models import User
from tests.browser.conftest import PHONE, phone_fit_problems, rhythm_item, sign_in
from tests.browser.test_summaries import no_sideways_scroll

pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
from tests.browser.test_accessibility import axe_problems, report  # noqa: E402

pytestmark = pytest.mark.browser

PHONE_360 = {**PHONE, "viewport": {"width": 360, "height": 740}}
CONVERSATION = "One real conversation"
ACTIVITY = "One shared activity"
# Hearth's own rhythm items, which the counselor kept: Robin reads them in Spanish.
CONVERSATION_ES = "Una conversación de verdad"
ACTIVITY_ES = "Una actividad juntos"
ROBIN_NOTE = "Hablamos del fin de semana sin levantar la voz."
CASEY_NOTE = "We cooked together, slowly."


@pytest.fixture
def spanish_offered(live_server) -> Iterator[None]:
    """Spanish switched on for this journey only (it is off until every page speaks it)."""
    config = live_server.app.config
    before = config.get("LANGUAGES")
    config["LANGUAGES"] = ["en", "es"]
    yield
    config["LANGUAGES"] = before


def speaks_spanish(seed, person) -> None:
    with seed.server.app.app_context():
        db.session.get(User, person.id).locale = "es"
        db.session.commit()


def sign_in_by_fields(page: Page, person) -> None:
    """Sign in through the real form, by its fields rather than their words (the sign-in
    page follows the browser's language)."""
    page.goto("/login")
    page.locator("#email").fill(person.email)
    page.locator("#password").fill(person.password)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_a_partner_does_this_week_in_spanish_on_a_phone_while_the_other_keeps_english(
    seed, new_page, screenshots, spanish_offered
):
    couple = seed.couple(seed.counselor(), ("Robin", "Casey"), joined=(True, True))
    seed.homework(couple)
    robin, casey = couple.partners[1], couple.partners[2]
    speaks_spanish(seed, robin)

    # Casey, in English, marks a moment done with a note shared with Robin.
    theirs: Page = new_page(PHONE)
    sign_in(theirs, casey)
    theirs.goto("/week")
    expect(theirs.locator("html")).to_have_attribute("lang", "en")
    activity = rhythm_item(theirs, ACTIVITY)
    activity.get_by_text("Add a note").click()
    activity.get_by_label("A short note (optional)").fill(CASEY_NOTE)
    activity.get_by_role("button", name="Mark as done").click()
    expect(theirs.locator("#card-rhythm p.card-note")).to_have_text(
        "Marked as done. Nice work, you two."
    )

    # Robin, in Spanish, on a small phone.
    page: Page = new_page(PHONE_360, locale="es-ES")
    sign_in_by_fields(page, robin)
    page.goto("/week")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Hola, Robin", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Esta semana", level=2)).to_be_visible()
    expect(page.locator("#week-progress > p")).to_have_text("Quedan 4 cosas por hacer esta semana")
    left = page.get_by_role("navigation", name="Pendiente esta semana")
    expect(left.get_by_role("link", name=re.compile("Ritmo semanal"))).to_contain_text(
        "2 pendientes para hacer juntos"
    )
    expect(left.get_by_role("link", name=re.compile("Lista de necesidades"))).to_contain_text(
        "Valorar 1 necesidad"
    )

    # What Casey shared, read in Spanish around Casey's own words.
    activity = rhythm_item(page, ACTIVITY_ES)
    expect(activity.locator(".done-by")).to_contain_text("Lo hizo Casey")
    expect(activity.locator("blockquote.note")).to_have_text(CASEY_NOTE)
    needs = page.locator("#card-needs")
    expect(needs.get_by_role("heading", name="Lo que Casey (pareja) te pidió")).to_be_visible()
    expect(needs.locator(".need.asked .need-text")).to_have_text(
        "Casey (pareja) necesita: A need of partner 2"
    )
    expect(needs.locator(".need.asked").get_by_role("button", name="Lo hice")).to_have_count(2)

    # A moment done, with a note shared with Casey.
    conversation = rhythm_item(page, CONVERSATION_ES)
    conversation.get_by_text("Añadir una nota").click()
    conversation.get_by_label("Una nota breve (opcional)").fill(ROBIN_NOTE)
    expect(
        conversation.get_by_role("group", name="Quién puede leer esto").get_by_label(
            "Compartido con mi pareja"
        )
    ).to_be_checked()
    conversation.get_by_role("button", name="Marcar como hecho").click()
    note = page.locator("#card-rhythm p.card-note")
    expect(note).to_have_text("Marcado como hecho. Bien hecho, ustedes dos.")
    expect(note).to_be_focused()
    conversation = rhythm_item(page, CONVERSATION_ES)
    expect(conversation.locator(".done-by")).to_contain_text("Lo hiciste tú")
    expect(conversation.locator("blockquote.note")).to_have_text(ROBIN_NOTE)
    expect(conversation.locator(".who-reads-line")).to_have_text(
        "Casey (pareja) y Dana pueden leerlo"
    )
    expect(page.locator("#week-progress > p")).to_have_text("Quedan 3 cosas por hacer esta semana")
    expect(page.locator("#card-rhythm .card-head .count")).to_have_text("queda 1")

    # A need rated with one tap.
    mine = needs.locator(".need").filter(has_text="A need of partner 1")
    mine.get_by_text("En parte", exact=True).click()
    saved = mine.locator(".saved-line")
    expect(saved).to_contain_text("Guardado")
    expect(saved.get_by_role("button", name="Deshacer")).to_be_visible()
    mine = page.locator("#card-needs .need").filter(has_text="A need of partner 1")
    expect(mine.locator(".saved-rating")).to_have_text("Tu palabra esta semana: En parte")
    expect(page.locator("#week-progress > p")).to_have_text("Quedan 2 cosas por hacer esta semana")

    # Nothing marked for translation left in English on the cards that speak Spanish.
    for card in ("#card-rhythm", "#card-needs"):
        text = page.locator(card).inner_text()
        for english in (
            "Mark as done",
            "Add a note",
            "Done by",
            "Your word",
            "I did this",
            CONVERSATION,
            ACTIVITY,
        ):
            assert english not in text, f"{english!r} left in English on {card}"

    page.reload()
    no_sideways_scroll(page)
    assert not phone_fit_problems(page, "week-es-360")
    page.mouse.move(0, 0)
    screenshots.take(page, "week-es-360", docs="week-es.png")
    screenshots.take(page, "week-es-360-rhythm", element=page.locator("#card-rhythm"))
    report([axe_problems(page, "week-es-360", screenshots)])

    # Casey, at the same time, reads Robin's note in an English page.
    theirs.reload()
    expect(theirs.locator("html")).to_have_attribute("lang", "en")
    conversation = rhythm_item(theirs, CONVERSATION)
    expect(conversation.locator(".done-by")).to_contain_text("Done by Robin")
    expect(conversation.locator("blockquote.note")).to_have_text(ROBIN_NOTE)
    expect(theirs.locator("#card-needs")).to_contain_text(
        "How this felt for Robin (partner) this week: Partly"
    )
    expect(theirs.locator("#week-progress > p")).to_contain_text("things left to do this week")
