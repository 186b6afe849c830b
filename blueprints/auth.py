"""Signing in (with a second step when it is on) and out, and the session's limits.

Every cookie names the user's *session epoch* (``User.get_id``). Signing out, changing the
password, or a counselor's "sign out everywhere" raise the epoch, so every copy of an
older cookie, on any device, stops working at the next request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from flask import (
    Blueprint,
    after_this_request,
    current_app,
    flash,
    make_response,
    redirect,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user, user_loaded_from_cookie
from itsdangerous import BadSignature, URLSafeTimedSerializer

from blueprints.rendering import keeps_input, render, safe_next, wants_fragment
from domain import audit, throttle, two_step
from domain.accounts import authenticate, couple_id_of, find_user_by_email
from extensions import db
from forms import LoginForm, TwoStepForm
from models import User

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = (
    "That e-mail and password don't match an account we know. Please check both and try again."
)
CODE_FAILED = "That code didn't work. Please try the newest code from your app."
# How long the password step stays good while the second step is being typed.
PENDING_SECONDS = 300


def start_session(user: User, *, remember: bool = False) -> None:
    """Sign ``user`` in on a brand-new session: nothing from before carries over.

    ``remember`` ("keep me signed in") is for partners on their own phone only. The
    browser is remembered as one of ``user``'s devices (see ``device_for``).
    """
    session.clear()
    if remember and not user.is_partner:
        # Offered to everyone on the sign-in page; a counselor's session keeps its limits
        # (``session_limits``), so say so rather than let the tick pretend.
        flash(
            "You're signed in. “Keep me signed in” is for partners' own phones: counselors "
            f"are signed out after {current_app.config['COUNSELOR_IDLE_MINUTES']} minutes "
            "without activity, or "
            f"{round(current_app.config['COUNSELOR_SESSION_HOURS'])} hours in all.",
            "info",
        )
    remember = remember and user.is_partner
    login_user(user, remember=remember)
    session.permanent = False
    session["seen"] = session["started"] = int(time.time())
    if remember:
        session["remembered"] = int(time.time())
    _remember_device(user)


# --- Devices: browsers where an account signed in before ---------------------------------


def _devices() -> URLSafeTimedSerializer:
    config = current_app.config
    # itsdangerous signs with the last key and accepts every one in the list.
    keys = [*config.get("SECRET_KEY_FALLBACKS", []), config["SECRET_KEY"]]
    return URLSafeTimedSerializer(keys, salt="hearth-device")


def device_for(email: str) -> str | None:
    """The id of this browser's device cookie if it names the account of ``email``.

    Wrong passwords typed on such a browser are counted for it alone, so the owner is
    never paused by someone guessing elsewhere (``domain/throttle.py``).
    """
    config = current_app.config
    raw = request.cookies.get(config["DEVICE_COOKIE_NAME"])
    if not raw:
        return None
    try:
        found = _devices().loads(raw, max_age=config["DEVICE_DAYS"] * 24 * 60 * 60)
    except BadSignature:
        return None
    if not isinstance(found, dict) or not isinstance(found.get("d"), str):
        return None
    if not hmac.compare_digest(str(found.get("a", "")), throttle.account_digest(email)):
        return None
    return found["d"][:32] or None


def remember_this_browser(user: User) -> None:
    """Count this browser as one of ``user``'s devices from now on, without signing in.

    For someone who has just shown they read the account's e-mail (a password link):
    their next sign-in here is counted for this browser alone, so guesses from elsewhere
    that paused the account do not keep its owner out.
    """
    _remember_device(user)


def _remember_device(user: User) -> None:
    config = current_app.config
    value = _devices().dumps({"a": throttle.account_digest(user.email), "d": secrets.token_hex(8)})

    @after_this_request
    def _set(response):
        response.set_cookie(
            config["DEVICE_COOKIE_NAME"],
            value,
            max_age=config["DEVICE_DAYS"] * 24 * 60 * 60,
            secure=config["DEVICE_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
            path="/",
        )
        return response


# --- Signing out, and what an open form may still show ----------------------------------


def csrf_fingerprint(raw: str) -> str:
    """A short keyed hash of a session's CSRF secret, to know that session again later."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"drafts:" + raw.encode(), hashlib.sha256).hexdigest()[:32]


def end_session() -> None:
    """Sign out on this browser. Forms still open in it were posted by this person: after
    a stale token they may show what was typed (``blueprints.errors``), nobody else's."""
    raw = session.get("csrf_token")
    logout_user()
    session.clear()
    if raw:
        session["drafts_of"] = csrf_fingerprint(str(raw))


@user_loaded_from_cookie.connect
def _back_from_remember_cookie(_app, user) -> None:
    session["remembered"] = int(time.time())
    session["seen"] = int(time.time())


REMEMBER_RENEW_SECONDS = 24 * 60 * 60


def end_everywhere(user: User) -> None:
    """Make every session and remember-me cookie of ``user`` stop working."""
    user.session_epoch = (user.session_epoch or 0) + 1


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
            form.form_errors.append(SIGN_IN_FAILED)
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


def ask_for_code(user: User, target: str | None, *, remember: bool = False):
    """The password is right; the code from the app (or a recovery code) comes next.

    Nothing is signed in until then; the password step stays good for a few minutes.
    """
    session.clear()
    session["pending"] = {
        "user": user.get_id(),
        "at": int(time.time()),
        "next": target,
        "remember": remember,
    }
    return redirect(url_for("auth.second_step"))


def _pending_user() -> tuple[User | None, dict]:
    pending = session.get("pending") or {}
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, {}
    user_id, _, epoch = str(pending.get("user", "")).partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active or str(user.session_epoch) != epoch:
        return None, {}
    return user, pending


@bp.route("/login/code", methods=["GET", "POST"])
def second_step():
    """The code from the authenticator app (or a recovery code), after the password."""
    user, pending = _pending_user()
    if user is None:
        session.pop("pending", None)
        flash("Please sign in again; that took a little too long.", "info")
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
            form.code.errors.append(CODE_FAILED)
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
                    f"You used a recovery code; {left} left. You can make new ones on your "
                    "account page.",
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
    flash("You're signed out, on this device and any other. Take care.", "info")
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
            "We signed you out after a while without activity, to keep your clients' "
            "words safe. Please sign in again."
        )
    # However busy: a counselor's session has an end (a cookie from before this rule
    # has no start and ends now).
    if started is None or now - int(started) > lifetime:
        return _signed_out_by_limit(
            "You've been signed in for a long stretch, so we signed you out to keep your "
            "clients' words safe. Please sign in again."
        )
    if seen is None or now - int(seen) >= 30:
        session["seen"] = now
    if (
        current_app.config["REQUIRE_TWO_STEP"]
        and not current_user.two_step_on
        and request.endpoint not in TWO_STEP_SETUP_ENDPOINTS
    ):
        flash("Please turn on two-step sign-in before you go on.", "info")
        return redirect(url_for("account.two_step"))
    return None
