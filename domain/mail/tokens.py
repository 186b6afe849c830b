"""Signed tokens in unsubscribe links, and keyed hashes of addresses.

An unsubscribe link must work from a mail client without signing in, so it carries a
token signed with the app's key naming one person (or one address) and one kind.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from models import normalize_email

_SALT = "hearth-unsubscribe"


def _serializer() -> URLSafeSerializer:
    # The last key signs; earlier ones are still accepted while keys move.
    keys = [*current_app.config.get("SECRET_KEY_FALLBACKS", []), current_app.config["SECRET_KEY"]]
    return URLSafeSerializer(keys, salt=_SALT)


def address_digest(address: str) -> str:
    """A keyed hash of an e-mail address: it names the address without keeping it."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, normalize_email(address).encode(), hashlib.sha256).hexdigest()


def unsubscribe_token(kind: str, *, user_id: int | None = None, address: str = "") -> str:
    if user_id is not None:
        return _serializer().dumps({"k": kind, "u": user_id})
    return _serializer().dumps({"k": kind, "a": address_digest(address)})


def read_unsubscribe_token(token: str) -> dict | None:
    """``{"k": kind, "u": user id}`` or ``{"k": kind, "a": address digest}``, or None."""
    if not token or len(token) > 300:
        return None
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("k"), str):
        return None
    if not isinstance(data.get("u"), int) and not isinstance(data.get("a"), str):
        return None
    return data
