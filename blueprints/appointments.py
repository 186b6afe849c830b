"""The couple's next session, set, moved or cancelled by the counselor from the couple page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from domain import appointments
from domain.access import couple_for
from domain.appointments import AppointmentProblem
from extensions import db
from forms.counseling import AppointmentForm
from models import CoupleStatus
from web.guards import counselor_required
from web.rendering import keeps_input, render

bp = Blueprint("appointments", __name__, url_prefix="/counselor/couples/<int:couple_id>")

ARCHIVED = "This couple is archived. Make them active again to book a session."


def form_for(current, couple) -> AppointmentForm:
    """The form for the couple page, filled with the booked time (if any)."""
    form = AppointmentForm(formdata=None)
    if current is not None:
        local = appointments.local(current.starts_at, couple.timezone)
        form.day.data, form.time.data = local.date(), local.time()
        form.minutes.data = current.minutes
    return form


def _back(couple_id: int):
    return redirect(url_for("counselor.couple", couple_id=couple_id, _anchor="next-session"))


@bp.route("/next-session", methods=["GET", "POST"])
@keeps_input
@counselor_required
def edit(couple_id: int):
    """Set or move the next session; bad input comes back with the reason beside the field."""
    couple = couple_for(current_user, couple_id)
    current = appointments.upcoming(couple)
    form = form_for(current, couple) if request.method == "GET" else AppointmentForm()
    if form.validate_on_submit():
        if couple.status == CoupleStatus.ARCHIVED:
            form.form_errors.append(ARCHIVED)
        else:
            try:
                starts_at = appointments.local_start(form.day.data, form.time.data, couple.timezone)
            except AppointmentProblem as problem:
                field = form.time if problem.field == "time" else form.day
                field.errors.append(str(problem))
            else:
                booked = appointments.schedule(couple, starts_at, form.minutes.data)
                moved = current is not None and booked.id == current.id
                db.session.commit()
                when = appointments.long_day_time(booked.starts_at, couple.timezone)
                flash(
                    f"{'Moved' if moved else 'Booked'}: the next session is {when}. "
                    "It shows on both partners' phones and in their calendars.",
                    "success",
                )
                return _back(couple.id)
    status = 422 if form.errors else 200
    return render(
        "appointments/form.html", form=form, couple=couple, current=current, status=status
    )


@bp.post("/next-session/cancel")
@counselor_required
def cancel(couple_id: int):
    """Cancel the next session; calendars show it as cancelled."""
    couple = couple_for(current_user, couple_id)
    cancelled = appointments.cancel(couple)
    db.session.commit()
    if cancelled is None:
        flash("There was no upcoming session to cancel.", "info")
    else:
        when = appointments.long_day_time(cancelled.starts_at, couple.timezone)
        flash(f"The session on {when} is cancelled. Calendars will show it crossed out.", "info")
    return _back(couple.id)
