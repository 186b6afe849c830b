"""Rendering a page, or only its fragment for an HTMX request."""

from __future__ import annotations

from flask import make_response, render_template
from flask.typing import ResponseReturnValue

from extensions import htmx


def wants_fragment() -> bool:
    """True for an HTMX request that swaps part of a page (not a boosted navigation)."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(
    page: str, fragment: str | None = None, status: int = 200, **context
) -> ResponseReturnValue:
    """The full ``page``, or ``fragment`` alone when HTMX asks for a piece of it.

    The page template includes the fragment, so both always show the same thing.
    """
    template = fragment if fragment and wants_fragment() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def keeps_input(view=None, *, public: bool = False):
    """Mark a view whose form is re-shown, with what was typed, after a stale CSRF token.

    Put it right under ``@bp.route``. ``blueprints.errors`` then runs the view again with
    ``g.csrf_expired`` set; ``forms.Form.validate`` refuses, so nothing is saved and the
    page comes back with the text in place and a short note. That happens for whoever is
    signed in, and for anyone on a ``public=True`` form (signing in, joining), whose form
    is shown again the same way. The mark is on the view itself, so renaming an endpoint
    cannot lose it.
    """

    def mark(view):
        view.keeps_input = True
        view.keeps_input_public = public
        return view

    return mark(view) if view is not None else mark
