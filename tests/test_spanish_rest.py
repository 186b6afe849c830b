"""The rest a Spanish partner meets (#19): the questionnaire's card and page, the
confidentiality policy's ready-made texts, the connection plan's calendar titles and days,
and WTForms' own messages speak the partner's language, while the other partner and the
counselor keep English at the same time. The counselor's words (an edited policy text, a
questionnaire's items and options) stay as written."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from domain import confidentiality
from domain.weeks import local_today
from extensions import db
from kinds.questionnaire.models import QuestionnaireTake
from models import PolicyConfirmation
from tests.conftest import text_of
from tests.spanish import near, spanish_page
from tests.test_calendar_feed import feed_address, fetch
from tests.test_confidentiality import JOIN_FIELDS, LOCAL_NUMBERS, _invited, set_policy

ITEM = "When I spoke about something that mattered to me, I felt heard."
ITEM_ES = "Cuando hablé de algo que me importaba, me sentí escuchado/a."
NO_SECRETS_ES = "Dana puede sacarlo en una sesión conjunta, o pedirte que lo hagas tú."
NO_SECRETS_EN = "Dana may bring this into a joint session, or ask you to."
WORDING_ES = "Dana trabaja con ustedes dos juntos."
EXCEPTIONS_ES = "Dana compartirá lo que escribas, solo con quienes necesiten saberlo"
SAFETY_ES = "¿No te sientes seguro/a en casa? Llama al número de emergencias de tu zona"
SAFETY_EN = "Not safe at home? Call your local emergency number"


@pytest.fixture
def made(spanish_homework):
    return spanish_homework


def card_of(html: str, kind: str) -> str:
    """The visible text of one card on the week."""
    start = html.index(f'id="card-{kind}"')
    end = html.index("</section>", start)
    return " ".join(re.sub(r"<[^>]+>", " ", html[start:end]).split())


def answers(made, points, **extra) -> dict:
    q = made["questionnaire"].questionnaire_schedule.questionnaire
    data = {"version": "0", "note": "", "note_visibility": "counselor"}
    for item, p in zip(q.items, points, strict=False):
        if p is not None:
            data[f"item-{item.id}"] = str(p)
    return data | extra


# --- The questionnaire ---------------------------------------------------------------------


def test_the_questionnaire_card_and_page_speak_spanish(sam_es, alex_en, made):
    card = card_of(sam_es.get("/week").get_data(as_text=True), "questionnaire")
    # Hearth's own questionnaire: its words are Hearth's, read in Sam's language.
    assert "Sentirnos conectados y escuchados" in card
    assert "Feeling connected and heard" not in card
    assert "6 preguntas cortas, unos minutos a solas." in card
    assert "Responder el cuestionario" in card
    assert "Alex (pareja) todavía no lo ha respondido." in card
    assert "a few minutes on your own" not in card and "Answer the questionnaire" not in card

    page = spanish_page(sam_es.get(f"/week/{made['week']}/questionnaire"))
    assert "← Esta semana" in page and "Semana del " in page
    assert ITEM_ES in page and "Bastante" in page  # Hearth's items and options
    assert ITEM not in page and "Quite a bit" not in page
    assert "Puedes dejar una línea en blanco si prefieres no responderla" in page
    assert "Compartir mis respuestas y mi puntuación con mi pareja" in page
    assert "Si no marcas esto, solo Dana ve tus respuestas y tu puntuación." in page
    assert "Guardar mis respuestas" in page
    assert "Save my answers" not in page and "You may leave a line blank" not in page

    # Alex, at the same time, reads it in English.
    theirs = text_of(alex_en.get(f"/week/{made['week']}/questionnaire"))
    assert "You may leave a line blank if you'd rather not answer it" in theirs
    assert ITEM in theirs and "Quite a bit" in theirs
    assert "Save my answers" in theirs and "Guardar" not in theirs
    assert "Answer the questionnaire" in text_of(alex_en.get("/week"))


def test_answering_the_questionnaire_is_refused_and_thanked_in_spanish(sam_es, alex_en, made):
    url = f"/week/{made['week']}/questionnaire"
    q = made["questionnaire"].questionnaire_schedule.questionnaire
    nothing = sam_es.post(url, data=answers(made, [], note="Todavía lo pienso"))
    assert nothing.status_code == 422
    assert "Responde al menos una línea antes de guardar, por favor." in text_of(nothing)
    assert "Todavía lo pienso" in nothing.get_data(as_text=True)

    made_up = sam_es.post(url, data=answers(made, [9, 2]))
    assert made_up.status_code == 422
    html = made_up.get_data(as_text=True)
    assert "Revisa la línea marcada abajo, por favor." in text_of(made_up)
    assert near(html, f'id="item-{q.items[0].id}-error"', "Elige una de las respuestas de la lista")
    assert re.search(f'name="item-{q.items[1].id}" value="2"\\s+checked', html)

    saved = sam_es.post(url, data=answers(made, [3, 2, 4, 1, 3, None]), follow_redirects=True)
    card = card_of(saved.get_data(as_text=True), "questionnaire")
    assert "Gracias por dedicarle unos minutos con calma. Está guardado." in card
    assert "Respondiste el " in card and "Cambiar mis respuestas" in card
    assert db.session.scalar(select(QuestionnaireTake.answers)) is not None

    # Alex's card says it in English; Sam's answers stay for the counselor.
    theirs = card_of(alex_en.get("/week").get_data(as_text=True), "questionnaire")
    assert "Sam (partner) has answered it." in theirs


def test_a_shared_incomplete_score_is_said_in_spanish(sam_es, made):
    url = f"/week/{made['week']}/questionnaire"
    sam_es.post(url, data=answers(made, [3, 2, 4, 1, 3, None], score_shared="y"))
    card = card_of(sam_es.get("/week").get_data(as_text=True), "questionnaire")
    assert "tu puntuación es incompleta (1 pregunta sin responder)." in card


# --- The confidentiality policy ------------------------------------------------------------


def test_hearths_default_policy_is_read_in_spanish_and_english_at_once(sam_es, alex_en):
    page = spanish_page(sam_es.get("/confidentiality"))
    for words in (NO_SECRETS_ES, WORDING_ES, EXCEPTIONS_ES, SAFETY_ES):
        assert words in page, words
    assert NO_SECRETS_EN not in page and SAFETY_EN not in page
    # The line beside every "for my counselor only" choice on the week, too.
    week = spanish_page(sam_es.get("/week"))
    assert f"Solo para tu consejero/a: {NO_SECRETS_ES}" in week
    english = text_of(alex_en.get("/confidentiality"))
    assert NO_SECRETS_EN in english and SAFETY_EN in english and NO_SECRETS_ES not in english


def test_a_counselors_own_words_stay_as_written_beside_hearths_in_spanish(
    dana, sam_es, alex_en, couple
):
    edited = "Dana may bring this up in a joint session, after talking with you first."
    set_policy(dana, line=edited)  # the wording and exceptions left as Hearth's
    saved = confidentiality.counselor_policy(couple.counselor)
    assert saved.line == edited and saved.safety == LOCAL_NUMBERS  # stored as sent, in English
    # The changed policy is read once, before the next page: in Spanish around their words.
    asked = sam_es.get("/week")
    assert asked.status_code == 302 and "/confidentiality/confirm" in asked.headers["Location"]
    page = spanish_page(sam_es.get("/confidentiality/confirm?next=/week"))
    assert edited in page and LOCAL_NUMBERS in page  # the counselor's words, as written
    assert WORDING_ES in page and EXCEPTIONS_ES in page  # Hearth's words, in Spanish
    assert NO_SECRETS_ES not in page
    sam_es.post("/confidentiality/confirm?next=/week", data={"read": "y"})
    confirmed = db.session.scalars(select(PolicyConfirmation.policy_id)).all()
    assert confirmed == [saved.id]  # the stored version, whatever language it was read in
    assert f"Solo para tu consejero/a: {edited}" in spanish_page(sam_es.get("/week"))
    alex_en.post("/confidentiality/confirm?next=/week", data={"read": "y"})
    english = text_of(alex_en.get("/confidentiality"))
    assert edited in english and "Dana works with the two of you together." in english


def test_a_name_the_counselor_changed_is_their_words(dana, counselor, sam_es):
    """Hearth's text under another name than the counselor's is not Hearth's ready-made
    text for this counselor: it stays as written."""
    other = NO_SECRETS_EN.replace("Dana", "Dr Rivera")
    set_policy(dana, line=other)
    page = spanish_page(sam_es.get("/confidentiality"))
    assert other in page and NO_SECRETS_ES not in page


def test_joining_in_spanish_reads_hearths_policy_in_spanish_and_confirms_the_stored_one(
    app, counselor
):
    app.config["LANGUAGES"] = ["en", "es"]
    partner, token = _invited(counselor)
    joiner = app.test_client()
    spanish = {"Accept-Language": "es-ES,es;q=0.9"}
    page = joiner.get(f"/join/{token}", headers=spanish)
    text = spanish_page(page)
    assert NO_SECRETS_ES in text and SAFETY_ES in text and NO_SECRETS_EN not in text
    seen = re.search(r'name="policy_seen"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    response = joiner.post(
        f"/join/{token}",
        data={**JOIN_FIELDS, "read_policy": "y", "policy_seen": seen.group(1)},
        headers=spanish,
    )
    assert response.status_code == 302 and response.headers["Location"] == "/week"
    [policy_id] = db.session.scalars(
        select(PolicyConfirmation.policy_id).where(PolicyConfirmation.partner_id == partner.id)
    ).all()
    kept = confidentiality.counselor_policy(counselor)
    assert kept.id == policy_id and kept.line == NO_SECRETS_EN  # Hearth's English words, kept


# --- The connection plan in the calendar ---------------------------------------------------


def test_a_plans_feed_titles_and_days_are_in_each_partners_language(
    app, sam_es, alex_en, couple, made
):
    day = local_today(couple.timezone) + timedelta(days=2)
    base = f"/week/{made['week']}/plan"
    data = {
        "plan-date-on_day": day.isoformat(),
        "plan-date-at_time": "19:30",
        "plan-date-what": "Cena tranquila",
        "plan-date-arranged_by": "both",
    }
    assert sam_es.post(base + "/date", data=data).status_code == 302
    away = {k.replace("date", "away"): v for k, v in data.items()} | {
        "plan-away-on_day": (day + timedelta(days=20)).isoformat(),
        "plan-away-at_time": "",
    }
    assert sam_es.post(base + "/away", data=away).status_code == 302
    spanish = Calendar.from_ical(fetch(app, feed_address(sam_es)).data)
    titles = {str(e["SUMMARY"]) for e in spanish.walk("VEVENT")}
    assert {"Cita (planeada juntos)", "Noche fuera (planeada juntos)"} <= titles
    assert not any("planned together" in t for t in titles)
    english = Calendar.from_ical(fetch(app, feed_address(alex_en)).data)
    titles = {str(e["SUMMARY"]) for e in english.walk("VEVENT")}
    assert {"Date (planned together)", "Night away (planned together)"} <= titles
    # The card names the day in each partner's language.
    from domain import dates

    spanish_day = dates.write(day, "weekday", "es")
    english_day = dates.write(day, "weekday", "en")
    assert f"{spanish_day}, 19:30" in card_of(sam_es.get("/week").get_data(as_text=True), "plan")
    assert f"{english_day}, 19:30" in card_of(alex_en.get("/week").get_data(as_text=True), "plan")


# --- WTForms' own messages -----------------------------------------------------------------


def test_a_built_in_message_is_in_spanish_beside_its_field_with_the_typed_value(
    sam_es, alex_en, made
):
    url = f"/week/{made['week']}/pause/rule"
    rule = {
        "rule-word": "tiempo fuera",
        "rule-minutes": "veinte",
        "rule-calming": "sale a caminar",
        "rule-coming_back": "en la cocina",
    }
    refused = sam_es.post(url, data=rule)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert '<html lang="es"' in html
    assert near(html, 'id="rule-minutes-error"', "No es un valor entero válido")
    assert 'value="veinte"' in html  # what was typed, kept
    assert "Not a valid integer value" not in html
    # Hearth's own message for the same field still wins where we set one.
    assert near(html, 'id="rule-minutes-error"', "de 5 a 240")
    theirs = alex_en.post(url, data=rule | {"rule-minutes": "twenty"})
    assert theirs.status_code == 422
    html = theirs.get_data(as_text=True)
    assert near(html, 'id="rule-minutes-error"', "Not a valid integer value.")
    assert "No es un valor" not in html


def test_hearths_words_win_over_the_librarys_for_a_day_it_cannot_read(sam_es, made):
    refused = sam_es.post(
        f"/week/{made['week']}/plan/date",
        data={
            "plan-date-on_day": "el sábado",
            "plan-date-at_time": "",
            "plan-date-what": "Cena",
            "plan-date-arranged_by": "both",
        },
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert near(html, 'id="plan-date-on_day-error"', "Elige el día, por ejemplo 2026-12-12.")
    assert "No es un valor de fecha válido" not in html


def test_hearths_starting_instructions_are_read_in_each_partners_language(
    sam_es, alex_en, made, couple
):
    """A kind's default instructions kept unchanged are Hearth's words: Spanish for Sam,
    English for Alex. Instructions the counselor wrote are theirs, shown as written."""
    from kinds import registry
    from models import Assignment

    rhythm = registry.named("rhythm").default_instructions
    spanish = spanish_page(sam_es.get("/week"))
    assert "Cada semana, hagan espacio para tres cosas pequeñas juntos." in spanish
    assert rhythm not in spanish
    assert rhythm in text_of(alex_en.get("/week"))

    own = "Tres cositas por semana, como hablamos el martes."
    assignment = db.session.scalar(
        select(Assignment).where(Assignment.couple_id == couple.id, Assignment.kind == "rhythm")
    )
    assignment.instructions = own
    db.session.commit()
    assert own in text_of(sam_es.get("/week")) and own in text_of(alex_en.get("/week"))
    assert "Cada semana, hagan espacio" not in text_of(sam_es.get("/week"))


def test_a_score_with_a_decimal_is_written_the_readers_way(app):
    from flask_babel import force_locale

    from kinds.questionnaire.scoring import number

    with app.test_request_context():
        assert number(2.4) == "2.4" and number(3.0) == "3"
        with force_locale("es"):
            assert number(2.4) == "2,4" and number(12.0) == "12"


def test_a_counselors_questionnaire_is_shown_as_written_even_a_copy_of_hearths(app, counselor):
    """Only Hearth's own questionnaire is read in the partner's language: a counselor's
    questionnaire, even an unchanged copy of Hearth's, is their words."""
    from flask_babel import force_locale

    from kinds.questionnaire import library

    shipped = library.shipped()
    copy = library.build(library.SHIPPED, owner_id=counselor.id)
    with app.test_request_context(), force_locale("es"):
        assert shipped.said(ITEM) == ITEM_ES
        assert shipped.option_words(3) == "Bastante"
        assert copy.said(ITEM) == ITEM and copy.option_words(3) == "Quite a bit"


