"""The front door: sends each person to their own start page."""

from flask import Blueprint, redirect, url_for
from flask_login import current_user

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """Counselors go to their couples, partners to this week, others to sign in."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.is_counselor:
        return redirect(url_for("counselor.dashboard"))
    return redirect(url_for("partner.home"))
