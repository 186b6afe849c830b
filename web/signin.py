"""The signed-in session: starting one, the pending second step, the browsers an account
signed in from, signing out here or everywhere, and asking again for the password.

Every cookie names the user's *session epoch* (``User.get_id``). Signing out, changing the
password, or a counselor's "sign out everywhere" raise the epoch, so every copy of an
older cookie, on any device, stops working at the next request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from flask import after_this_request, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user, user_loaded_from_cookie
from itsdangerous import BadSignature, URLSafeTimedSerializer

from domain import audit, throttle
from domain.accounts import couple_id_of
from domain.passwords import verify_password
from extensions import db
from models import User

# How long the password step stays good while the second step is being typed.
PENDING_SECONDS = 300
WRONG_PASSWORD = _l("That isn't your current password. Please try again.")


def start_session(user: User, *, remember: bool = False) -> None:
    """Sign ``user`` in on a brand-new session: nothing from before carries over.

    ``remember`` ("keep me signed in") is for partners on their own phone only. The
    browser is remembered as one of ``user``'s devices (see ``device_for``).
    """
    session.clear()
    if remember and not user.is_partner:
        # Offered to everyone on the sign-in page; a counselor's session keeps its limits
        # (``blueprints.auth.session_limits``), so say so rather than let the tick pretend.
        flash(
            gettext(
                "You're signed in. “Keep me signed in” is for partners' own phones: counselors "
                "are signed out after %(minutes)s minutes without activity, or %(hours)s hours "
                "in all.",
                minutes=current_app.config["COUNSELOR_IDLE_MINUTES"],
                hours=round(current_app.config["COUNSELOR_SESSION_HOURS"]),
            ),
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


def pending_user() -> tuple[User | None, dict]:
    pending = session.get("pending") or {}
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, {}
    user_id, _, epoch = str(pending.get("user", "")).partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active or str(user.session_epoch) != epoch:
        return None, {}
    return user, pending


# --- Asking again for the password of the signed-in person --------------------------------


def password_ok(field, wrong: str = WRONG_PASSWORD) -> bool:
    """Check the signed-in person's password typed in ``field``; a wrong one counts like a
    failed sign-in (throttled, audited) and puts ``wrong`` next to the field."""
    user, address = current_user._get_current_object(), request.remote_addr or ""
    device = device_for(user.email)
    if throttle.wait_seconds(user.email, address, device):
        field.errors.append(gettext("Too many tries. Please wait a few minutes and try again."))
        return False
    if verify_password(user.password_hash, field.data or ""):
        return True
    throttle.failed(user.email, address, device)
    audit.record_now("sign_in_failed", couple_id=couple_id_of(user), subject="Wrong password")
    field.errors.append(str(wrong))
    return False
