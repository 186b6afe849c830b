"""Friendly error pages, and small fragments for HTMX callers."""

from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from blueprints.rendering import wants_fragment
from domain import audit
from domain.accounts import couple_id_of
from extensions import db
from models import Couple

MESSAGES = {
    400: ("Something in that request didn't look right", "Please go back and try again."),
    403: (
        "This page isn't for your account",
        "You're signed in, but this part of Hearth belongs to someone else's role.",
    ),
    404: (
        "We couldn't find that page",
        "It may have moved, or it may not be yours to see. The links in the menu will get "
        "you back.",
    ),
    405: ("That didn't work from here", "Please use the buttons on the page."),
    413: ("That was more than we can take at once", "Please shorten it and try again."),
    429: ("Let's slow down a little", "Too many tries in a short time. Please wait a bit."),
    500: (
        "Something went wrong on our side",
        "It's not something you did. Please try again in a minute; what was saved is safe.",
    ),
}

CSRF_MESSAGE = (
    "This page was open for a long time or in another tab",
    "For your safety we didn't save that. Please go back, reload the page and try again.",
)


# Forms anyone may send, signed in or not.
PUBLIC_FORMS = {"invitations.join", "auth.login"}


def _render(status: int, title: str, detail: str):
    template = "errors/_error.html" if wants_fragment() else "errors/error.html"
    return render_template(template, status=status, title=title, detail=detail), status


def _record_refusal(status: int) -> None:
    """A signed-in person asked for something that isn't theirs (or isn't there)."""
    if not current_user.is_authenticated:
        return
    db.session.rollback()  # nothing half-done in this request is kept
    args = request.view_args or {}
    couple_id = args.get("couple_id")
    if not isinstance(couple_id, int) or not db.session.get(Couple, couple_id):
        couple_id = couple_id_of(current_user)
    audit.record_now(
        "denied",
        couple_id=couple_id,
        subject=f"{request.method} {request.url_rule.rule}"[:200],
        detail={"status": status, "ids": {k: v for k, v in args.items() if isinstance(v, int)}},
    )


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        """A stale token must not cost anyone what they wrote.

        Signed in, on a form page: the form again, with the text kept and a note. Signed
        out meanwhile: what they typed, on a page they can copy it from.
        """
        view = current_app.view_functions.get(request.endpoint or "")
        if request.method != "POST" or not getattr(view, "keeps_input", False):
            return _render(400, *CSRF_MESSAGE)
        if current_user.is_authenticated or request.endpoint in PUBLIC_FORMS:
            g.csrf_expired = True
            return view(**(request.view_args or {}))
        kept = [
            (name, value)
            for name, value in request.form.items(multi=True)
            if name != "csrf_token" and value.strip() and "password" not in name
        ]
        if kept and not wants_fragment():
            return render_template("errors/kept.html", kept=kept), 400
        return _render(400, *CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.code in (403, 404) and request.url_rule is not None:
            _record_refusal(error.code)
        title, detail = MESSAGES.get(error.code, (error.name, error.description or ""))
        return _render(error.code, title, detail)

    @app.errorhandler(InternalServerError)
    def server_error(_error):
        db.session.rollback()
        return _render(500, *MESSAGES[500])
