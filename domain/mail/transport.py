"""Handing a message over: to an SMTP server (``HEARTH_SMTP_URL``), or to the outbox.

``smtp://user:pass@host:587`` speaks STARTTLS (``?starttls=off`` for a relay on this
machine only), ``smtps://user:pass@host:465`` TLS from the first byte. Without a URL,
messages are written as ``.eml`` files to the outbox folder and nothing is sent.

Failures come back as ``Transient`` (try again later: the server is busy, unreachable,
or refuses our login) or ``Permanent`` (the server refused this message for good).
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

log = logging.getLogger("hearth.mail")

TIMEOUT_SECONDS = 30
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class Transient(Exception):
    """Worth another try later."""


class Permanent(Exception):
    """The server will never take this message."""


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    tls: str  # "starttls", "tls" or "none"
    username: str
    password: str

    def describe(self) -> str:
        """Where messages go, for people to read (never the password)."""
        who = f"{self.username}@" if self.username else ""
        return f"{who}{self.host}:{self.port} ({self.tls})"


def parse_smtp_url(url: str) -> SmtpTarget:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("HEARTH_SMTP_URL must look like smtp://user:pass@host:587 or smtps://…")
    options = parse_qs(parts.query)
    if parts.scheme == "smtps":
        tls, port = "tls", parts.port or 465
    else:
        off = options.get("starttls", ["on"])[0].lower() in ("off", "no", "false", "0")
        tls, port = ("none" if off else "starttls"), parts.port or 587
    target = SmtpTarget(
        host=parts.hostname,
        port=port,
        tls=tls,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )
    if target.tls == "none" and target.username and target.host not in LOOPBACK:
        raise ValueError("HEARTH_SMTP_URL: a password is only sent over TLS to another host")
    return target


def _connect(target: SmtpTarget) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if target.tls == "tls":
        client = smtplib.SMTP_SSL(
            target.host, target.port, timeout=TIMEOUT_SECONDS, context=context
        )
    else:
        client = smtplib.SMTP(target.host, target.port, timeout=TIMEOUT_SECONDS)
        if target.tls == "starttls":
            client.starttls(context=context)
    if target.username:
        client.login(target.username, target.password)
    return client


def send_smtp(url: str, email: EmailMessage) -> str:
    """Send ``email`` through the server at ``url``; returns where it went."""
    target = parse_smtp_url(url)
    try:
        client = _connect(target)
        try:
            refused = client.send_message(email)
        finally:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()
    except smtplib.SMTPAuthenticationError as error:
        # Our settings are wrong, not the message: keep it until they are fixed.
        raise Transient(f"login refused: {error.smtp_code} {_text(error.smtp_error)}") from None
    except smtplib.SMTPRecipientsRefused as error:
        code, text = next(iter(error.recipients.values()))
        raise _by_code(code, f"recipient refused: {code} {_text(text)}") from None
    except smtplib.SMTPResponseException as error:
        raise _by_code(error.smtp_code, f"{error.smtp_code} {_text(error.smtp_error)}") from None
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        raise Transient(f"{type(error).__name__}: {error}"[:300]) from None
    if refused:
        code, text = next(iter(refused.values()))
        raise _by_code(code, f"recipient refused: {code} {_text(text)}")
    return target.describe()


def _text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value)[:300]


def _by_code(code: int, text: str) -> Exception:
    return Permanent(text) if 500 <= int(code) < 600 else Transient(text)


def save_to_outbox(folder: str, name: str, email: EmailMessage) -> str:
    """Write ``email`` as ``folder/name.eml`` (private to this user); returns the path."""
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = path / f"{name}.eml"
    draft = path / f".{name}.{os.getpid()}.part"
    draft.write_bytes(email.as_bytes())
    draft.chmod(0o600)
    os.replace(draft, target)
    return str(target)
