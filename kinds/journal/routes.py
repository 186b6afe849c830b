"""The journal's partner pages: write a moment down from the week's card, and look back."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from domain import confidentiality, repeats
from domain.visibility import Audience, Viewer
from domain.weeks import local_today
from extensions import db
from kinds import actions
from kinds.journal.forms import MomentForm
from kinds.journal.models import KEY, JournalEntry
from web.guards import partner_required
from web.rendering import keeps_input

bp = Blueprint(KEY, __name__, template_folder="templates")
SAVED = _l("Written down. Thank you for noticing it.")
SAVED_PRIVATE = _l("Written down, for your counselor only.")
FUTURE = _l("That day hasn't come yet. Please choose the day it happened, or leave it empty.")


@bp.post("/week/<date:week_start>/journal")
@keeps_input
@partner_required
def add(week_start: date):
    """Write a moment down in this week's journal (shared with the partner by default)."""
    me = actions.me()
    week = actions.week_of(me, week_start)
    form = MomentForm(prefix=KEY)
    assignment = actions.assignment_of(me, KEY, week)
    refused = actions.refused(
        me,
        week,
        KEY,
        actions.writable(assignment, week),
        key=KEY,
        form=form,
        invalid=gettext("Please look at the moment below."),
    )
    if refused:
        return refused
    if form.happened_on.data and form.happened_on.data > local_today(me.couple.timezone):
        form.happened_on.errors = [str(FUTURE)]
        return actions.done(
            me, week, KEY, gettext("Please look at the day."), forms={KEY: form}, status=422
        )
    message = str(SAVED if form.visibility.data == "shared" else SAVED_PRIVATE)
    made = actions.week_url(me, week, KEY)
    same = repeats.just_made(
        JournalEntry,
        JournalEntry.partner_id == me.id,
        JournalEntry.text == form.text.data,
        JournalEntry.week_start == week.start,
    )
    if repeats.earlier(form.once.data, current_user.id, same=made if same else None):
        return actions.done(me, week, KEY, message)
    entry = JournalEntry(
        assignment_id=assignment.id,
        partner_id=me.id,
        week_start=week.start,
        happened_on=form.happened_on.data,
        text=form.text.data,
        visibility=form.visibility.data,
    )
    confidentiality.stamp(entry, me.couple)
    db.session.add(entry)
    repeats.save_once(form.once.data, current_user.id, made)
    return actions.done(me, week, KEY, message)


@bp.get("/journal")
@partner_required
def look_back():
    """Every moment the two of you wrote down that this partner may read, newest first."""
    me = actions.me()
    couple = me.couple
    audience = Audience.of(Viewer.for_partner(me), couple.id)
    ids = [p.id for p in couple.partners]
    rows = db.session.scalars(
        select(JournalEntry)
        .where(JournalEntry.partner_id.in_(ids))
        .order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())
    ).all()
    moments = [e for e in newest_first(rows) if audience.may(e.partner_id, e.visibility)]
    return render_template("journal/look_back.html", me=me, couple=couple, moments=moments)


def newest_first(entries) -> list[JournalEntry]:
    """Moments by the day they happened (or were written), the newest first."""
    return sorted(entries, key=lambda e: (e.day, e.created_at, e.id), reverse=True)
