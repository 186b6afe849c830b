"""'Forgot your password?': ask for a link by e-mail, then choose a new password with it."""

from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from domain import audit, password_reset, throttle
from domain.accounts import couple_id_of
from domain.passwords import hash_password
from extensions import db
from forms.accounts import NewPasswordForm
from forms.base import Form, strip
from models import EMAIL_MAX
from web.rendering import keeps_input, render
from web.signin import end_everywhere, remember_this_browser

bp = Blueprint("password_reset", __name__)


class ForgotForm(Form):
    email = StringField(
        _l("Your e-mail"),
        filters=[strip],
        validators=[DataRequired(_l("Please enter your e-mail.")), Length(max=EMAIL_MAX)],
        render_kw={"autocomplete": "username", "inputmode": "email", "autocapitalize": "none"},
    )


@bp.route("/forgot-password", methods=["GET", "POST"])
@keeps_input(public=True)
def forgot():
    """Ask for a link by e-mail. The answer is the same, and as quick, for any address."""
    if current_user.is_authenticated:
        return redirect(url_for("account.index"))
    form = ForgotForm()
    if form.validate_on_submit():
        started = time.monotonic()
        email, config = form.email.data, current_app.config
        if throttle.spend(
            "reset",
            config["RESET_LIMIT_ACCOUNT"],
            config["RESET_LIMIT_ADDRESS"],
            email,
            request.remote_addr or "",
        ):
            password_reset.request_link(email)
            db.session.commit()
        # Known address or not, sent or throttled: the same page after the same time.
        time.sleep(max(0.0, config["RESET_ANSWER_SECONDS"] - (time.monotonic() - started)))
        return render(
            "password_reset/sent.html",
            message=gettext(
                "If %(email)s belongs to a Hearth account, we've sent a link to it. It works "
                "once, for one hour. Nothing there? Check your spam folder, or ask your "
                "counselor.",
                email=email,
            ),
        )
    status = 422 if form.errors else 200
    return render("password_reset/forgot.html", form=form, status=status)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@keeps_input(public=True)
def choose(token: str):
    """Choose a new password with the link; every device signed in as you is signed out,
    and this browser may then sign in even while guesses elsewhere paused the account."""
    reset = password_reset.look_up(token)
    if reset is None:
        return render("password_reset/unusable.html", status=410)
    form = NewPasswordForm()
    if form.validate_on_submit():
        user = password_reset.claim(reset)
        if user is None:
            db.session.rollback()
            return render("password_reset/unusable.html", status=410)
        user.password_hash = hash_password(form.password.data)
        end_everywhere(user)
        audit.record(
            "password_changed",
            actor=user,
            couple_id=couple_id_of(user),
            detail={"with": "e-mailed link"},
        )
        db.session.commit()
        # Whoever opened the link reads the account's e-mail: this browser becomes one of
        # its devices, so a pause caused by someone guessing does not keep them out.
        remember_this_browser(user)
        # Signing in is still the whole of it, two-step included, with the new password.
        flash(gettext("Your new password is saved. Please sign in with it."), "success")
        return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render("password_reset/choose.html", form=form, token=token, status=status)
