"""The partner's week in Spanish (#19): This week, its cards and the partner's own pages
speak the partner's language when they chose Spanish; a refused form says why in Spanish
next to its field and keeps what was typed; the other partner and the counselor, at the
same time, keep their English; the counselor's own words stay as written."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from extensions import db
from kinds.needs.models import NeedRating
from models import NOTE_MAX
from tests.conftest import text_of
from tests.spanish import near, spanish_page


@pytest.fixture
def made(spanish_homework):
    return spanish_homework


def test_this_week_speaks_spanish_with_every_card(sam_es):
    page = spanish_page(sam_es.get("/week"))
    for words in (
        "Hola, Sam",
        "Tú y Alex (pareja) están trabajando con Dana Rivera.",
        "Esta semana",
        "Quedan 9 cosas por hacer esta semana",
        "Ritmo semanal",
        "Marcar como hecho",
        "Añadir una nota",
        "Al terminar la semana: qué ayudó y qué no",
        "Necesidades",
        "Tus necesidades",
        "¿Cómo fue esta semana?",
        "Cumplida",
        "En parte",
        "Todavía no",
        "Compartido con mi pareja",
        "Solo para mi consejero/a",
        "Lo que Alex (pareja) te pidió",
        "Lo hice",
        "Acuerdo de pausa",
        "Diario compartido",
        "Notas de agradecimiento",
        "Inventario de desconexión",
        "Plan de conexión",
        "Semana anterior",
        "Unas palabras para Dana Rivera",
    ):
        assert words in page, words
    for english in (
        "Mark as done",
        "Add a note",
        "things left",
        "Weekly rhythm",
        "Shared with my partner",
        "For my counselor only",
        "Who can read this",
        "How did it go this week?",
        "I did this",
        "Week before",
        "Pause agreement",
        "Connection plan",
        "Write it down",
        "Send the note",
    ):
        assert english not in page, english


def test_the_counselors_own_words_stay_as_written(sam_es, made):
    # Rhythm items and instructions the counselor wrote are theirs: shown as they wrote them
    # (Hearth's own, kept unchanged, are read in Spanish: test_spanish_rest).
    made["rhythm"].rhythm_items[0].wording = "Hablar del fin de semana, con calma."
    made["rhythm"].instructions = "Three small things; we'll talk about them on Tuesday."
    db.session.commit()
    page = spanish_page(sam_es.get("/week"))
    assert "Hablar del fin de semana, con calma." in page
    assert "Three small things; we'll talk about them on Tuesday." in page
    assert "A need of partner 2" in page  # Alex's own words, shared with Sam


def test_the_other_partner_and_the_counselor_keep_english_at_the_same_time(
    sam_es, alex_en, signed_in, counselor, couple
):
    spanish_page(sam_es.get("/week"))
    theirs = alex_en.get("/week")
    assert '<html lang="en"' in theirs.get_data(as_text=True)
    page = text_of(theirs)
    assert "Hi Alex" in page and "Weekly rhythm" in page and "Mark as done" in page
    assert "Esta semana" not in page and "Marcar como hecho" not in page
    dana = signed_in(counselor)
    html = dana.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert '<html lang="en"' in html and "Ritmo semanal" not in html


def test_marking_an_item_with_a_note_is_said_in_spanish(sam_es, made):
    item = made["rhythm"].rhythm_items[0]
    url = f"/week/{made['week']}/rhythm/{item.id}/done"
    data = {
        f"mark-{item.id}-note": "Hablamos sin prisa",
        f"mark-{item.id}-note_visibility": "shared",
    }
    answer = sam_es.post(url, data=data, follow_redirects=True)
    page = spanish_page(answer)
    assert "Marcado como hecho. Bien hecho, ustedes dos." in page
    assert "Lo hiciste tú" in page
    assert "Hablamos sin prisa" in page
    assert "Alex (pareja) y Dana pueden leerlo" in page
    assert "Cambiar mi nota" in page
    assert "Quedan 8 cosas por hacer esta semana" in page
    # With HTMX, the card alone comes back in Spanish too.
    other = made["rhythm"].rhythm_items[1]
    fragment = sam_es.post(
        f"/week/{made['week']}/rhythm/{other.id}/done", headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert "Marcado como hecho" in text_of(fragment) and "Marked as done" not in text_of(fragment)


def test_a_refused_note_says_why_in_spanish_beside_it_and_keeps_it(sam_es, made):
    item = made["rhythm"].rhythm_items[0]
    long_note = "Muy largo " * (NOTE_MAX // 5)
    answer = sam_es.post(
        f"/week/{made['week']}/rhythm/{item.id}/done", data={f"mark-{item.id}-note": long_note}
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert near(html, f'id="mark-{item.id}-note-error"', f"Que la nota no pase de {NOTE_MAX}")
    assert "Revisa la nota, por favor." in text_of(answer)
    assert long_note.strip() in html
    assert "Please keep" not in html


def test_a_rating_is_said_and_refused_in_spanish(sam_es, made):
    need = made["need_1"]
    url = f"/week/{made['week']}/needs/{need.id}/rating"
    refused = sam_es.post(url, data={f"rating-{need.id}-comment": "Se me olvidó elegir"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert near(
        html, f'id="rating-{need.id}-rating-error"', "Elige cumplida, en parte o todavía no."
    )
    assert "Se me olvidó elegir" in html
    saved = sam_es.post(url, data={f"rating-{need.id}-rating": "partly"}, follow_redirects=True)
    page = spanish_page(saved)
    assert "Guardado. Gracias por tomarte un momento para mirarlo." in page
    assert "Tu palabra esta semana: En parte" in page
    assert db.session.scalar(select(NeedRating.rating)) == "partly"  # stored as it always was


def test_the_partners_shared_answer_reads_in_spanish_around_their_words(sam_es, alex_en, made):
    need = made["need_2"]
    prefix = f"rating-{need.id}"
    alex_en.post(
        f"/week/{made['week']}/needs/{need.id}/rating",
        data={f"{prefix}-rating": "met", f"{prefix}-comment": "Much better this week"},
    )
    page = spanish_page(sam_es.get("/week"))
    assert "Cómo lo sintió Alex (pareja) esta semana: Cumplida" in page
    assert "Much better this week" in page  # their words, as they wrote them
    # Alex's own page says it in English.
    assert "Your word this week: Met" in text_of(alex_en.get("/week"))


def test_the_needs_pages_speak_spanish_and_refuse_in_spanish(sam_es):
    page = spanish_page(sam_es.get("/needs/"))
    assert "Añadir una necesidad" in page and "Esto ya lo tenemos bien" in page
    assert "Reword or change steps" not in page
    form = spanish_page(sam_es.get("/needs/new"))
    assert "Lo que necesito" in form and "Pasos que mi pareja puede dar" in form
    refused = sam_es.post("/needs/new", data={"wording": "", "steps": ""})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert near(html, 'id="wording-error"', "Pon la necesidad en unas pocas palabras.")
    assert near(html, 'id="steps-error"', "Añade al menos un paso, uno por línea.")
    assert "Revisa los campos marcados abajo, por favor." in text_of(refused)


@pytest.mark.parametrize(
    ("path", "spanish_words", "english"),
    [
        ("/journal", "Mirar atrás", "The moments you two wrote down"),
        ("/appreciation", "Nuestras notas", "The notes of thanks"),
        ("/word", "Unas palabras para Dana Rivera", "What you've sent"),
        ("/confidentiality", "Qué significa “solo para mi consejero/a”", "holds it"),
        ("/account/export", "Una copia de tus datos", "What's in it"),
        ("/account/leave", "Dejar la pareja en Hearth", "What stays"),
    ],
)
def test_each_partner_page_speaks_spanish(sam_es, path, spanish_words, english):
    page = spanish_page(sam_es.get(path))
    assert spanish_words in page
    assert english not in page
    assert "← Esta semana" in page


def test_the_inventory_speaks_spanish_and_refuses_in_spanish(sam_es, made):
    url = f"/week/{made['week']}/inventory"
    page = spanish_page(sam_es.get(url))
    assert "Cómo se han sentido las cosas últimamente" in page
    assert "Me he guardado lo que siento más de lo que quisiera" in page
    assert "0 · Nada" in page and "4 · Mucho" in page
    refused = sam_es.post(url, data={"note": "Nada más"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert near(html, 'id="withholding-error"', "Elige qué tan cierto se ha sentido esto")
    assert "Nada más" in html


def test_a_private_word_is_refused_and_sent_in_spanish(sam_es):
    refused = sam_es.post("/word", data={"text": ""})
    assert refused.status_code == 422
    assert near(refused.get_data(as_text=True), 'id="text-error"', "Escribe unas palabras primero.")
    sent = sam_es.post("/word", data={"text": "Quería contarte algo"}, follow_redirects=True)
    page = spanish_page(sent)
    assert "Enviado a Dana Rivera. Tu pareja no lo verá." in page
    assert "Sin leer todavía" in page


def test_with_spanish_switched_off_the_same_partner_reads_english(app, sam_es):
    app.config["LANGUAGES"] = ["en"]
    page = text_of(sam_es.get("/week"))
    assert "Hi Sam" in page and "Mark as done" in page and "Marcar como hecho" not in page
