"""Template filters and globals."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import segno
from flask import Flask

from domain import invitations
from domain.homework import KIND_NAMES
from domain.views import PROMPTS
from forms import WEEKDAYS


def qr_data_uri(text: str) -> str:
    """A QR code as an SVG data URI: an <img> the strict CSP allows, no script needed."""
    return segno.make(text, error="m").svg_data_uri(scale=5, border=2, dark="#2b2118")


def short_date(value: datetime | None, tz: str | None = None) -> str:
    """ "22 Nov 2026", in the given IANA zone (UTC otherwise)."""
    if value is None:
        return ""
    if tz:
        value = value.astimezone(ZoneInfo(tz))
    return f"{value.day} {value:%b %Y}"


def register(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.add_template_filter(short_date, "short_date")
    app.add_template_filter(qr_data_uri, "qr_data_uri")
    app.add_template_filter(day_time, "day_time")
    app.add_template_filter(day_month, "day_month")
    app.add_template_global(WEEKDAYS, "WEEKDAYS")
    app.add_template_global(KIND_NAMES, "KIND_NAMES")
    app.add_template_global(PROMPTS, "PROMPTS")
    app.add_template_global(invitations.current_for, "current_invitation")


def day_time(value: datetime | None, tz: str | None = None) -> str:
    """ "Tue 17 Nov, 20:15" in the couple's time zone."""
    if value is None:
        return ""
    if tz:
        value = value.astimezone(ZoneInfo(tz))
    return f"{value:%a} {value.day} {value:%b}, {value:%H:%M}"


def day_month(value) -> str:
    """ "17 Nov" for a date or datetime."""
    return f"{value.day} {value:%b}" if value else ""
