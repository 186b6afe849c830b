"""The partner's inventory page: one take per partner in each take week, editable while
that week is open."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template
from flask_babel import lazy_gettext as _l

from domain import confidentiality, versions
from extensions import db
from kinds import actions
from kinds.inventory.forms import InventoryForm
from kinds.inventory.models import ANCHORS, KEY, SIGN_KEYS, SIGNS, InventoryTake, is_take_week
from web.guards import partner_required
from web.rendering import keeps_input

bp = Blueprint(KEY, __name__, template_folder="templates")
SAVED = _l("Thank you for taking a quiet look at how things have felt. It's saved.")
FIELDS = (*SIGN_KEYS, "ratings_shared")


def _saved(me, week, assignment_id: int) -> InventoryTake | None:
    return db.session.scalar(
        db.select(InventoryTake).where(
            InventoryTake.assignment_id == assignment_id,
            InventoryTake.partner_id == me.id,
            InventoryTake.week_start == week.start,
        )
    )


@bp.route("/week/<date:week_start>/inventory", methods=["GET", "POST"])
@keeps_input
@partner_required
def take(week_start: date):
    """This take week's inventory: ten ratings and a note, editable while the week is open."""
    me = actions.me()
    week = actions.week_of(me, week_start)
    assignment = actions.assignment_of(me, KEY, week)
    if assignment is None or not is_take_week(assignment, week.start):
        abort(404)
    existing = _saved(me, week, assignment.id)
    problem = actions.writable(assignment, week)
    form = InventoryForm(obj=existing) if existing else InventoryForm()
    if existing is not None and not form.is_submitted():
        form.version.data = str(existing.version)
    status = 200
    conflict = None
    if form.is_submitted() and problem:
        status = 409
    elif form.validate_on_submit():

        def apply(row: InventoryTake) -> None:
            for name in FIELDS:
                setattr(row, name, getattr(form, name).data)
            row.note = form.note.data or ""
            row.note_visibility = form.note_visibility.data
            confidentiality.stamp(row, me.couple)

        saved = versions.save(
            existing,
            form.version_number(),
            apply,
            same=lambda row: _same_take(row, form),
            reload=lambda: _saved(me, week, assignment.id),
            new=lambda: InventoryTake(
                assignment_id=assignment.id, partner_id=me.id, week_start=week.start
            ),
        )
        if not saved.conflict:
            return actions.back_to_card(me, week, KEY, str(SAVED))
        conflict = saved.row
        form.version.data = str(saved.version)
        status = 409
    elif form.is_submitted():
        status = 422
    return render_template(
        "inventory/take.html",
        form=form,
        me=me,
        week=week,
        assignment=assignment,
        existing=existing,
        problem=problem,
        conflict=conflict,
        signs=SIGNS,
        anchors=ANCHORS,
    ), status


def _same_take(row: InventoryTake, form: InventoryForm) -> bool:
    """Does the form hold exactly the answers already saved in ``row``?"""
    return (
        all(getattr(row, name) == getattr(form, name).data for name in FIELDS)
        and row.note == (form.note.data or "")
        and row.note_visibility == form.note_visibility.data
    )
