"""The weekly check-in in Spanish (#19): a partner who chose Spanish reads the check-in's
card and page in Spanish, Hearth's standard questions included; a refused answer says
why in Spanish beside its field and keeps what was typed; the other partner and the
counselor, at the same time, keep their English; a counselor's own questions are shown
as the counselor wrote them, and each answer keeps the wording it was given under."""

from __future__ import annotations

import re
from dataclasses import replace
from html import unescape

import pytest
from sqlalchemy import select

from extensions import db
from kinds.checkin import questions as qs
from kinds.checkin.models import CheckIn
from models import ANSWER_MAX
from tests.conftest import text_of
from tests.spanish import near, spanish_page
from tests.test_check_in import answers
from tests.test_checkin_questions import CLOSE, TRY, version

# Hearth's words on the check-in, in English and as a Spanish partner reads them.
ENGLISH = (
    "Weekly check-in",
    "How connected I felt",
    "How heard I felt",
    "Stress from outside the relationship",
    "1 = not at all, 10 = very",
    "What went well",
    "What felt off",
    "How we can support each other",
    "Share my numbers with my partner",
    "In your own words",
    "Save my check-in",
)
SPANISH = (
    "Repaso semanal",
    "Qué tan conectado/a me sentí",
    "Qué tan escuchado/a me sentí",
    "Estrés de fuera de la relación",
    "1 = nada, 10 = mucho",
    "1 = en calma, 10 = mucho",
    "Qué salió bien",
    "Qué no se sintió bien",
    "Cómo podemos apoyarnos",
    "Compartir mis números con mi pareja",
    "Guardar mi repaso",
)
SAM_WORDS = "Cocinamos juntos el domingo"


@pytest.fixture
def made(spanish_homework):
    return spanish_homework


def card_of(response) -> str:
    """The check-in card's visible text on This week (tags removed, spaces collapsed)."""
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:500]
    start = html.index('id="card-checkin"')
    card = html[html.index(">", start) + 1 : html.index("</section>", start)]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", card)).split())


def page_url(made) -> str:
    return f"/week/{made['week']}/check-in"


def test_the_check_in_card_speaks_spanish(sam_es):
    response = sam_es.get("/week")
    spanish_page(response)
    card = card_of(response)
    for words in (
        *SPANISH,
        "queda 1",
        "Tus números son solo para Dana, a menos que marques esto:",
        "Con tus propias palabras (opcional)",
        "Cada respuesta es solo para tu consejero/a, a menos que elijas compartirla con "
        "Alex (pareja).",
        "Alex (pareja) todavía no hizo el repaso.",
    ):
        assert words in card, words
    for english in (*ENGLISH, "hasn't checked in", "Your numbers"):
        assert english not in card, english
    # What is left this week names the check-in in Spanish too.
    week = text_of(response)
    assert "Repaso semanal Hacer el repaso" in week


def test_the_check_in_page_speaks_spanish(sam_es, made):
    page = spanish_page(sam_es.get(page_url(made)))
    for words in (
        *SPANISH,
        "← Esta semana",
        "Hacer el repaso",
        "Cinco minutos tranquilos, solo para ti. No hay respuestas correctas.",
        "Cómo se sintió la semana",
        "Tus números, como tus respuestas de abajo, son solo para Dana, a menos que elijas "
        "compartirlos con Alex (pareja).",
        "Con tus propias palabras",
    ):
        assert words in page, words
    for english in (*ENGLISH, "How the week felt", "There are no right answers", "← This week"):
        assert english not in page, english
    assert "Repaso semanal · " in sam_es.get(page_url(made)).get_data(as_text=True)


