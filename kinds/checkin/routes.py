"""The partner's check-in page: one per partner per week, editable while the week is open."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from blueprints.rendering import keeps_input
from domain import confidentiality
from domain.access import partner_required
from extensions import db
from kinds import web
from kinds.checkin.forms import CheckInForm
from kinds.checkin.models import KEY, PROMPTS, SCALES, CheckIn

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
        if existing is not None and existing.version != form.version_number():
            if _same_check_in(existing, form):  # the same answers again: a double tap
                return web.back_to_card(me, week, KEY, SAVED)
            conflict = existing
            form.version.data = str(existing.version)
            status = 409
        else:
            row = existing or CheckIn(
                assignment_id=assignment.id, partner_id=me.id, week_start=week.start
            )
            for name in NUMBERS:
                setattr(row, name, getattr(form, name).data)
            for name in PROMPTS:
                setattr(row, name, getattr(form, name).data or "")
                setattr(row, f"{name}_visibility", getattr(form, f"{name}_visibility").data)
            confidentiality.stamp(row, me.couple)
            if existing is None:
                db.session.add(row)
            try:
                db.session.commit()
            except (IntegrityError, StaleDataError):
                db.session.rollback()
                conflict = _saved(me, week, assignment.id)
                form.version.data = str(conflict.version) if conflict else "0"
                status = 409
            else:
                return web.back_to_card(me, week, KEY, SAVED)
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
