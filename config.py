"""Configuration read from the environment.

A laptop needs nothing set: SQLite in ``instance/hearth.db`` and a secret key kept in the
instance folder. Production (``HEARTH_ENV=production``) refuses to start without a real
``SECRET_KEY``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

# Keys that must never sign a production session: they are public (this file, the README).
_KNOWN_WEAK_KEYS = {"", "dev", "change-me", "changeme", "secret", "development"}
MIN_PRODUCTION_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """The environment does not describe a safe way to run Hearth."""


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "hearth.db")
    # Hosting platforms often hand out ``postgres://``; SQLAlchemy wants a driver name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _laptop_secret_key(instance_path: str) -> str:
    """A random key kept in the instance folder so sign-ins survive a restart."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Return the settings for this process, read from the environment.

    ``overrides`` (tests, scripts) win over the environment; a ``SECRET_KEY`` among them
    means no laptop key is generated.
    """
    overrides = overrides or {}
    env = str(overrides.get("HEARTH_ENV") or os.environ.get("HEARTH_ENV", "development"))
    env = env.strip().lower()
    production = env == "production"
    secret_key = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY", "")
    if production:
        if secret_key.strip().lower() in _KNOWN_WEAK_KEYS or len(secret_key) < (
            MIN_PRODUCTION_KEY_LENGTH
        ):
            raise ConfigError(
                "HEARTH_ENV=production needs SECRET_KEY set to a random value of at least "
                f"{MIN_PRODUCTION_KEY_LENGTH} characters, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
    elif not secret_key:
        secret_key = _laptop_secret_key(instance_path)

    return {
        "HEARTH_ENV": env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Sessions: the cookie is unreadable to scripts and not sent cross-site.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        # A phone tab left open all afternoon must still be able to post: the CSRF token
        # lives as long as the session instead of an hour.
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": production,
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # Argon2id cost. "standard" is RFC 9106's low-memory profile; tests use "fast".
        "PASSWORD_HASH_PROFILE": os.environ.get("HEARTH_PASSWORD_HASH_PROFILE", "standard"),
        "INVITATION_DAYS": int(os.environ.get("HEARTH_INVITATION_DAYS", "7")),
        "DEFAULT_TIMEZONE": os.environ.get("HEARTH_DEFAULT_TIMEZONE", "UTC"),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "SHOW_SQL": _env_bool("HEARTH_SHOW_SQL", False),
    }
