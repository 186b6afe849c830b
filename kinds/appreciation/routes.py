"""The appreciation notes' partner pages: write a note from the week's card, and "Our notes",
the collection both partners reread."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import or_, select

from domain import confidentiality, repeats
from domain.mail import prefs
from domain.mail.delivery import queue
from domain.mail.kinds import BY_NAME
from domain.visibility import Audience, Viewer
from extensions import db
from kinds import actions
from kinds.appreciation.forms import note_form
from kinds.appreciation.models import KEY, AppreciationNote
from models import Partner, utcnow
from web.guards import partner_required
from web.rendering import keeps_input

bp = Blueprint(KEY, __name__, template_folder="templates")
MESSAGE = "note_received"


def sent_line(recipient: Partner) -> str:
    return gettext(
        "Sent to %(name)s. It's kept in your notes for you both to reread.", name=recipient.name
    )


@bp.post("/week/<date:week_start>/appreciation")
@keeps_input
@partner_required
def write(week_start: date):
    """Write a note of thanks to the other partner ("just for" them by default)."""
    me = actions.me()
    week = actions.week_of(me, week_start)
    recipient = me.other
    form = note_form(recipient.name)
    assignment = actions.assignment_of(me, KEY, week)
    refused = actions.refused(
        me,
        week,
        KEY,
        actions.writable(assignment, week),
        key=KEY,
        form=form,
        invalid=gettext("Please look at your note below."),
    )
    if refused:
        return refused
    if not recipient.joined:
        # The card offers no note to someone not here yet; a form sent from an older page
        # is told why, and nothing is saved.
        return actions.done(
            me,
            week,
            KEY,
            gettext("Your note can be sent once %(name)s has joined Hearth.", name=recipient.name),
            status=409,
        )
    message = sent_line(recipient)
    made = actions.week_url(me, week, KEY)
    same = repeats.just_made(
        AppreciationNote,
        AppreciationNote.partner_id == me.id,
        AppreciationNote.text == form.text.data,
        AppreciationNote.week_start == week.start,
    )
    if repeats.earlier(form.once.data, current_user.id, same=made if same else None):
        return actions.done(me, week, KEY, message)
    note = AppreciationNote(
        assignment_id=assignment.id,
        partner_id=me.id,
        recipient_id=recipient.id,
        week_start=week.start,
        text=form.text.data,
        visibility=form.visibility.data,
    )
    confidentiality.stamp(note, me.couple)
    db.session.add(note)
    db.session.flush()
    tell(note, me, recipient)
    repeats.save_once(form.once.data, current_user.id, made)
    return actions.done(me, week, KEY, message)


def tell(note: AppreciationNote, writer: Partner, recipient: Partner) -> None:
    """A message to the recipient that a note arrived, if they asked for that kind of
    message (off by default). It says only that a note arrived, never its words."""
    user = recipient.user
    if user is None or not user.active or not prefs.wants(user, BY_NAME[MESSAGE]):
        return
    settings = prefs.settings_for(user)
    queue(
        MESSAGE,
        user=user,
        couple_id=writer.couple_id,
        period=f"note-{note.id}",
        ref_id=note.id,
        due_at=prefs.after_quiet_hours(utcnow(), settings, writer.couple.timezone),
    )


@bp.get("/appreciation")
@partner_required
def collection():
    """ "Our notes": every note the two of you wrote each other, newest first. Seeing them
    here is opening them: the "New note" on the week goes once they have been read."""
    me = actions.me()
    couple = me.couple
    audience = Audience.of(Viewer.for_partner(me), couple.id)
    ids = [p.id for p in couple.partners]
    rows = db.session.scalars(
        select(AppreciationNote)
        .where(
            AppreciationNote.partner_id.in_(ids),
            or_(AppreciationNote.partner_id == me.id, AppreciationNote.recipient_id == me.id),
        )
        .order_by(AppreciationNote.created_at.desc(), AppreciationNote.id.desc())
    ).all()
    notes = [n for n in rows if audience.may(n.partner_id, n.visibility)]
    new = {n.id for n in notes if n.recipient_id == me.id and n.opened_at is None}
    if new:
        now = utcnow()
        for n in notes:
            if n.id in new:
                n.opened_at = now
        db.session.commit()
    return render_template(
        "appreciation/collection.html", me=me, couple=couple, kept=notes, new=new
    )