def test_a_check_in_is_sent_and_said_in_spanish(sam_es, alex_en, made):
    sent = sam_es.post(page_url(made), data=answers(went_well=SAM_WORDS), follow_redirects=True)
    page = spanish_page(sent)
    assert "Gracias por hacer el repaso. Ya está guardado." in page
    card = card_of(sent)
    assert "Hiciste el repaso el" in card
    assert "Tus números: conexión 6, sentirse escuchado/a 5, estrés de fuera 7." in card
    assert f"Qué salió bien: {SAM_WORDS}" in card
    assert "Alex (pareja) y Dana pueden leerlo" in card
    assert "Qué no se sintió bien: I still worry we avoid talking about money" in card
    assert "Solo Dana puede leerlo" in card
    assert "Cambiar mi repaso" in card and "✓ Listo" in card
    # Stored as it always was: numbers and words, not Spanish labels.
    c = db.session.scalar(select(CheckIn))
    assert (c.connected, c.heard, c.stress, c.went_well) == (6, 5, 7, SAM_WORDS)
    assert c.question_set_id is None
    # Changing it: the page says it is Sam's check-in, in Spanish.
    again = spanish_page(sam_es.get(page_url(made)))
    assert "Tu repaso" in again and "Guardar los cambios" in again
    # Alex reads Sam's shared check-in in English, Sam's own words as written.
    theirs = card_of(alex_en.get("/week"))
    assert "Sam (partner)'s check-in:" in theirs
    assert "Connected 6, heard 5, outside stress 7." in theirs
    assert f"What went well: {SAM_WORDS}" in theirs
    assert "conexión" not in theirs


def test_the_partners_check_in_reads_in_spanish_around_their_words(sam_es, alex_en, made):
    alex_en.post(page_url(made), data=answers())
    card = card_of(sam_es.get("/week"))
    assert "El repaso de Alex (pareja):" in card
    assert "Conexión 6, sentirse escuchado/a 5, estrés de fuera 7." in card
    assert "Estos números son una forma de empezar a hablar, no un veredicto." in card
    assert "Qué salió bien: The lake walk felt like us again" in card  # Alex's words
    assert "money" not in card  # Alex kept that for the counselor


def test_waiting_for_the_other_is_said_in_spanish(sam_es, alex_en, made):
    made["checkin"].reveal_after_both = True
    db.session.commit()
    alex_en.post(page_url(made), data=answers())
    card = card_of(sam_es.get("/week"))
    assert (
        "Alex (pareja) ya hizo el repaso. Lo que compartió se abre cuando tú también hagas "
        "el tuyo." in card
    )
    assert "lake walk" not in card
    sam_es.post(page_url(made), data=answers(went_well=SAM_WORDS))
    card = card_of(sam_es.get("/week"))
    assert "El repaso de Alex (pareja):" in card and "lake walk" in card


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("connected", "11", "Elige un número del 1 al 10, por favor."),
        ("stress", None, "Elige un número del 1 al 10, por favor."),
        ("went_well", "w" * (ANSWER_MAX + 1), f"Que no pase de {ANSWER_MAX} caracteres"),
    ],
)
def test_a_refused_answer_says_why_in_spanish_beside_it_and_keeps_what_was_typed(
    sam_es, made, field, value, message
):
    typed = "Hablamos con calma" if field != "went_well" else value
    data = answers(**{field: value}) | ({"went_well": typed} if field != "went_well" else {})
    refused = sam_es.post(page_url(made), data=data)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert near(html, f'id="{field}-error"', message)
    assert "Revisa el campo marcado abajo, por favor." in text_of(refused)
    assert typed in html
    assert "Please" not in html
    assert db.session.scalar(select(CheckIn)) is None


