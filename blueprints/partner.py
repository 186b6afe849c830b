"""A partner's own pages, made for a phone: this week first, past weeks one tap away.

The cards on the week come from the registered kinds (``kinds.registry``); their actions
are each kind's own routes (``kinds/<key>/routes.py``), answered through ``kinds.web``.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, url_for

from domain import welcome
from domain.homework import couple_week
from forms.base import ButtonForm
from kinds import web
from web.guards import partner_required

bp = Blueprint("partner", __name__)


@bp.get("/week")
@partner_required
def home():
    """This week: a greeting, who is in this with them, and one card per homework."""
    me = web.me()
    return web.render_week(me, couple_week(me.couple))


@bp.get("/week/<date:week_start>")
@partner_required
def week(week_start: date):
    """An earlier week, as it was (still editable for two days after it ends)."""
    me = web.me()
    return web.render_week(me, web.week_of(me, week_start))


@bp.post("/week/welcome")
@partner_required
def welcome_read():
    """ "Thanks, I've read this": the first visit's introduction is put away for good."""
    form = ButtonForm()
    if form.validate_on_submit():
        welcome.put_away(web.me())
    return redirect(url_for("partner.home"))
