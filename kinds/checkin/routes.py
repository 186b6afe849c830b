"""The partner's check-in page: one per partner per week, editable while the week is open."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template

from domain import confidentiality, versions
from extensions import db
from kinds import web
from kinds.checkin.forms import CheckInForm
from kinds.checkin.models import KEY, PROMPTS, SCALES, CheckIn
from web.guards import partner_required
from web.rendering import keeps_input

bp = Blueprint(KEY, __name__, template_folder="templates")
SAVED = "Thank you for checking in. It's saved."
NUMBERS = ("connected", "heard", "stress", "scales_shared")


def _saved(me, week, assignment_id: int) -> CheckIn | None:
    return db.session.scalar(
        db.select(CheckIn).where(
            CheckIn.assignment_id == assignment_id,
            CheckIn.partner_id == me.id,
            CheckIn.week_start == week.start,
        )
    )


@bp.route("/week/<date:week_start>/check-in", methods=["GET", "POST"])
@keeps_input
@partner_required
def check_in(week_start: date):
    """This week's check-in: one per partner per week, editable while the week is open."""
    me = web.me()
    week = web.week_of(me, week_start)
    assignment = web.assignment_of(me, KEY, week)
    if assignment is None:
        abort(404)
    existing = _saved(me, week, assignment.id)
    problem = web.writable(assignment, week)
    form = CheckInForm(obj=existing) if existing else CheckInForm()
    if existing is not None and not form.is_submitted():
        form.version.data = str(existing.version)
    status = 200
    conflict = None
    if form.is_submitted() and problem:
        status = 409
    elif form.validate_on_submit():

        def apply(row: CheckIn) -> None:
            for name in NUMBERS:
                setattr(row, name, getattr(form, name).data)
            for name in PROMPTS:
                setattr(row, name, getattr(form, name).data or "")
                setattr(row, f"{name}_visibility", getattr(form, f"{name}_visibility").data)
            confidentiality.stamp(row, me.couple)

        saved = versions.save(
            existing,
            form.version_number(),
            apply,
            same=lambda row: _same_check_in(row, form),
            reload=lambda: _saved(me, week, assignment.id),
            new=lambda: CheckIn(
                assignment_id=assignment.id, partner_id=me.id, week_start=week.start
            ),
        )
        if not saved.conflict:
            return web.back_to_card(me, week, KEY, SAVED)
        conflict = saved.row
        form.version.data = str(saved.version)
        status = 409
    elif form.is_submitted():
        status = 422
    return render_template(
        "checkin/check_in.html",
        form=form,
        me=me,
        week=week,
        assignment=assignment,
        existing=existing,
        problem=problem,
        conflict=conflict,
        scales=SCALES,
        prompts=PROMPTS,
    ), status


def _same_check_in(row: CheckIn, form: CheckInForm) -> bool:
    """Does the form hold exactly the answers already saved in ``row``?"""
    if any(getattr(row, name) != getattr(form, name).data for name in NUMBERS):
        return False
    return all(
        getattr(row, name) == (getattr(form, name).data or "")
        and getattr(row, f"{name}_visibility") == getattr(form, f"{name}_visibility").data
        for name in PROMPTS
    )