def test_hearths_rhythm_items_are_read_in_each_partners_language(sam_es, alex_en, made, couple):
    """The three rhythm items Hearth starts from, kept unchanged, are Hearth's words: on the
    card and as the summary's table heads they are in Sam's Spanish and Alex's English; an
    item the counselor reworded is theirs."""
    from kinds.rhythm.models import RhythmItem

    spanish = card_of(sam_es.get("/week").get_data(as_text=True), "rhythm")
    assert "Una conversación de verdad: para reparar, no para culpar." in spanish
    assert "Un momento de cariño, dado sin esperar nada a cambio." in spanish
    assert "One real conversation" not in spanish
    english = card_of(alex_en.get("/week").get_data(as_text=True), "rhythm")
    assert "One real conversation: about repair, not blame." in english

    item = db.session.scalar(select(RhythmItem).where(RhythmItem.position == 1))
    item.wording = "Una charla sin teléfonos, el domingo."
    db.session.commit()
    spanish = card_of(sam_es.get("/week").get_data(as_text=True), "rhythm")
    assert "Una charla sin teléfonos, el domingo." in spanish
    assert "Una conversación de verdad" not in spanish
    assert "Una charla sin teléfonos, el domingo." in card_of(
        alex_en.get("/week").get_data(as_text=True), "rhythm"
    )
