"""Languages: which one a page, message or copy is written in.

Each person chooses their own on the account page; a new account starts from the browser's
``Accept-Language`` (``from_browser``). A signed-out page follows the browser. The words a
counselor writes (instructions, rhythm items, notes) are shown as written: Hearth
translates only its own words.

Hearth knows the languages in ``LANGUAGES``; it offers those in the ``LANGUAGES`` setting
(``HEARTH_LANGUAGES``), so a language is turned on once everything speaks it, never half.

Catalogues live in ``translations/<code>/LC_MESSAGES/messages.po``; ``make translations``
extracts ``messages.pot`` and compiles them (the compiled ``.mo`` files are built, not kept).
"""

from __future__ import annotations

from flask import current_app, has_app_context, has_request_context, request
from flask_login import current_user

DEFAULT = "en"
# code -> the language's own name for itself, as the choice shows it.
LANGUAGES = {"en": "English", "es": "Español"}
# The languages a counselor's own pages (dashboard, couple page, sessions, settings) speak in
# full. Partners' pages speak every language above; a counselor chooses among these only, so
# no counselor is left with a page half in one language and half in another.
COUNSELOR_LANGUAGES = ("en",)


def N_(text: str) -> str:
    """Marks Hearth's words kept as written in English (a kind's default instructions) for
    ``make translations``, and gives them back unchanged; they are said in the reader's
    language where shown (``as_read``)."""
    return text


def as_read(text: str | None, hearths: str | None) -> str:
    """``text`` as the reader reads it: when it is exactly Hearth's own ``hearths`` (the
    counselor kept Hearth's words unchanged), in the reader's language; otherwise the
    counselor's words, as written."""
    from flask_babel import gettext

    if text and hearths and text.strip() == hearths:
        return gettext(hearths)
    return text or ""


def offered(user=None) -> list[str]:
    """The languages ``user`` may choose here (anyone, without a user), in the order the
    choice lists them."""
    if not has_app_context():
        return [DEFAULT]
    codes = [c for c in current_app.config.get("LANGUAGES", [DEFAULT]) if c in LANGUAGES]
    if getattr(user, "role", None) == "counselor":
        codes = [c for c in codes if c in COUNSELOR_LANGUAGES]
    return codes or [DEFAULT]


def known(code: str | None) -> str | None:
    """``code`` if Hearth knows it, else None."""
    return code if code in LANGUAGES else None


def from_browser() -> str:
    """The browser's best choice among all Hearth knows (the default outside a request):
    kept at joining, so a language turned on later already fits the person."""
    if not has_request_context():
        return DEFAULT
    return request.accept_languages.best_match(list(LANGUAGES), DEFAULT) or DEFAULT


def of(user) -> str:
    """The language Hearth speaks to ``user`` (e-mails, feeds, copies): their choice when
    it is offered, else the default."""
    chosen = known(getattr(user, "locale", None))
    return chosen if chosen in offered(user) else DEFAULT


def spoken(code: str | None) -> str:
    """The language Hearth speaks to a partner who chose ``code`` (None: nobody chose)."""
    chosen = known(code)
    return chosen if chosen in offered() else DEFAULT


def of_couple(mine: str, theirs: str | None) -> list[str]:
    """The languages a couple's copy of a summary comes in for a partner: their own first,
    then the other partner's when it differs (``theirs`` as they chose it, or None)."""
    other = spoken(theirs)
    return [mine] if other == mine else [mine, other]


def choose() -> str:
    """Flask-Babel's locale selector: the signed-in person's language, else the browser's
    best match among those offered."""
    user = current_user if current_user and current_user.is_authenticated else None
    if user is not None:
        chosen = known(getattr(user, "locale", None))
        if chosen in offered(user):
            return chosen
    if not has_request_context():
        return DEFAULT
    return request.accept_languages.best_match(offered(user), DEFAULT) or DEFAULT


def page_language() -> str:
    """The language this request's pages are drawn in, as ``choose`` picked it (the
    ``<html lang>``, and part of the key of every piece ``web.fragments`` keeps)."""
    from flask_babel import get_locale

    return str(get_locale() or DEFAULT)
