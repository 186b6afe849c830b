"""Hearth's own words in Spanish: every word marked for translation has one, with the same
placeholders; a person chooses their language, starting from their browser's at joining;
a language is offered only once it is turned on (``LANGUAGES``)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from extensions import db
from models import User
from tests.conftest import login, text_of
from tests.test_invitations import invited, join  # noqa: F401 (the fixture)

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "translations"
LANGUAGES = ["es"]
# %(name)s, %s and {name}: what a translation must keep, each exactly as often.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")


def _extracted(tmp_path) -> list:
    """Every word marked for translation in the code and templates now (as ``make
    translations`` gathers them)."""
    pot = tmp_path / "messages.pot"
    subprocess.run(  # noqa: S603 (our own fixed command)
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            "--ignore-dirs=.* _* tests bench migrations test-artifacts",
            "-k",
            "_l",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as f:
        return [m for m in read_po(f) if m.id]


def _catalogue(code: str):
    with (CATALOGUES / code / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=code)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    return _extracted(tmp_path_factory.mktemp("pot"))


@pytest.fixture(scope="module", autouse=True)
def compiled():
    """The app reads compiled catalogues (``make test`` builds them; a lone pytest too)."""
    for code in LANGUAGES:
        po = CATALOGUES / code / "LC_MESSAGES" / "messages.po"
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with mo.open("wb") as f:
                write_mo(f, _catalogue(code))


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_word_marked_for_translation_has_one(extracted, code):
    catalogue = _catalogue(code)
    missing = [
        m.id
        for m in extracted
        if (t := catalogue.get(m.id, m.context)) is None
        or not (t.string if isinstance(t.string, str) else all(t.string))
        or t.fuzzy
    ]
    assert not missing, f"{len(missing)} without a {code} translation, e.g. {missing[:5]}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_no_translation_drops_or_invents_a_placeholder(code):
    wrong = []
    for m in _catalogue(code):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        want = sorted(PLACEHOLDER.findall(ids[-1]))
        for s in strings:
            if s and sorted(PLACEHOLDER.findall(s)) != want:
                wrong.append((m.id, s))
    assert not wrong, wrong


def test_the_placeholder_check_can_fail():
    assert sorted(PLACEHOLDER.findall("Hola %(name)s")) != sorted(
        PLACEHOLDER.findall("Hello %(name)s, %(email)s")
    )


def _spanish_offered(app):
    app.config["LANGUAGES"] = ["en", "es"]


def test_a_partner_chooses_spanish_and_hearth_speaks_it(app, couple, signed_in):
    _spanish_offered(app)
    sam = signed_in(couple.partner_at(1).user)
    page = sam.get("/account/")
    assert "Your account" in text_of(page)
    assert 'id="language"' in page.get_data(as_text=True)

    answer = sam.post("/account/language", data={"language": "es"}, follow_redirects=True)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Hearth ahora te habla en Español." in text_of(answer)
    assert "Tu cuenta" in text_of(answer)
    assert '<html lang="es"' in html
    assert db.session.get(User, couple.partner_at(1).user.id).locale == "es"

    # The other partner and the counselor keep theirs.
    alex = signed_in(couple.partner_at(2).user)
    assert "Your account" in text_of(alex.get("/account/"))


def test_a_language_not_offered_is_refused_next_to_the_field(app, couple, signed_in):
    _spanish_offered(app)
    sam = signed_in(couple.partner_at(1).user)
    answer = sam.post("/account/language", data={"language": "tlh"})
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    at = html.index('id="language-error"')
    assert "Please choose a language from the list." in html[at : at + 300]
    assert db.session.get(User, couple.partner_at(1).user.id).locale is None


def test_spanish_is_offered_by_default(monkeypatch, tmp_path):
    from config import load_config

    monkeypatch.delenv("HEARTH_LANGUAGES", raising=False)
    assert load_config(str(tmp_path))["LANGUAGES"] == ["en", "es"]
    monkeypatch.setenv("HEARTH_LANGUAGES", "en")
    assert load_config(str(tmp_path))["LANGUAGES"] == ["en"]


def test_with_english_alone_there_is_no_choice_and_spanish_is_not_spoken(app, couple, signed_in):
    app.config["LANGUAGES"] = ["en"]  # a deployment that offers English alone
    user = couple.partner_at(1).user
    user.locale = "es"
    db.session.commit()
    sam = signed_in(user)
    page = sam.get("/account/", headers={"Accept-Language": "es"})
    assert "Your account" in text_of(page)
    assert 'id="language"' not in page.get_data(as_text=True)
    assert sam.post("/account/language", data={"language": "es"}).status_code == 422


def test_joining_keeps_the_browsers_language(app, client, invited):  # noqa: F811
    _, token, _ = invited
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-MX,es;q=0.9,en;q=0.5"
    assert join(client, token).status_code == 302
    robin = db.session.scalar(select(User).where(User.email == "robin@example.com"))
    assert robin.locale == "es"


def test_signed_out_pages_follow_the_browser_among_those_offered(app, client, counselor):
    _spanish_offered(app)
    page = client.get("/login", headers={"Accept-Language": "es"})
    assert '<html lang="es"' in page.get_data(as_text=True)
    login(client, counselor.email)
    page = client.get("/account/", headers={"Accept-Language": "es"})
    # A counselor's pages speak English in full (web.i18n.COUNSELOR_LANGUAGES): a Spanish
    # browser, or a Spanish choice kept from before, never leaves them half translated.
    assert "Your account" in text_of(page)
    assert "Language" not in text_of(page)  # nothing else to choose
    counselor.locale = "es"
    db.session.commit()
    assert '<html lang="en"' in client.get("/counselor/").get_data(as_text=True)


def test_a_counselor_cannot_choose_a_language_their_pages_do_not_speak(app, client, counselor):
    _spanish_offered(app)
    login(client, counselor.email)
    page = client.post("/account/language", data={"language": "es"})
    assert page.status_code == 422
    assert counselor.locale != "es"


def test_one_catalogue_per_request_still_follows_a_forced_language(app):
    """The request keeps its catalogue (``extensions.RequestDomain``); a forced language
    (an e-mail, the other partner's copy) gets its own and gives the request's back."""
    from flask_babel import force_locale, gettext, refresh

    spanish = _catalogue("es")["Connection plan"].string
    assert spanish and spanish != "Connection plan"
    with app.test_request_context(headers={"Accept-Language": "es"}):
        assert gettext("Connection plan") == spanish
        with force_locale("en"):
            assert gettext("Connection plan") == "Connection plan"
            with force_locale("es"):
                assert gettext("Connection plan") == spanish
            assert gettext("Connection plan") == "Connection plan"
        assert gettext("Connection plan") == spanish
    # The next request (its own application context, as every request has) starts afresh.
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        assert gettext("Connection plan") == "Connection plan"
        refresh()
        assert gettext("Connection plan") == "Connection plan"