def test_a_refused_answer_on_the_card_says_why_in_spanish(sam_es, made):
    refused = sam_es.post(
        page_url(made), data=answers(heard="0", went_well=SAM_WORDS), headers={"HX-Request": "true"}
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert near(html, 'id="heard-error"', "Elige un número del 1 al 10, por favor.")
    assert "Revisa las respuestas marcadas abajo, por favor." in text_of(refused)
    assert SAM_WORDS in html and "Please" not in html


def test_a_check_in_changed_elsewhere_is_said_in_spanish(sam_es, made):
    sam_es.post(page_url(made), data=answers())
    sam_es.post(page_url(made), data=answers(went_well="Desde el teléfono", version="1"))
    stale = sam_es.post(page_url(made), data=answers(went_well="Desde el portátil", version="1"))
    assert stale.status_code == 409
    page = text_of(stale)
    assert "Este repaso cambió en otro lugar hace un momento" in page
    assert "(en otra pestaña o dispositivo)" in page
    assert "Desde el teléfono" in page and "Desde el portátil" in page


def test_the_other_partner_and_the_counselor_keep_english_at_the_same_time(
    sam_es, alex_en, signed_in, counselor, couple, made
):
    sam_es.post(page_url(made), data=answers(went_well=SAM_WORDS))
    spanish_page(sam_es.get("/week"))
    theirs = alex_en.get("/week")
    assert '<html lang="en"' in theirs.get_data(as_text=True)
    card = card_of(theirs)
    for english in ENGLISH:
        assert english in card, english
    assert "Repaso semanal" not in card and "Guardar mi repaso" not in card
    page = text_of(alex_en.get(page_url(made)))
    assert "How the week felt" in page and "There are no right answers." in page
    refused = alex_en.post(page_url(made), data=answers(connected="11"))
    assert "Please choose a number from 1 to 10." in text_of(refused)
    # Dana's couple page: Sam's check-in under its English wording.
    dana = signed_in(counselor)
    html = dana.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert '<html lang="en"' in html
    assert "What went well" in html and SAM_WORDS in html
    assert "Qué salió bien" not in html and "conexión" not in html


def test_a_counselors_own_questions_are_shown_as_written(sam_es, made):
    week = made["week"]
    heard = replace(qs.STANDARD[1], label="How listened to I felt")  # reworded by Dana
    version(made["checkin"], week, [qs.STANDARD[0], heard, CLOSE, qs.STANDARD[3], TRY])
    db.session.commit()
    page = spanish_page(sam_es.get(page_url(made)))
    # Hearth's wording in Spanish; Dana's, even of a standard question, as written.
    assert "Qué tan conectado/a me sentí" in page and "1 = nada, 10 = mucho" in page
    assert "How listened to I felt" in page and "1 = not at all, 10 = very" in page
    assert "Qué tan escuchado/a me sentí" not in page
    assert "How close we felt" in page and "0 = far apart, 6 = very close" in page
    assert "One thing to try next week" in page and "Qué salió bien" in page
    refused = sam_es.post(
        page_url(made),
        data={"version": "0", "connected": "6", "heard": "5", "q_qclose": "7", "q_qtry": "Bailar"},
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert near(html, 'id="q_qclose-error"', "Elige un número del 0 al 6, por favor.")
    assert "Bailar" in html
    sent = sam_es.post(
        page_url(made),
        data={
            "version": "0",
            "connected": "6",
            "heard": "5",
            "q_qclose": "4",
            "scales_shared": "y",
            "went_well": SAM_WORDS,
            "went_well_visibility": "shared",
            "q_qtry": "Bailar en la cocina",
            "q_qtry_visibility": "shared",
        },
        follow_redirects=True,
    )
    card = card_of(sent)
    assert "Tus números: conexión 6, How listened to I felt 5, How close we felt 4 (0–6)." in card
    assert f"Qué salió bien: {SAM_WORDS}" in card
    assert "One thing to try next week: Bailar en la cocina" in card


def test_an_answer_keeps_the_wording_it_was_given_under(sam_es, alex_en, made):
    """Sam checked in under Hearth's wording; Dana's rewording from this week on asks Alex
    in her words, while Sam's check-in is still read in Hearth's, in Sam's language."""
    sam_es.post(page_url(made), data=answers(went_well=SAM_WORDS))
    heard = replace(qs.STANDARD[1], label="How listened to I felt")
    version(made["checkin"], made["week"], [qs.STANDARD[0], heard, *qs.STANDARD[3:]])
    db.session.commit()
    card = card_of(sam_es.get("/week"))
    assert "Tus números: conexión 6, sentirse escuchado/a 5, estrés de fuera 7." in card
    page = spanish_page(sam_es.get(page_url(made)))
    assert "Qué tan escuchado/a me sentí" in page and "How listened to I felt" not in page
    theirs = text_of(alex_en.get(page_url(made)))
    assert "How listened to I felt" in theirs and "How heard I felt" not in theirs


def test_with_spanish_switched_off_the_same_partner_checks_in_in_english(app, sam_es, made):
    app.config["LANGUAGES"] = ["en"]
    card = card_of(sam_es.get("/week"))
    for english in ENGLISH:
        assert english in card, english
    sent = sam_es.post(page_url(made), data=answers(), follow_redirects=True)
    assert "Thank you for checking in. It's saved." in text_of(sent)
    assert "Your numbers: connected 6, heard 5, outside stress 7." in card_of(sent)
