"""Friendly error pages, and small fragments for HTMX callers."""

from __future__ import annotations

import hmac

from flask import Flask, current_app, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from domain import audit, throttle
from domain.access import NotVisible, may_see_couple
from domain.accounts import couple_id_of
from extensions import db
from forms.base import secret_field_names
from web.rendering import render, wants_fragment
from web.signin import csrf_fingerprint

MESSAGES = {
    400: (_l("Something in that request didn't look right"), _l("Please go back and try again.")),
    403: (
        _l("This page isn't for your account"),
        _l("You're signed in, but this part of Hearth belongs to someone else's role."),
    ),
    404: (
        _l("We couldn't find that page"),
        _l(
            "It may have moved, or it may not be yours to see. The links in the menu will get "
            "you back."
        ),
    ),
    405: (_l("That didn't work from here"), _l("Please use the buttons on the page.")),
    413: (_l("That was more than we can take at once"), _l("Please shorten it and try again.")),
    429: (_l("Let's slow down a little"), _l("Too many tries in a short time. Please wait a bit.")),
    500: (
        _l("Something went wrong on our side"),
        _l("It's not something you did. Please try again in a minute; what was saved is safe."),
    ),
}

CSRF_MESSAGE = (
    _l("This page was open for a long time or in another tab"),
    _l("For your safety we didn't save that. Please go back, reload the page and try again."),
)


def _render(status: int, title: str, detail: str):
    return render(
        "errors/error.html",
        "errors/_error.html",
        status,
        code=status,
        # Plain text, escaped like any other (a lazy string would pass as markup).
        title=str(title),
        detail=str(detail),
    )


def _record_refusal(status: int) -> None:
    """A signed-in person asked for something that isn't theirs (or isn't there).

    The row goes with the person who asked: the couple in the URL only if they may see
    it, else their own couple (a partner) or none (a counselor's own record), never the
    trail of a couple that is not theirs. A few an hour are written; more are counted.
    """
    if not current_user.is_authenticated:
        return
    db.session.rollback()  # nothing half-done in this request is kept
    me = current_user._get_current_object()
    how = throttle.refusal_to_record(me.id)
    if how is None:
        return
    args = request.view_args or {}
    couple_id = args.get("couple_id")
    if not isinstance(couple_id, int) or not may_see_couple(me, couple_id):
        couple_id = couple_id_of(me)
    detail = {"status": status, "ids": {k: v for k, v in args.items() if isinstance(v, int)}}
    if how == "last":
        detail["more"] = "later refusals for a while are counted, not written"
    audit.record_now(
        "denied",
        couple_id=couple_id,
        subject=f"{request.method} {request.url_rule.rule}"[:200],
        detail=detail,
    )


def _posted_by_this_browser() -> bool:
    """Was this form posted from a page of this browser's own session, one that has
    signed out since? Only then is what was typed shown back: never to a page another
    site made someone's browser post."""
    marker = session.get("drafts_of")
    token = request.form.get("csrf_token") or request.headers.get("X-CSRFToken")
    if not marker or not token:
        return False
    secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    try:
        raw = URLSafeTimedSerializer(secret, salt="wtf-csrf-token").loads(token)
    except BadData:
        return False
    return hmac.compare_digest(csrf_fingerprint(str(raw)), str(marker))


def _typed(name: str) -> bool:
    """A field a person typed into and that may be shown again (a prefixed name such as
    ``mail-current_password`` is judged by its field)."""
    secret = secret_field_names()
    return name not in secret and name.rsplit("-", 1)[-1] not in secret


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        """A stale token must not cost anyone what they wrote.

        Signed in, or on a form anyone may send (signing in, joining): the form again,
        with the text kept and a note. Signed out meanwhile: what they typed (never a
        password or a code), on a page they can copy it from, if this browser's own
        session posted it.
        """
        view = current_app.view_functions.get(request.endpoint or "")
        if request.method != "POST" or not getattr(view, "keeps_input", False):
            return _render(400, *CSRF_MESSAGE)
        if current_user.is_authenticated or getattr(view, "keeps_input_public", False):
            g.csrf_expired = True
            return view(**(request.view_args or {}))
        if not _posted_by_this_browser():
            return _render(400, *CSRF_MESSAGE)
        kept = [
            (name, value)
            for name, value in request.form.items(multi=True)
            if value.strip() and _typed(name)
        ]
        if kept and not wants_fragment():
            return render("errors/kept.html", kept=kept, status=400)
        return _render(400, *CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.code in (403, 404) and request.url_rule is not None:
            _record_refusal(error.code)
        title, detail = MESSAGES.get(error.code, (error.name, error.description or ""))
        return _render(error.code, title, detail)

    @app.errorhandler(NotVisible)
    def not_visible(_error):
        """``domain.access`` found nothing this person may see: a 404, like a missing page."""
        return http_error(NotFound())

    @app.errorhandler(InternalServerError)
    def server_error(_error):
        db.session.rollback()
        return _render(500, *MESSAGES[500])
