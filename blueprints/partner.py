"""A partner's own pages, made for a phone: this week first, past weeks one tap away.

The cards on the week come from the registered kinds (``kinds.registry``); their actions
are each kind's own routes (``kinds/<key>/routes.py``), answered through ``kinds.actions``.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from domain import private_words, welcome
from domain.homework import couple_week
from extensions import db
from forms.base import ButtonForm
from forms.counseling import PrivateWordForm
from kinds import actions
from web import fragments
from web.filters import new_summaries
from web.guards import partner_required
from web.i18n import page_language
from web.rendering import keeps_input, render

bp = Blueprint("partner", __name__)


@bp.get("/week")
@partner_required
def home():
    """This week: a greeting, who is in this with them, and one card per homework.

    Kept as drawn for this partner (``web.fragments.kept_page``) while nothing it shows has
    changed: the couple's ``data_version`` (raised with every change to the couple's
    homework, words, people, sessions and policy), the summaries new to this partner (the
    dot on "Summaries" and the card at the top; read here, and drawn from the same read),
    the language and the week, within one clock period.
    """
    # The place, its couple and counselor came with the signed-in user; both places with
    # their people are read only when the page is drawn (``actions.me``).
    place = current_user.partner_place or actions.me()  # (none: refused there)
    week = couple_week(place.couple)
    fresh = new_summaries()  # read once: for the key, and drawn from this read
    key = (
        "week",
        current_user.id,
        place.id,
        place.couple_id,
        place.couple.data_version,
        tuple(s.id for s in fresh),
        page_language(),
        week.start,
    )
    return fragments.kept_page(key, lambda: actions.render_week(actions.me(), week))


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
