"""Signing in (with a second step when it is on) and out, and the session's limits.

Every cookie names the user's *session epoch* (``User.get_id``). Signing out, changing the
password, or a counselor's "sign out everywhere" raise the epoch, so every copy of an
older cookie, on any device, stops working at the next request.
"""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from domain import audit, throttle, two_step
from domain.accounts import authenticate, couple_id_of, find_user_by_email
from extensions import db
from forms.accounts import LoginForm, TwoStepForm
from web.redirects import safe_next
from web.rendering import keeps_input, render, wants_fragment
from web.signin import (
    REMEMBER_RENEW_SECONDS,
    ask_for_code,
    device_for,
    end_everywhere,
    end_session,
    pending_user,
    start_session,
)

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = _l(
    "That e-mail and password don't match an account we know. Please check both and try again."
)
CODE_FAILED = _l("That code didn't work. Please try the newest code from your app.")


def _throttled(seconds: int, offer_link: bool = False):
    """The pause page; at the password step it offers a way in by e-mail."""
    minutes = throttle.minutes(seconds)
    return render("auth/throttled.html", minutes=minutes, offer_link=offer_link, status=429)


@bp.route("/login", methods=["GET", "POST"])
@keeps_input(public=True)
def login():
    """Sign in with e-mail and password; one message whichever of the two was wrong."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        email, address = form.email.data, request.remote_addr or ""
        device = device_for(email)
        wait = throttle.wait_seconds(email, address, device)
        if wait:
            return _throttled(wait, offer_link=True)
        user = authenticate(email, form.password.data)
        if user is None:
            throttle.failed(email, address, device)
            known = find_user_by_email(email)
            audit.record_now(
                "sign_in_failed",
                actor=known,
                couple_id=couple_id_of(known),
                subject="Wrong password" if known else "Unknown e-mail",
            )
            form.form_errors.append(str(SIGN_IN_FAILED))
        else:
            throttle.succeeded(email, address, device)
            target = safe_next(request.args.get("next"))
            if user.two_step_on:
                db.session.commit()
                return ask_for_code(user, target, remember=bool(form.remember.data))
            audit.record("sign_in", actor=user, couple_id=couple_id_of(user))
            db.session.commit()
            start_session(user, remember=bool(form.remember.data))
            return redirect(target or url_for("main.index"))
    if form.errors:
        status = 422
    return render("auth/login.html", form=form, status=status)


@bp.route("/login/code", methods=["GET", "POST"])
def second_step():
    """The code from the authenticator app (or a recovery code), after the password."""
    user, pending = pending_user()
    if user is None:
        session.pop("pending", None)
        flash(gettext("Please sign in again; that took a little too long."), "info")
        return redirect(url_for("auth.login"))
    form = TwoStepForm()
    status = 200
    if form.validate_on_submit():
        address = request.remote_addr or ""
        # Wrong codes have their own count per account: a right password (typed again
        # and again) never clears it, only a right code does.
        wait = throttle.code_wait_seconds(user.id, address)
        if wait:
            return _throttled(wait)
        used = two_step.verify(user, form.code.data)
        if used is None:
            db.session.rollback()
            throttle.code_failed(user.id, address)
            audit.record_now("sign_in_failed", actor=user, subject="Wrong two-step code")
            form.code.errors.append(str(CODE_FAILED))
        else:
            throttle.code_succeeded(user.id)
            audit.record(
                "sign_in",
                actor=user,
                couple_id=couple_id_of(user),
                detail={"with": "recovery code" if used == "recovery" else "authenticator"},
            )
            db.session.commit()
            start_session(user, remember=pending.get("remember", False))
            if used == "recovery":
                left = two_step.recovery_codes_left(user)
                flash(
                    gettext(
                        "You used a recovery code; %(num)d left. You can make new ones on your "
                        "account page.",
                        num=left,
                    ),
                    "info",
                )
            return redirect(safe_next(pending.get("next")) or url_for("main.index"))
    if form.errors:
        status = 422
    return render("auth/second_step.html", form=form, status=status)


@bp.post("/logout")
def logout():
    """Sign out here and on every other device; may return to a local page."""
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        end_everywhere(user)
        audit.record("sign_out", actor=user, couple_id=couple_id_of(user))
        db.session.commit()
    end_session()
    flash(gettext("You're signed out, on this device and any other. Take care."), "info")
    return redirect(safe_next(request.form.get("next")) or url_for("auth.login"))


# Pages a counselor who must turn on two-step sign-in may still reach.
TWO_STEP_SETUP_ENDPOINTS = {"account.two_step", "account.index", "auth.logout", "static"}


def _signed_out_by_limit(message: str):
    end_session()
    flash(message, "info")
    target = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
    if wants_fragment():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


@bp.before_app_request
def session_limits():
    """Counselors: signed out after a while without a request or a long day signed in,
    and two-step when required."""
    if request.endpoint in (None, "static", "health.healthz"):
        return None
    if not current_user.is_authenticated:
        return None
    if current_user.is_partner:
        # "Keep me signed in": the 30 days start again from a visit, at most once a day.
        remembered = session.get("remembered")
        if remembered and time.time() - remembered > REMEMBER_RENEW_SECONDS:
            session["remembered"] = int(time.time())
            session["_remember"] = "set"
        return None
    now = int(time.time())
    idle = current_app.config["COUNSELOR_IDLE_MINUTES"] * 60
    lifetime = current_app.config["COUNSELOR_SESSION_HOURS"] * 60 * 60
    seen, started = session.get("seen"), session.get("started")
    if seen is not None and now - int(seen) > idle:
        return _signed_out_by_limit(
            gettext(
                "We signed you out after a while without activity, to keep your clients' "
                "words safe. Please sign in again."
            )
        )
    # However busy: a counselor's session has an end (a cookie from before this rule
    # has no start and ends now).
    if started is None or now - int(started) > lifetime:
        return _signed_out_by_limit(
            gettext(
                "You've been signed in for a long stretch, so we signed you out to keep your "
                "clients' words safe. Please sign in again."
            )
        )
    if seen is None or now - int(seen) >= 30:
        session["seen"] = now
    if (
        current_app.config["REQUIRE_TWO_STEP"]
        and not current_user.two_step_on
        and request.endpoint not in TWO_STEP_SETUP_ENDPOINTS
    ):
        flash(gettext("Please turn on two-step sign-in before you go on."), "info")
        return redirect(url_for("account.two_step"))
    return None
