"""Writing this week's line of thanks."""

from __future__ import annotations

from datetime import date

from flask import Blueprint
from sqlalchemy.exc import IntegrityError

from extensions import db
from forms.base import CardForm, text_field, visibility_field
from kinds import actions
from models import NOTE_MAX, Visibility
from tests.scratch_kind.gratitude.models import KEY, GratitudeNote
from web.guards import partner_required

bp = Blueprint(KEY, __name__, template_folder="templates")


class NoteForm(CardForm):
    text = text_field("Thank you for…", NOTE_MAX, required="Please write a few words.")
    visibility = visibility_field(Visibility.SHARED.value)


@bp.post("/week/<date:week_start>/gratitude")
@partner_required
def write(week_start: date):
    me = actions.me()
    week = actions.week_of(me, week_start)
    form = NoteForm(prefix=KEY)
    assignment = actions.assignment_of(me, KEY, week)
    refused = actions.refused(
        me,
        week,
        KEY,
        actions.writable(assignment, week),
        key=KEY,
        form=form,
        invalid="Please look.",
    )
    if refused:
        return refused
    db.session.add(
        GratitudeNote(
            assignment_id=assignment.id,
            partner_id=me.id,
            week_start=week.start,
            text=form.text.data,
            visibility=form.visibility.data,
        )
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    return actions.done(me, week, KEY, "Thank you. It's saved.")
