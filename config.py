"""Configuration read from the environment.

A laptop needs nothing set: SQLite in ``instance/hearth.db`` and a secret key kept in the
instance folder. Production (``HEARTH_ENV=production``) refuses to start without a real
``SECRET_KEY``.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
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
    """A random key kept in the instance folder so sign-ins survive a restart.

    Several worker processes may start at once on a fresh folder: the key is written to a
    private file and linked into place, so exactly one key wins and every worker reads it.
    """
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    draft = path.with_name(f"secret_key.{os.getpid()}.{secrets.token_hex(4)}")
    draft.write_text(key)
    draft.chmod(0o600)
    try:
        os.link(draft, path)
    except FileExistsError:
        key = path.read_text().strip()  # another process got there first: use its key
    finally:
        draft.unlink()
    return key


def _engine_options(url: str) -> dict:
    """Connection pool settings. Always check a pooled connection before using it.

    PostgreSQL: a sync gunicorn worker serves one request at a time, so a small pool per
    worker is plenty; workers x hosts x (size + overflow) must stay below the server's
    ``max_connections``. SQLite keeps SQLAlchemy's defaults.
    """
    options: dict = {"pool_pre_ping": True}
    if url.startswith("postgresql"):
        options.update(
            pool_size=int(os.environ.get("HEARTH_DB_POOL_SIZE", "2")),
            max_overflow=int(os.environ.get("HEARTH_DB_MAX_OVERFLOW", "3")),
            pool_timeout=10,
            # Recycle before a proxy or firewall silently drops an idle connection.
            pool_recycle=1800,
        )
    return options


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

    database_url = _database_url(instance_path)
    smtp_url = os.environ.get("HEARTH_SMTP_URL", "").strip()
    base_url = os.environ.get("HEARTH_BASE_URL", "").strip().rstrip("/")
    if production and smtp_url and not base_url:
        raise ConfigError(
            "HEARTH_SMTP_URL is set, so messages will link back to Hearth: set HEARTH_BASE_URL "
            "to the address people open it at, e.g. https://hearth.example.org"
        )
    return {
        "HEARTH_ENV": env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(
            str(overrides.get("SQLALCHEMY_DATABASE_URI") or database_url)
        ),
        # Earlier keys still accepted while sessions and secrets move to a new SECRET_KEY.
        "SECRET_KEY_FALLBACKS": [
            k.strip() for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k.strip()
        ],
        # Sessions: the cookie is unreadable to scripts and not sent cross-site. In
        # production the __Host- prefix makes the browser refuse it unless it is Secure,
        # host-only and for the whole site.
        "SESSION_COOKIE_NAME": "__Host-hearth" if production else "hearth",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_NAME": "__Host-hearth-remember" if production else "hearth-remember",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        # "Keep me signed in" (partners on their own phone): 30 days from the last visit.
        # (renewed once a day while in use: blueprints/auth.py)
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        # Counselors are signed out after this long without a request.
        "COUNSELOR_IDLE_MINUTES": int(os.environ.get("HEARTH_COUNSELOR_IDLE_MINUTES", "30")),
        # ...and, however busy, after this long since they signed in.
        "COUNSELOR_SESSION_HOURS": float(os.environ.get("HEARTH_COUNSELOR_SESSION_HOURS", "12")),
        # Counselors must turn on two-step sign-in before they can see anything else.
        "REQUIRE_TWO_STEP": _env_bool("HEARTH_REQUIRE_TWO_STEP", False),
        # Failed sign-ins allowed per account and per address before we ask to wait. The
        # counts live in Redis when REDIS_URL is set, so every worker and host shares them.
        "RATELIMIT_ENABLED": _env_bool("HEARTH_LOGIN_THROTTLE", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL", "").strip() or "memory://",
        "RATELIMIT_KEY_PREFIX": os.environ.get("HEARTH_RATELIMIT_PREFIX", "hearth"),
        # Wrong passwords per account from one address (or one device that signed in
        # before), per account from every address together, and per address; see
        # domain/throttle.py for why the owner is never locked out by a stranger.
        "LOGIN_LIMIT_ACCOUNT": os.environ.get("HEARTH_LOGIN_LIMIT_ACCOUNT", "5 per 15 minutes"),
        "LOGIN_LIMIT_ACCOUNT_ALL": os.environ.get(
            "HEARTH_LOGIN_LIMIT_ACCOUNT_ALL", "20 per 1 hour"
        ),
        "LOGIN_LIMIT_ADDRESS": os.environ.get("HEARTH_LOGIN_LIMIT_ADDRESS", "30 per 15 minutes"),
        # Wrong second-step codes per account, cleared only by a right code.
        "LOGIN_LIMIT_CODE": os.environ.get("HEARTH_LOGIN_LIMIT_CODE", "5 per 15 minutes"),
        # New e-mail addresses one account may try (each answer tells something).
        "EMAIL_CHANGE_LIMIT": os.environ.get("HEARTH_EMAIL_CHANGE_LIMIT", "3 per 1 day"),
        # Refused requests written to the audit trail per person; later ones are counted.
        "REFUSAL_LIMIT": os.environ.get("HEARTH_REFUSAL_LIMIT", "20 per 1 hour"),
        # How long a browser where someone signed in is known to their account.
        "DEVICE_COOKIE_NAME": "__Host-hearth-device" if production else "hearth-device",
        "DEVICE_COOKIE_SECURE": production,
        "DEVICE_DAYS": int(os.environ.get("HEARTH_DEVICE_DAYS", "90")),
        # A phone tab left open all afternoon must still be able to post: the CSRF token
        # lives as long as the session instead of an hour.
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": production,
        # WTForms' own messages ("Not a valid integer value.") in the person's language,
        # from the catalogue WTForms ships, through Flask-Babel's locale. Hearth's own
        # messages, where a field sets one, come from Hearth's catalogue as before.
        "WTF_I18N_ENABLED": True,
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # Argon2id cost. "standard" is RFC 9106's low-memory profile; tests use "fast".
        "PASSWORD_HASH_PROFILE": os.environ.get("HEARTH_PASSWORD_HASH_PROFILE", "standard"),
        "INVITATION_DAYS": int(os.environ.get("HEARTH_INVITATION_DAYS", "7")),
        "DEFAULT_TIMEZONE": os.environ.get("HEARTH_DEFAULT_TIMEZONE", "UTC"),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # How many proxies in front set X-Forwarded-For/-Proto/-Host (0: none, trust none).
        "PROXY_FIX": int(os.environ.get("HEARTH_PROXY_FIX", "0")),
        # Flask-Compress: brotli or gzip for pages, CSS, JS and the SVG icon; static files
        # are streamed, and gzip-only browsers should get them compressed too.
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip"],
        # E-mail (domain/mail): an SMTP server, or without one .eml files in the outbox.
        "MAIL_SMTP_URL": smtp_url,
        "MAIL_FROM": os.environ.get("HEARTH_MAIL_FROM", "").strip() or "hearth@localhost",
        "MAIL_OUTBOX": os.environ.get("HEARTH_MAIL_OUTBOX", "").strip()
        or str(Path(instance_path) / "outbox"),
        # Where links in messages point (messages are drawn outside any request).
        "BASE_URL": base_url or "http://127.0.0.1:5000",
        # Run queued tasks at once, in this process (tests), instead of on the consumer.
        "TASKS_IMMEDIATE": _env_bool("HEARTH_TASKS_IMMEDIATE", False),
        # "Forgot your password?": requests per account and per network address.
        "RESET_LIMIT_ACCOUNT": os.environ.get("HEARTH_RESET_LIMIT_ACCOUNT", "3 per hour"),
        "RESET_LIMIT_ADDRESS": os.environ.get("HEARTH_RESET_LIMIT_ADDRESS", "20 per hour"),
        # Every answer to that form takes at least this long, known address or not.
        "RESET_ANSWER_SECONDS": float(os.environ.get("HEARTH_RESET_ANSWER_SECONDS", "0.4")),
        # The languages people may choose (web/i18n.py), comma-separated codes. A language
        # is offered once every page, message and copy a partner meets speaks it.
        "LANGUAGES": [
            code.strip()
            for code in os.environ.get("HEARTH_LANGUAGES", "en,es").split(",")
            if code.strip()
        ],
    }
