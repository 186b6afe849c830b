"""A partner with a Spanish phone joins, signs out, signs in again and opens their account:
all in Spanish, on a 360 px phone, with no serious accessibility problem (#19)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, SMALL_PHONE, phone_fit_problems, unique_email
from tests.browser.test_accessibility import axe_problems

pytestmark = pytest.mark.browser


@pytest.fixture
def spanish_offered(live_server):
    config = live_server.app.config
    before = config["LANGUAGES"]
    config["LANGUAGES"] = ["en", "es"]
    yield
    config["LANGUAGES"] = before


def _clean(page: Page, name: str, screenshots) -> None:
    blocking, _ = axe_problems(page, name, screenshots)
    assert not blocking, "\n".join(blocking)
    assert not phone_fit_problems(page, name)
    assert page.locator("html").get_attribute("lang") == "es"


def test_a_partner_joins_and_comes_back_in_spanish_on_a_phone(
    seed, new_page, spanish_offered, screenshots, browser_log
):
    couple = seed.couple(seed.counselor("Dana Rivera"))
    page = new_page(SMALL_PHONE, locale="es-ES")
    email = unique_email("robin")

    page.goto(couple.links[1])
    expect(page.get_by_role("heading", name="Te damos la bienvenida a Hearth")).to_be_visible()
    expect(page.get_by_text("Dana Rivera te invitó a hacer aquí las actividades")).to_be_visible()
    _clean(page, "join-es", screenshots)
    screenshots.take(page, "join-es", docs="join-es.png")

    # A slip first: the refusal is in Spanish, next to the field, and nothing typed is lost.
    browser_log.expect_status(422)
    page.get_by_label("Tu nombre").fill("Robin")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Elige una contraseña").fill(PASSWORD)
    page.get_by_label("Escríbela otra vez").fill(PASSWORD + "x")
    page.get_by_label("Leí cómo Dana guarda lo que escribo solo para Dana").check()
    page.get_by_role("button", name="Unirme").click()
    expect(page.locator("#confirm-error")).to_have_text(
        "Las dos contraseñas todavía no son iguales."
    )
    expect(page.get_by_label("Tu nombre")).to_have_value("Robin")
    _clean(page, "join-es-refused", screenshots)

    page.get_by_label("Elige una contraseña").fill(PASSWORD)
    page.get_by_label("Escríbela otra vez").fill(PASSWORD)
    if not page.get_by_label("Leí cómo Dana guarda lo que escribo solo para Dana").is_checked():
        page.get_by_label("Leí cómo Dana guarda lo que escribo solo para Dana").check()
    page.get_by_role("button", name="Unirme").click()
    page.wait_for_url("**/week")
    expect(page.get_by_text("Te damos la bienvenida, Robin. Ya está todo listo.")).to_be_visible()
    expect(page.get_by_role("link", name="Esta semana")).to_be_visible()

    # Signing out is on the account page (the top bar keeps to one row on a phone).
    page.get_by_role("link", name="Cuenta").click()
    expect(page.get_by_role("heading", name="Tu cuenta", level=1)).to_be_visible()
    page.get_by_role("button", name="Cerrar sesión", exact=True).click()
    expect(
        page.get_by_text("Se cerró tu sesión, en este dispositivo y en cualquier otro.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Qué bueno verte de nuevo")).to_be_visible()
    _clean(page, "sign-in-es", screenshots)

    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url("**/week")

    page.get_by_role("link", name="Cuenta").click()
    expect(page.get_by_role("heading", name="Tu cuenta", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Mensajes")).to_be_visible()
    expect(page.get_by_role("heading", name="Tu calendario")).to_be_visible()
    expect(page.get_by_role("group", name="Escríbeme sobre")).to_be_visible()
    _clean(page, "account-es", screenshots)
    screenshots.take(page, "account-es")
