"""A partner's own pages, made for a phone."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from blueprints.rendering import render
from domain.access import own_partner_place, partner_required

bp = Blueprint("partner", __name__)


@bp.get("/week")
@partner_required
def home():
    """This week: a greeting, who is in this with them, and their homework."""
    me = own_partner_place(current_user)
    return render(
        "partner/home.html",
        "partner/_this_week.html",
        me=me,
        other=me.other,
        couple=me.couple,
        counselor=me.couple.counselor,
    )
