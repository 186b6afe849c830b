"""Signing in and out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from blueprints.rendering import render, safe_next
from domain.accounts import authenticate
from extensions import db
from forms import ButtonForm, LoginForm

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = (
    "That e-mail and password don't match an account we know. Please check both and try again."
)


def start_session(user) -> None:
    """Sign ``user`` in on a brand-new session: nothing from before carries over."""
    session.clear()
    login_user(user)
    session.permanent = False


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with e-mail and password; one message whichever of the two was wrong."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            target = safe_next(request.args.get("next"))
            db.session.commit()
            start_session(user)
            return redirect(target or url_for("main.index"))
        form.form_errors.append(SIGN_IN_FAILED)
    if form.errors:
        status = 422
    return render("auth/login.html", form=form, status=status)


@bp.post("/logout")
def logout():
    """Sign out and forget the session; may return to a local page (e.g. an invitation)."""
    ButtonForm()  # the CSRF check runs for every POST; nothing else to validate
    logout_user()
    session.clear()
    flash("You're signed out. Take care.", "info")
    return redirect(safe_next(request.form.get("next")) or url_for("auth.login"))
