"""Two-step sign-in with an authenticator app (TOTP, RFC 6238) and one-time recovery codes.

The shared secret is stored encrypted with a key derived from the app's ``SECRET_KEY``
(and ``SECRET_KEY_FALLBACKS`` while moving to a new key), so a copy of the database alone
cannot produce codes. Recovery codes are random, shown once, and kept only as hashes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

import pyotp
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import delete, func, select

from extensions import db
from models import RecoveryCode, User, utcnow

ISSUER = "Hearth"
RECOVERY_CODES = 10


def _fernet() -> MultiFernet:
    keys = [current_app.config["SECRET_KEY"], *current_app.config.get("SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"hearth-totp:" + k.encode()).digest()))
            for k in keys
        ]
    )


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def _secret_of(user: User) -> str | None:
    if not user.totp_secret:
        return None
    try:
        return _fernet().decrypt(user.totp_secret.encode()).decode()
    except InvalidToken:
        return None


def _digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def check_code(secret: str, code: str, last_step: int | None = None) -> int | None:
    """The time step ``code`` belongs to (±1 step for clock drift), or None.

    A step at or before ``last_step`` was already used and is refused: a code read over
    someone's shoulder cannot be used a second time.
    """
    code = _digits(code)
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(time.time()) // totp.interval
    for step in (now_step, now_step - 1, now_step + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def turn_on(user: User, secret: str) -> list[str]:
    """Store the secret and return a fresh set of recovery codes to show once."""
    user.totp_secret = _fernet().encrypt(secret.encode()).decode()
    user.totp_enabled_at = utcnow()
    user.totp_last_step = None
    return new_recovery_codes(user)


def turn_off(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    _drop_recovery_codes(user)


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def _drop_recovery_codes(user: User) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def new_recovery_codes(user: User) -> list[str]:
    _drop_recovery_codes(user)
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(6)
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(c)) for c in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def verify(user: User, code: str) -> str | None:
    """Check a sign-in code: "app", "recovery" (one used up) or None when it is wrong."""
    secret = _secret_of(user)
    if secret is None:
        return None
    step = check_code(secret, code, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        return "app"
    found = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if found is not None:
        found.used_at = utcnow()
        return "recovery"
    return None
