"""The couple's data: taking it away, deleting a couple, and a partner leaving.

Exports are POSTs (with the CSRF token) that answer with a ZIP download: making one is
recorded in the audit trail, so no link or image elsewhere can make one on anyone's behalf.
"""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, session, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from sqlalchemy import func, select

from domain import audit, erasure, export
from domain.access import couple_for, own_partner_place
from extensions import db
from forms.base import ButtonForm
from forms.couples import DeleteCoupleForm, LeaveCoupleForm
from models import CounselingSession, Couple
from web.guards import counselor_required, partner_required
from web.rendering import render
from web.signin import password_ok

bp = Blueprint("data", __name__)

WRONG_NAME = "That isn't the couple's name as it is shown above, so nothing was deleted."
WRONG_PASSWORD = _l("That isn't your password, so nothing has changed. Please try again.")


def _zip_response(name: str, data: bytes):
    response = make_response(data)
    response.headers["Content-Type"] = "application/zip"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _session_counts(couple: Couple) -> tuple[int, int]:
    """How many sessions the couple has, and how many of them were released."""
    total, released = db.session.execute(
        select(func.count(), func.count(CounselingSession.released_at)).where(
            CounselingSession.couple_id == couple.id
        )
    ).one()
    return total or 0, released or 0


# --- A partner's own data ----------------------------------------------------------------


@bp.get("/account/export")
@partner_required
def partner_export_page():
    """What a partner's export holds, and the button that makes it."""
    me = own_partner_place(current_user)
    _total, released = _session_counts(me.couple)
    return render(
        "data/partner_export.html", me=me, other=me.other, released=released, form=ButtonForm()
    )


@bp.post("/account/export")
@partner_required
def partner_export():
    """A ZIP of what this partner may read: JSON and the released summaries."""
    me = own_partner_place(current_user)
    name, data = export.partner_zip(me)
    audit.record_now("exported", couple_id=me.couple_id, subject="A partner's own export")
    return _zip_response(name, data)


@bp.route("/account/leave", methods=["GET", "POST"])
@partner_required
def leave():
    """Leave the couple: what leaves and what stays, then the password to confirm."""
    me = own_partner_place(current_user)
    form = LeaveCoupleForm()
    if form.validate_on_submit() and password_ok(form.password, str(WRONG_PASSWORD)):
        user = current_user._get_current_object()
        couple_id = me.couple_id
        counts = erasure.leave(me)
        # Numbers only: what went is gone, and the trail must not keep a copy of it.
        audit.record(
            "left",
            couple_id=couple_id,
            subject="A partner left the couple",
            detail=counts,
            actor=user,
        )
        db.session.commit()
        erasure.forget_on_disk()
        logout_user()
        session.clear()
        flash(
            gettext(
                "You've left, and your account is closed. Thank you for the work you put in. "
                "Take good care of yourself."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render("data/leave.html", me=me, other=me.other, form=form, status=status)


# --- The counselor: a couple's whole record ---------------------------------------------


@bp.get("/counselor/couples/<int:couple_id>/export")
@counselor_required
def couple_export_page(couple_id: int):
    """What the couple's whole record holds, and the button that makes it."""
    couple = couple_for(current_user, couple_id)
    total, _released = _session_counts(couple)
    return render("data/couple_export.html", couple=couple, sessions=total, form=ButtonForm())


@bp.post("/counselor/couples/<int:couple_id>/export")
@counselor_required
def couple_export(couple_id: int):
    """A ZIP of the couple's whole record: every answer and note, both copies of each PDF."""
    couple = couple_for(current_user, couple_id)
    name, data = export.counselor_zip(couple)
    audit.record_now("exported", couple_id=couple.id, subject="The couple's whole record")
    return _zip_response(name, data)


@bp.route("/counselor/couples/<int:couple_id>/delete", methods=["GET", "POST"])
@counselor_required
def delete_couple(couple_id: int):
    """Delete a couple for good, once the counselor has typed its name."""
    couple = couple_for(current_user, couple_id)
    form = DeleteCoupleForm()
    if form.validate_on_submit():
        if erasure.name_matches(couple, form.confirm_name.data):
            name = couple.name
            counts = erasure.delete_couple(couple)
            audit.record("deleted", couple_id=couple_id, subject="Couple deleted", detail=counts)
            db.session.commit()
            erasure.forget_on_disk()
            flash(f"{name} and everything of theirs is deleted.", "success")
            return redirect(url_for("counselor.dashboard"))
        form.confirm_name.errors.append(WRONG_NAME)
    total, _released = _session_counts(couple)
    status = 422 if form.errors else 200
    return render(
        "data/delete_couple.html", couple=couple, sessions=total, form=form, status=status
    )
