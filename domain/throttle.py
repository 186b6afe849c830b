"""Failed sign-ins, counted per account and per address.

Only failures count, so a family sharing one home connection is not slowed down by each
other's successful sign-ins. The counts live in Flask-Limiter's storage: Redis when
``REDIS_URL`` is set (shared by every worker and host), memory otherwise. An account is
named in that storage by a keyed hash of the e-mail typed, never the address itself, and
an address that has no account counts exactly like one that has.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time

from flask import current_app
from limits import parse

from extensions import limiter
from models import normalize_email


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _account_key(email: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, normalize_email(email).encode(), hashlib.sha256).hexdigest()
    return f"login/account/{digest[:32]}"


def _checks(email: str, address: str):
    config = current_app.config
    # One Redis may serve several Hearth installations: each keeps to its own prefix.
    prefix = config.get("RATELIMIT_KEY_PREFIX", "hearth")
    yield parse(config["LOGIN_LIMIT_ACCOUNT"]), f"{prefix}/{_account_key(email)}"
    yield parse(config["LOGIN_LIMIT_ADDRESS"]), f"{prefix}/login/address/{address or 'unknown'}"


def wait_seconds(email: str, address: str) -> int:
    """0 when a sign-in may be tried now, else how many seconds until it may."""
    if not _enabled():
        return 0
    wait = 0
    for limit, key in _checks(email, address):
        if not limiter.limiter.test(limit, key):
            reset = limiter.limiter.get_window_stats(limit, key).reset_time
            wait = max(wait, math.ceil(reset - time.time()), 1)
    return wait


def failed(email: str, address: str) -> None:
    if _enabled():
        for limit, key in _checks(email, address):
            limiter.limiter.hit(limit, key)


def succeeded(email: str) -> None:
    """A right password clears that account's count (not the address's)."""
    if _enabled():
        limit, key = next(_checks(email, ""))
        limiter.limiter.clear(limit, key)


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
