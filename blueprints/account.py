"""Your own account: password, e-mail, two-step sign-in, signing out everywhere."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import force_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from domain import audit, email_change, throttle
from domain import two_step as totp
from domain.accounts import couple_id_of
from domain.passwords import hash_password
from extensions import db
from forms.accounts import (
    ChangeEmailForm,
    ChangePasswordForm,
    CurrentPasswordForm,
    LanguageForm,
    TwoStepForm,
    TwoStepOffForm,
)
from forms.base import ButtonForm
from models import normalize_email
from web import i18n
from web.rendering import keeps_input, render
from web.signin import end_everywhere, password_ok, start_session

bp = Blueprint("account", __name__, url_prefix="/account")

# Both forms on the account page ask for the current password: the prefix keeps ids unique.
EMAIL_PREFIX = "mail"
# The same words whether or not someone else signs in with that address: who has a Hearth
# account (who is in counseling) is nobody's to learn from this form.
LINK_SENT = _l("We've sent a link to {email}. Your address changes when you open it.")
# Only someone who opened the link (who reads that mailbox) can see this one.
EMAIL_REFUSED = _l(
    "We can't use that address for your account any more, so your e-mail stays as it was. "
    "You can choose another one below."
)


def _me():
    return current_user._get_current_object()


def _page(status: int = 200, **forms):
    forms.setdefault("password_form", ChangePasswordForm(formdata=None))
    forms.setdefault("email_form", ChangeEmailForm(formdata=None, prefix=EMAIL_PREFIX))
    if "language_form" not in forms:
        forms["language_form"] = LanguageForm(formdata=None, language=i18n.choose())
    return render("account/index.html", status=status, **forms)


def _two_step_on_page(user, off_form=None, codes_form=None, status: int = 200):
    """Two-step sign-in is on: new recovery codes, or turn it off."""
    return render(
        "account/two_step_on.html",
        off_form=off_form or TwoStepOffForm(formdata=None),
        codes_form=codes_form or CurrentPasswordForm(formdata=None, prefix="codes"),
        left=totp.recovery_codes_left(user),
        status=status,
    )


@bp.get("/")
@login_required
def index():
    return _page()


@bp.post("/password")
@keeps_input
@login_required
def change_password():
    """A new password signs out every other device; this one stays signed in."""
    form = ChangePasswordForm()
    if form.validate_on_submit() and password_ok(form.current_password):
        user = _me()
        user.password_hash = hash_password(form.password.data)
        end_everywhere(user)
        audit.record("password_changed", couple_id=couple_id_of(user))
        db.session.commit()
        start_session(user)
        flash(
            gettext("Your password is changed. Any other device will need to sign in again."),
            "info",
        )
        return redirect(url_for("account.index"))
    return _page(422, password_form=form)


@bp.post("/email")
@keeps_input
@login_required
def change_email():
    """Changing the e-mail you sign in with: the password first, then a few tries a day,
    then a link to the new address, with one answer whether or not the address is free."""
    form = ChangeEmailForm(prefix=EMAIL_PREFIX)
    if not (form.validate_on_submit() and password_ok(form.current_password)):
        return _page(422, email_form=form)
    user = _me()
    if normalize_email(form.email.data) == user.email:
        flash(gettext("That is already the e-mail you sign in with."), "info")
        return redirect(url_for("account.index"))
    wait = throttle.email_change_wait_seconds(user.id)
    if wait:
        form.email.errors.append(
            gettext(
                "You've tried a few new addresses already. To keep everyone's accounts safe, "
                "please try again in %(wait)s.",
                wait=_how_long(wait),
            )
        )
        return _page(429, email_form=form)
    throttle.email_change_tried(user.id)
    # A link goes to a free address only (domain/email_change.py says why nothing goes to
    # a taken one); the answer is the same either way.
    email_change.request_change(user, form.email.data)
    db.session.commit()
    flash(LINK_SENT.format(email=normalize_email(form.email.data)), "info")
    return redirect(url_for("account.index"))


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
@login_required
def confirm_email(token: str):
    """The link sent to a new address: signed in as the account that asked, one button
    makes it the e-mail you sign in with, if it is still free."""
    user = _me()
    change = email_change.look_up(token, user)
    if change is None:
        return render("account/email_link_unusable.html", status=410)
    form = ButtonForm()
    if request.method == "GET" or not form.validate_on_submit():
        return render("account/email_confirm.html", change=change, form=form)
    before = user.email
    outcome = email_change.confirm(change)
    if outcome == "used":
        db.session.rollback()
        return render("account/email_link_unusable.html", status=410)
    if outcome == "taken":
        db.session.commit()  # the link is used up all the same
        flash(str(EMAIL_REFUSED), "error")
        return redirect(url_for("account.index"))
    audit.record(
        "email_changed",
        couple_id=couple_id_of(user),
        before=before,
        after=user.email,
        author=user if user.is_partner else None,
    )
    try:
        db.session.commit()
    except IntegrityError:  # the address was taken a moment ago, in another request
        db.session.rollback()
        flash(str(EMAIL_REFUSED), "error")
        return redirect(url_for("account.index"))
    flash(gettext("Your e-mail is changed. Use the new one next time you sign in."), "info")
    return redirect(url_for("account.index"))


def _how_long(seconds: int) -> str:
    minutes = throttle.minutes(seconds)
    if minutes < 120:
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    return ngettext("%(num)d hour", "%(num)d hours", -(-minutes // 60))


@bp.post("/language")
@login_required
def change_language():
    """The language Hearth speaks to you: pages, messages, your calendar feed."""
    form = LanguageForm()
    if not form.validate_on_submit():
        return _page(422, language_form=form)
    user = _me()
    user.locale = form.language.data
    db.session.commit()
    # Said in the language just chosen.
    with force_locale(user.locale):
        flash(
            gettext("Hearth now speaks %(language)s to you.", language=i18n.LANGUAGES[user.locale]),
            "info",
        )
    return redirect(url_for("account.index"))


@bp.post("/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """Sign out every other phone and computer; this one stays signed in."""
    user = _me()
    end_everywhere(user)
    audit.record("signed_out_everywhere", couple_id=couple_id_of(user))
    db.session.commit()
    start_session(user)
    flash(gettext("Done: every other device is signed out."), "info")
    return redirect(url_for("account.index"))


@bp.route("/two-step", methods=["GET", "POST"])
@login_required
def two_step():
    """Turn on two-step sign-in: scan the code, type what the app shows, save the codes."""
    user = _me()
    if user.two_step_on:
        return _two_step_on_page(user)
    secret = session.get("totp_setup")
    if not secret:
        secret = session["totp_setup"] = totp.new_secret()
    form = TwoStepForm()
    form.code.description = gettext("The 6 digits the app shows for Hearth right now.")
    status = 200
    if form.validate_on_submit():
        if totp.check_code(secret, form.code.data) is None:
            form.code.errors.append(
                gettext(
                    "That code didn't match. Check the app shows Hearth, and type the newest code."
                )
            )
        else:
            codes = totp.turn_on(user, secret)
            audit.record("two_step", couple_id=couple_id_of(user), detail={"now": "on"})
            db.session.commit()
            session.pop("totp_setup", None)
            return render("account/recovery_codes.html", codes=codes)
    if form.errors:
        status = 422
    return render(
        "account/two_step_setup.html",
        form=form,
        secret=secret,
        uri=totp.provisioning_uri(user, secret),
        status=status,
    )


@bp.post("/two-step/off")
@login_required
def two_step_off():
    user = _me()
    form = TwoStepOffForm()
    if current_app.config["REQUIRE_TWO_STEP"] and user.is_counselor:
        flash(gettext("Your practice asks every counselor to keep two-step sign-in on."), "error")
        return redirect(url_for("account.two_step"))
    address = request.remote_addr or ""
    if form.validate_on_submit() and password_ok(form.current_password):
        if throttle.code_wait_seconds(user.id, address):
            form.code.errors.append(
                gettext("Too many tries. Please wait a few minutes and try again.")
            )
        elif totp.verify(user, form.code.data) is None:
            throttle.code_failed(user.id, address)
            form.code.errors.append(gettext("That code didn't work. Please try the newest one."))
        else:
            throttle.code_succeeded(user.id)
            totp.turn_off(user)
            audit.record("two_step", couple_id=couple_id_of(user), detail={"now": "off"})
            db.session.commit()
            flash(gettext("Two-step sign-in is off."), "info")
            return redirect(url_for("account.index"))
    db.session.rollback()
    return _two_step_on_page(user, off_form=form, status=422)


@bp.post("/two-step/codes")
@login_required
def new_codes():
    """A fresh set of recovery codes; the old ones stop working."""
    user = _me()
    form = CurrentPasswordForm(prefix="codes")
    if user.two_step_on and form.validate_on_submit() and password_ok(form.current_password):
        codes = totp.new_recovery_codes(user)
        audit.record("two_step", couple_id=couple_id_of(user), detail={"now": "new codes"})
        db.session.commit()
        return render("account/recovery_codes.html", codes=codes)
    if not user.two_step_on:
        return redirect(url_for("account.two_step"))
    return _two_step_on_page(user, codes_form=form, status=422)
