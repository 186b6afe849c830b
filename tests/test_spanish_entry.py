"""Spanish for the way in (joining, signing in, a new password), the account page,
e-mails, calendar feeds and dates (#19): a partner who speaks Spanish gets all of it in
Spanish while the other partner and the counselor keep English."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale
from icalendar import Calendar

from domain import appointments, calendar_feed, dates, invitations, mail
from domain.mail import invites
from domain.summary import full_day_time
from domain.weeks import Week
from extensions import db
from models import utcnow
from tests import factories
from tests.conftest import login, text_of
from tests.mail_helpers import at, couple_with_homework
from tests.smtp_server import html_part, text_part
from tests.test_invitations import NEW_PASSWORD, invited, join  # noqa: F401 (the fixture)
from web import filters

SPANISH_PHONE = {
    "Accept-Language": "es-ES,es;q=0.9",
    "User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148",
}


@pytest.fixture(autouse=True)
def spanish_offered(app):
    app.config["LANGUAGES"] = ["en", "es"]


def _speaks_spanish(user) -> None:
    user.locale = "es"
    db.session.commit()


def _error_next_to(html: str, field: str) -> str:
    at_ = html.index(f'id="{field}-error"')
    return html[at_ : at_ + 400]


# --- The way in ----------------------------------------------------------------------------


def test_the_join_page_follows_a_spanish_browser(client, invited):  # noqa: F811
    _, token, _ = invited
    page = client.get(f"/join/{token}", headers=SPANISH_PHONE)
    text, html = text_of(page), page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="es"' in html
    assert "Te damos la bienvenida a Hearth" in text
    assert "Dana Rivera te invitó a hacer aquí las actividades entre sesiones." in text
    assert "Tu nombre" in text and "Elige una contraseña" in text and "Unirme" in text
    assert "Leí cómo Dana guarda lo que escribo solo para Dana" in text
    assert "Ir al contenido" in text
    for english in ("Welcome to Hearth", "Your name", "Type it once more", "Skip to content"):
        assert english not in text

    # The same page for an English browser is as it always was.
    english = text_of(client.get(f"/join/{token}"))
    assert "Welcome to Hearth" in english and "Dana Rivera invited you" in english


def test_joining_refused_in_spanish_keeps_what_was_typed(client, invited):  # noqa: F811
    _, token, _ = invited
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    answer = join(client, token, display_name="Tu consejero", confirm="otra cosa distinta")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Eso suena a un papel dentro de Hearth" in _error_next_to(html, "display_name")
    assert "Las dos contraseñas todavía no son iguales." in _error_next_to(html, "confirm")
    assert 'value="robin@example.com"' in html
    short = join(client, token, password="corta", confirm="corta", read_policy="")
    html = short.get_data(as_text=True)
    assert "Usa al menos 12 caracteres, por favor." in _error_next_to(html, "password")
    assert "Lee cómo lo guarda Dana y luego marca la casilla" in _error_next_to(html, "read_policy")


def test_a_partner_joins_signs_out_and_in_again_in_spanish(client, invited):  # noqa: F811
    _, token, _ = invited
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-MX,es;q=0.9"
    assert join(client, token).status_code == 302
    out = client.post("/logout", follow_redirects=True)
    assert "Se cerró tu sesión, en este dispositivo y en cualquier otro. Cuídate." in text_of(out)
    assert "Qué bueno verte de nuevo" in text_of(out)  # the sign-in page

    wrong = client.post("/login", data={"email": "robin@example.com", "password": "no es esta"})
    assert wrong.status_code == 422
    assert "Ese correo y esa contraseña no coinciden" in text_of(wrong)
    empty = client.post("/login", data={"email": "", "password": ""})
    assert "Escribe tu correo, por favor." in _error_next_to(empty.get_data(as_text=True), "email")

    back = login(client, "robin@example.com", NEW_PASSWORD)
    assert '<html lang="es"' in back.get_data(as_text=True)
    assert "Esta semana" in text_of(back) and "Cuenta" in text_of(back)


def test_forgot_password_and_its_answers_in_spanish(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    page = client.get("/forgot-password")
    assert "¿Olvidaste tu contraseña?" in text_of(page) and "Envíame un enlace" in text_of(page)
    refused = client.post("/forgot-password", data={"email": ""})
    assert refused.status_code == 422
    assert "Escribe tu correo, por favor." in _error_next_to(
        refused.get_data(as_text=True), "email"
    )
    sent = client.post("/forgot-password", data={"email": "nadie@example.com"})
    assert "Si nadie@example.com pertenece a una cuenta de Hearth" in text_of(sent)
    gone = client.get("/reset/not-a-token")
    assert gone.status_code == 410 and "Este enlace ya no funciona" in text_of(gone)


def test_error_pages_and_an_unusable_link_in_spanish(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert "No encontramos esa página" in text_of(missing)
    assert "Volver al inicio" in text_of(missing)
    assert "We couldn't find that page" not in text_of(missing)
    link = client.get("/join/not-a-real-token")
    assert "No reconocemos este enlace" in text_of(link) and "Ir a iniciar sesión" in text_of(link)


# --- The account -----------------------------------------------------------------------------


def test_the_account_page_speaks_spanish_to_sam_and_english_to_the_others(
    app, couple, counselor, signed_in
):
    sam_user = couple.partner_at(1).user
    _speaks_spanish(sam_user)
    sam = signed_in(sam_user)
    page = sam.get("/account/")
    text = text_of(page)
    assert '<html lang="es"' in page.get_data(as_text=True)
    for spanish in (
        "Tu cuenta",
        "Tu contraseña actual",
        "Mensajes",
        "Escríbeme sobre",
        "Empezó una semana nueva",
        "Horas de silencio",
        "Guardar mensajes",
        "Tu calendario",
        "Crear mi enlace de calendario",
        "Hearth guarda lo que escribes entre tú, tu pareja y tu consejero o consejera.",
    ):
        assert spanish in text, spanish
    for english in ("Your calendar", "E-mail me about", "Save messages", "Quiet from"):
        assert english not in text

    for other in (couple.partner_at(2).user, counselor):
        text = text_of(signed_in(other).get("/account/"))
        assert "Your account" in text and "Your calendar" in text and "Tu cuenta" not in text


def test_account_forms_refused_in_spanish(app, couple, signed_in):
    sam_user = couple.partner_at(1).user
    _speaks_spanish(sam_user)
    sam = signed_in(sam_user)
    answer = sam.post(
        "/account/password",
        data={"current_password": "", "password": "corta", "confirm": "corta"},
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Escribe tu contraseña actual, por favor." in _error_next_to(html, "current_password")
    assert "Usa al menos 12 caracteres" in _error_next_to(html, "password")
    messages = sam.post("/account/messages", data={"messages-send_at": ""})
    assert messages.status_code == 422
    assert "Elige una hora, por ejemplo 09:00." in _error_next_to(
        messages.get_data(as_text=True), "messages-send_at"
    )
    made = sam.post("/account/calendar", follow_redirects=True)
    assert "Tu enlace de calendario está listo." in text_of(made)
    two_step = sam.get("/account/two-step")
    assert "Activar el inicio de sesión en dos pasos" in text_of(two_step)
    assert "Escanea este código con ella:" in text_of(two_step)


# --- E-mails -------------------------------------------------------------------------------


def test_each_partner_gets_the_weeks_message_in_their_own_language(app, counselor, smtp):
    couple, _ = couple_with_homework(counselor)
    sam, alex = (p.user for p in couple.partners)
    _speaks_spanish(sam)
    mail.send_due(at("2026-11-16 09:00"))
    smtp.wait_for(2)
    to_sam, to_alex = smtp.to(sam.email)[0], smtp.to(alex.email)[0]
    assert to_sam["Subject"] == "Hearth: una semana nueva para ustedes dos"
    for part in (text_part(to_sam), html_part(to_sam)):
        assert "Hola, Sam:" in part
        assert "Empezó una semana nueva para ustedes dos (16–22 nov 2026)." in part
        assert "Con cariño," in part
        assert "Hi Sam" not in part and "Warmly" not in part
    assert 'lang="es"' in html_part(to_sam)
    assert 'Recibes estos correos porque "Empezó una semana nueva"' in text_part(to_sam)
    # Alex, the same minute, in English as always.
    assert to_alex["Subject"] == "Hearth: a new week for you two"
    assert "Hi Alex," in text_part(to_alex) and "16–22 Nov 2026" in text_part(to_alex)


def test_the_counselor_chooses_the_language_of_an_invitation(app, counselor, smtp, signed_in):
    """The partner has no account yet: the counselor, whose own pages stay English, picks
    the language their invitation is written in, beside the address; it is kept for the
    next link to the same place."""
    couple = factories.couple(counselor, names=("Robin", "Casey"), joined=(False, False))
    db.session.commit()
    dana = signed_in(counselor)
    page = dana.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert "Language of the e-mail" in page and ">Español</option>" in page
    sent = dana.post(
        f"/counselor/couples/{couple.id}/partners/1/send-link",
        data={"send1-address": "robin@example.com", "send1-language": "en"},
    )
    assert sent.status_code == 302
    english = smtp.wait_for(1)[0]
    assert "invited you to Hearth" in english["Subject"]

    sent = dana.post(
        f"/counselor/couples/{couple.id}/partners/2/send-link",
        data={"send2-address": "casey@example.com", "send2-language": "es"},
    )
    assert sent.status_code == 302
    smtp.wait_for(2)
    spanish = smtp.to("casey@example.com")[0]
    assert "Dana Rivera te invitó a Hearth" in spanish["Subject"]
    assert "Hola, Casey:" in text_part(spanish)
    assert "Abre tu invitación (funciona una vez, hasta el" in text_part(spanish)
    # Shown chosen again beside Casey's address; a new link goes out in Spanish too.
    page = dana.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    casey = page[page.index('name="send2-language"') :]
    assert '<option selected value="es">' in casey[: casey.index("</select>")]
    invites.resend_if_sent_before(invitations.issue(couple.partner_at(2), by=counselor))
    db.session.commit()
    mail.send_due()
    again = smtp.wait_for(3)
    assert all("te invitó" in m["Subject"] for m in again if m["To"] == "casey@example.com")

    # A language that is not offered is refused beside the field, the address kept.
    refused = dana.post(
        f"/counselor/couples/{couple.id}/partners/2/send-link",
        data={"send2-address": "casey2@example.com", "send2-language": "fr"},
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Please choose a language from the list." in html
    assert 'value="casey2@example.com"' in html


def test_with_one_language_no_choice_is_shown(app, counselor, signed_in):
    app.config["LANGUAGES"] = ["en"]
    couple = factories.couple(counselor, names=("Robin", "Casey"), joined=(False, False))
    db.session.commit()
    page = signed_in(counselor).get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert "Language of the e-mail" not in page


def test_a_session_reminder_names_the_day_in_spanish(app, counselor, smtp):
    couple, _ = couple_with_homework(counselor)
    sam = couple.partner_at(1).user
    _speaks_spanish(sam)
    appointments.schedule(couple, at("2026-11-18 17:00"))
    db.session.commit()
    mail.send_due(at("2026-11-17 09:00"))
    message = next(m for m in smtp.wait_for(2) if m["To"].addresses[0].addr_spec == sam.email)
    assert message["Subject"] == "Hearth: su sesión es mañana"
    assert "mañana, miércoles 18 de noviembre a las 17:00." in text_part(message)


# --- Calendar feeds --------------------------------------------------------------------------


def test_a_partners_feed_is_in_their_language(app, couple, with_homework):
    sam, alex = (p.user for p in couple.partners)
    _speaks_spanish(sam)
    appointments.schedule(couple, utcnow().replace(second=0, microsecond=0) + timedelta(days=3))
    db.session.commit()
    links = calendar_feed.Links(home="https://hearth.example/week")
    spanish = Calendar.from_ical(calendar_feed.feed_for(sam, links))
    titles = {str(e["SUMMARY"]) for e in spanish.walk("VEVENT")}
    assert {"Sesión de consejería", "Empieza lo de tu semana", "Cierra el repaso semanal"} <= titles
    assert "Counseling session" not in titles
    assert all(
        str(e["DESCRIPTION"]) == "Abrir Hearth: https://hearth.example/week"
        for e in spanish.walk("VEVENT")
    )
    english = Calendar.from_ical(calendar_feed.feed_for(alex, links))
    assert "Counseling session" in {str(e["SUMMARY"]) for e in english.walk("VEVENT")}


def test_the_feed_address_serves_the_owners_language_whatever_the_browser(app, couple, signed_in):
    sam_user = couple.partner_at(1).user
    _speaks_spanish(sam_user)
    appointments.schedule(couple, utcnow().replace(second=0, microsecond=0) + timedelta(days=3))
    db.session.commit()
    sam = signed_in(sam_user)
    sam.post("/account/calendar")
    token = calendar_feed.token_of(calendar_feed.feed_of(sam_user))
    response = app.test_client().get(f"/calendar/{token}.ics", headers={"Accept-Language": "en"})
    cal = Calendar.from_ical(response.data)
    assert "Sesión de consejería" in {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}


# --- Dates -----------------------------------------------------------------------------------

MOMENT = datetime(2026, 12, 8, 17, 5, tzinfo=UTC)


def test_dates_in_english_are_as_they_were():
    assert filters.short_date(MOMENT, "Europe/Madrid") == "8 Dec 2026"
    assert filters.day_time(MOMENT, "Europe/Madrid") == "Tue 8 Dec, 18:05"
    assert filters.day_month(date(2026, 11, 17)) == "17 Nov"
    assert filters.clock(MOMENT, "Europe/Madrid") == "18:05"
    assert Week(date(2026, 11, 30), "UTC").label() == "30 Nov – 6 Dec 2026"
    assert Week(date(2026, 12, 28), "UTC").label() == "28 Dec 2026 – 3 Jan 2027"
    assert Week(date(2026, 11, 16), "UTC").label() == "16–22 Nov 2026"
    now = datetime(2026, 12, 1, tzinfo=UTC)
    assert appointments.long_day_time(MOMENT, "Europe/Madrid", now) == "Tuesday 8 December, 18:05"
    later = datetime(2027, 1, 5, 9, tzinfo=UTC)
    assert appointments.long_day_time(later, "UTC", now) == "Tuesday 5 January 2027, 09:00"
    assert full_day_time(MOMENT, "Europe/Madrid") == "Tuesday 8 December 2026 at 18:05"


def test_dates_in_spanish_in_the_couples_zone(app):
    with force_locale("es"):
        assert dates.language() == "es"
        assert filters.short_date(MOMENT, "America/Mexico_City") == "8 dic 2026"
        assert filters.day_time(MOMENT, "America/Mexico_City") == "mar 8 dic, 11:05"
        assert filters.day_month(date(2026, 11, 17)) == "17 nov"
        assert Week(date(2026, 11, 30), "UTC").label() == "30 nov – 6 dic 2026"
        assert Week(date(2026, 11, 16), "UTC").label() == "16–22 nov 2026"
        now = datetime(2026, 12, 1, tzinfo=UTC)
        assert (
            appointments.long_day_time(MOMENT, "Europe/Madrid", now)
            == "martes 8 de diciembre, 18:05"
        )
        assert full_day_time(MOMENT, "Europe/Madrid") == "martes 8 de diciembre de 2026 a las 18:05"
