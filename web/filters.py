"""Template filters and globals. Dates are written in the page's language (``domain.dates``)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import segno
from flask import Flask
from markupsafe import Markup

from domain import dates, invitations
from domain.weeks import WEEKDAYS


def qr_data_uri(text: str) -> str:
    """A QR code as an SVG data URI: an <img> the strict CSP allows, no script needed."""
    return segno.make(text, error="m").svg_data_uri(scale=5, border=2, dark="#2b2118")


def short_date(value: datetime | None, tz: str | None = None) -> str:
    """ "22 Nov 2026", in the given IANA zone (UTC otherwise)."""
    if value is None:
        return ""
    if tz:
        value = value.astimezone(ZoneInfo(tz))
    return dates.write(value, "short_date")


def strong(value) -> Markup:
    """``value`` in bold (escaped), for a name inside a translated sentence."""
    return Markup("<strong>{}</strong>").format(value)


def register(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.add_template_filter(short_date, "short_date")
    app.add_template_filter(qr_data_uri, "qr_data_uri")
    app.add_template_filter(day_time, "day_time")
    app.add_template_filter(day_month, "day_month")
    app.add_template_filter(sentence, "sentence")
    app.add_template_filter(strong, "strong")
    from domain import summary

    # How a session is named, on pages and in PDFs alike.
    app.add_template_filter(summary.full_day_time, "full_day_time")
    app.add_template_filter(summary.session_title, "session_title")
    app.add_template_global(WEEKDAYS, "WEEKDAYS")
    from web.i18n import page_language

    # The language of the page (``<html lang>``), as ``web.i18n.choose`` picked it.
    app.add_template_global(page_language, "page_language")
    from domain.confidentiality import first_name
    from domain.visibility import strictest, who_can_read

    app.add_template_global(who_can_read, "who_can_read")
    app.add_template_global(strictest, "strictest")
    app.add_template_global(lambda couple: first_name(couple.counselor), "counselor_first")
    from kinds import registry

    app.add_template_global(registry.NAMES, "KIND_NAMES")
    app.add_template_global(lambda: tuple(registry.REGISTRY), "homework_kinds")
    app.add_template_global(invitations.current_for, "current_invitation")
    from domain.cards import left_on

    app.add_template_global(left_on, "left_on")
    from web.i18n import as_read

    def instructions_as_read(assignment) -> str:
        """An assignment's instructions: the counselor's words as written, or Hearth's
        default instructions (kept unchanged) in the reader's language."""
        kind = registry.get(assignment.kind)
        return as_read(assignment.instructions, kind.default_instructions if kind else None)

    app.add_template_global(instructions_as_read, "instructions_as_read")
    register_between_sessions(app)


def register_between_sessions(app: Flask) -> None:
    """What the pages show between sessions: the next session, what is new, the feed."""
    from blueprints.appointments import form_for
    from blueprints.calendar import feed_links
    from domain import appointments

    app.add_template_filter(appointments.long_day_time, "long_day_time")
    app.add_template_filter(clock, "clock")
    app.add_template_global(appointments.upcoming, "next_session_of")
    app.add_template_global(new_summaries, "new_summaries")
    app.add_template_global(feed_links, "calendar_feed_links")
    app.add_template_global(form_for, "appointment_form")


def clock(value: datetime, tz: str) -> str:
    """ "18:00" on the given zone's clock."""
    return dates.write(value.astimezone(ZoneInfo(tz)), "clock")


def new_summaries() -> list:
    """The signed-in partner's released summaries not opened yet (once per request)."""
    from flask import g
    from flask_login import current_user
    from sqlalchemy.exc import SQLAlchemyError

    from domain import whats_new
    from extensions import db

    if not (current_user.is_authenticated and current_user.is_partner):
        return []
    if "new_summaries" not in g:
        try:
            g.new_summaries = whats_new.unopened_summaries(current_user)
        except SQLAlchemyError:
            # The error page of a failed request still renders: without the dot.
            db.session.rollback()
            g.new_summaries = []
    return g.new_summaries


def day_time(value: datetime | None, tz: str | None = None) -> str:
    """ "Tue 17 Nov, 20:15" in the couple's time zone."""
    if value is None:
        return ""
    if tz:
        value = value.astimezone(ZoneInfo(tz))
    return dates.write(value, "day_time")


def sentence(text: str | None) -> str:
    """``text`` ending as a sentence does: a full stop added unless it already ends with
    one (or "!", "?", "…", also inside closing quotes or brackets), a trailing comma, colon
    or semicolon becoming the full stop. Parts of an answer then read one after another,
    never "written down.; didn't"."""
    if not text:
        return ""
    text = text.rstrip()
    if text.rstrip("\"'”’)]»").endswith((".", "!", "?", "…")):
        return text
    # "We tried;" ends as "We tried.", not "We tried;."
    return f"{text.rstrip(',;: ')}."


def day_month(value) -> str:
    """ "17 Nov" for a date or datetime."""
    return dates.write(value, "day_month") if value else ""
