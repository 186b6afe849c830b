"""Counting what may be tried too often: wrong passwords, wrong codes, e-mail changes,
refused requests.

Only failures count, so a family sharing one home connection is not slowed down by each
other's successful sign-ins. The counts live in Flask-Limiter's storage: Redis when
``REDIS_URL`` is set (shared by every worker and host), memory otherwise. An account is
named in that storage by a keyed hash of the e-mail typed, never the address itself, and
an address that has no account counts exactly like one that has.

Wrong passwords are counted so that guessing stays slow without letting a stranger lock
the owner out:

* per account *from one network address* (``LOGIN_LIMIT_ACCOUNT``): someone guessing
  from their own connection is paused there, while the owner elsewhere is not;
* per account from *every* address together (``LOGIN_LIMIT_ACCOUNT_ALL``): caps what many
  addresses can try between them;
* per address (``LOGIN_LIMIT_ADDRESS``): one address trying many accounts;
* a browser where this account signed in before carries a *device* cookie
  (``web.signin``); its tries are counted for that device alone, so the owner on their
  own phone or office computer is never paused by anyone else's guesses.

Codes of the second step are counted per account on their own (``LOGIN_LIMIT_CODE``);
only a right code clears that count, never the password step.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Iterator

from flask import current_app
from limits import RateLimitItem, parse

from extensions import limiter
from models import normalize_email


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def account_digest(email: str) -> str:
    """How an account is named in the counts (and in device cookies): a keyed hash."""
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, normalize_email(email).encode(), hashlib.sha256).hexdigest()
    return digest[:32]


def _key(*parts: object) -> str:
    # One Redis may serve several Hearth installations: each keeps to its own prefix.
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "hearth")
    return "/".join([prefix, *(str(p) for p in parts)])


def _limit(setting: str) -> RateLimitItem:
    return parse(current_app.config[setting])


Checks = Iterator[tuple[RateLimitItem, str]]


def _sign_in_checks(email: str, address: str, device: str | None) -> Checks:
    account = account_digest(email)
    if device:
        yield _limit("LOGIN_LIMIT_ACCOUNT"), _key("login/device", account, device)
        return
    address = address or "unknown"
    yield _limit("LOGIN_LIMIT_ACCOUNT"), _key("login/account", account, "from", address)
    yield _limit("LOGIN_LIMIT_ACCOUNT_ALL"), _key("login/account", account)
    yield _limit("LOGIN_LIMIT_ADDRESS"), _key("login/address", address)


def _code_checks(user_id: int, address: str) -> Checks:
    yield _limit("LOGIN_LIMIT_CODE"), _key("login/code", user_id)
    yield _limit("LOGIN_LIMIT_ADDRESS"), _key("login/address", address or "unknown")


def _wait(checks: Checks) -> int:
    if not _enabled():
        return 0
    wait = 0
    for limit, key in checks:
        if not limiter.limiter.test(limit, key):
            reset = limiter.limiter.get_window_stats(limit, key).reset_time
            wait = max(wait, math.ceil(reset - time.time()), 1)
    return wait


def _hit(checks: Checks) -> None:
    if _enabled():
        for limit, key in checks:
            limiter.limiter.hit(limit, key)


def wait_seconds(email: str, address: str, device: str | None = None) -> int:
    """0 when a password may be tried now, else how many seconds until it may.

    ``device`` is the id of this browser's device cookie when it names this account.
    """
    return _wait(_sign_in_checks(email, address, device))


def failed(email: str, address: str, device: str | None = None) -> None:
    """A wrong password (or an unknown e-mail)."""
    _hit(_sign_in_checks(email, address, device))


def succeeded(email: str, address: str, device: str | None = None) -> None:
    """A right password clears the count of this account from here (this address, or
    this device). The count over every address stays until its window ends: the owner
    signing in must not hand a guesser elsewhere a fresh allowance. Codes of the second
    step keep their own count (``code_succeeded``)."""
    if _enabled():
        # The first check is the one of this account from here (see _sign_in_checks).
        limit, key = next(_sign_in_checks(email, address, device))
        limiter.limiter.clear(limit, key)


def code_wait_seconds(user_id: int, address: str) -> int:
    """0 when a second-step code may be tried now, else seconds until it may."""
    return _wait(_code_checks(user_id, address))


def code_failed(user_id: int, address: str) -> None:
    _hit(_code_checks(user_id, address))


def code_succeeded(user_id: int) -> None:
    """Only a right code clears the account's count of wrong codes."""
    if _enabled():
        limiter.limiter.clear(_limit("LOGIN_LIMIT_CODE"), _key("login/code", user_id))


def email_change_wait_seconds(user_id: int) -> int:
    """0 when this account may try another new e-mail address now."""
    return _wait(iter([(_limit("EMAIL_CHANGE_LIMIT"), _key("email-change", user_id))]))


def email_change_tried(user_id: int) -> None:
    """Every try counts, taken address or not: the answer to each one says something."""
    _hit(iter([(_limit("EMAIL_CHANGE_LIMIT"), _key("email-change", user_id))]))


def refusal_to_record(user_id: int) -> str | None:
    """Count one refused request of this person: "record", "last" (record it and say that
    later ones in this window are only counted), or None (only counted)."""
    if not _enabled():
        return "record"
    limit, key = _limit("REFUSAL_LIMIT"), _key("refused", user_id)
    if not limiter.limiter.hit(limit, key):
        return None
    return "last" if limiter.limiter.get_window_stats(limit, key).remaining == 0 else "record"


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def spend(action: str, account_limit: str, address_limit: str, email: str, address: str) -> bool:
    """Count one ``action`` (e.g. "reset") for the e-mail typed and for the network
    address; False once either is over its limit. Unlike sign-ins, every try counts.
    The e-mail is named by a keyed hash, never the address itself."""
    if not _enabled():
        return True
    config = current_app.config
    prefix = config.get("RATELIMIT_KEY_PREFIX", "hearth")
    secret = config["SECRET_KEY"].encode()
    account = hmac.new(secret, normalize_email(email).encode(), hashlib.sha256).hexdigest()
    allowed = True
    for limit, key in (
        (parse(account_limit), f"{prefix}/{action}/account/{account[:32]}"),
        (parse(address_limit), f"{prefix}/{action}/address/{address or 'unknown'}"),
    ):
        allowed = limiter.limiter.hit(limit, key) and allowed
    return allowed
