"""Private calendar feeds: the .ics a calendar app subscribes to, and making a new address.

The feed needs no sign-in (calendar apps cannot sign in); its secret address is the key.
An unknown or replaced address answers 404 like any page that does not exist.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from domain import audit, calendar_feed
from domain.accounts import couple_id_of
from extensions import db
from models import User

bp = Blueprint("calendar", __name__)


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    """One person's calendar: sessions, homework weeks and check-in days, titles only."""
    user = calendar_feed.owner_of(token)
    if user is None:
        abort(404)
    if user.is_counselor:
        links = calendar_feed.Links(
            home=url_for("counselor.dashboard", _external=True),
            couple_page=lambda couple_id: url_for(
                "counselor.couple", couple_id=couple_id, _external=True
            ),
        )
    else:
        links = calendar_feed.Links(home=url_for("partner.home", _external=True))
    response = make_response(calendar_feed.feed_for(user, links))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="hearth.ics"'
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.post("/account/calendar")
@login_required
def new_link():
    """A new calendar address for the signed-in person; the old one stops working now."""
    user = current_user._get_current_object()
    replaced = calendar_feed.feed_of(user) is not None
    calendar_feed.issue(user)
    audit.record(
        "calendar_link",
        couple_id=couple_id_of(user),
        subject="New calendar link" if replaced else "Calendar link made",
    )
    db.session.commit()
    flash(
        gettext(
            "Here is your new calendar link. The old one no longer works: add this one to "
            "your calendar app instead."
        )
        if replaced
        else gettext("Your calendar link is ready. Add it to your calendar app."),
        "success",
    )
    return redirect(url_for("account.index", _anchor="calendar"))


def feed_links(user: User) -> dict | None:
    """The account page's calendar addresses for ``user``: https and webcal, or None."""
    token = calendar_feed.token_of(calendar_feed.feed_of(user))
    if token is None:
        return None
    https = url_for("calendar.feed", token=token, _external=True)
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}
