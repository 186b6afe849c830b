"""A partner's own pages, made for a phone: this week first, past weeks one tap away.

The cards on the week come from the registered kinds (``kinds.registry``); their actions
are each kind's own routes (``kinds/<key>/routes.py``), answered through ``kinds.actions``.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext

from domain import private_words, welcome
from domain.homework import couple_week
from extensions import db
from forms.base import ButtonForm
from forms.counseling import PrivateWordForm
from kinds import actions
from web.guards import partner_required
from web.rendering import keeps_input, render

bp = Blueprint("partner", __name__)


@bp.get("/week")
@partner_required
def home():
    """This week: a greeting, who is in this with them, and one card per homework."""
    me = actions.me()
    return actions.render_week(me, couple_week(me.couple))


@bp.get("/week/<date:week_start>")
@partner_required
def week(week_start: date):
    """An earlier week, as it was (still editable for two days after it ends)."""
    me = actions.me()
    return actions.render_week(me, actions.week_of(me, week_start))


@bp.post("/week/welcome")
@partner_required
def welcome_read():
    """ "Thanks, I've read this": the first visit's introduction is put away for good."""
    form = ButtonForm()
    if form.validate_on_submit():
        welcome.put_away(actions.me())
    return redirect(url_for("partner.home"))


@bp.route("/word", methods=["GET", "POST"])
@keeps_input
@partner_required
def private_word():
    """A private word to the counselor: written any time, read by the counselor only.

    The other partner never sees it, nor that it exists; after saving, the page says so
    and lists what this partner wrote before (their own words only)."""
    me = actions.me()
    form = PrivateWordForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            word, _new = private_words.write(me, form.text.data)
            db.session.commit()
            flash(
                gettext(
                    "Sent to %(counselor)s. Your partner won't see it.",
                    counselor=me.couple.counselor.display_name,
                ),
                "success",
            )
            return redirect(url_for("partner.private_word", _anchor=f"word-{word.id}"))
        status = 422
    return render(
        "partner/word.html",
        None,
        status,
        me=me,
        couple=me.couple,
        counselor=me.couple.counselor,
        form=form,
        words=private_words.written_by(me),
    )
