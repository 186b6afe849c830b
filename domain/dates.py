"""Dates and times in the words of the language being spoken.

Every date Hearth writes goes through here: pages, e-mails, calendar feeds and PDFs. The
language is Flask-Babel's current one (the page's, or the one a message or copy is drawn
in with ``flask_babel.force_locale``); English when there is none. Each shape has one
CLDR pattern per language Hearth speaks (``web.i18n.LANGUAGES``), so the English reads
exactly as it always has ("Tue 17 Nov, 20:15") and the Spanish as Spanish does ("mar 17
nov, 20:15", "martes 8 de diciembre"); a language without its own patterns gets the
English order with its own month and weekday names.

Times are turned to the couple's zone by the callers (as before); these only name them.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date, format_datetime

DEFAULT = "en"

PATTERNS: dict[str, dict[str, str]] = {
    "en": {
        "short_date": "d MMM y",  # 22 Nov 2026
        "day_month": "d MMM",  # 17 Nov
        "day_time": "EEE d MMM, HH:mm",  # Tue 17 Nov, 20:15
        "weekday": "EEE d MMM",  # Tue 17 Nov
        "clock": "HH:mm",  # 18:00
        "long_day": "EEEE d MMMM",  # Tuesday 8 December
        "long_day_year": "EEEE d MMMM y",  # Tuesday 8 December 2027
        "day": "d",  # 17 (a week's first day, same month)
        "week_end": "d MMM y",  # 23 Nov 2026
    },
    "es": {
        "short_date": "d MMM y",  # 22 nov 2026
        "day_month": "d MMM",  # 17 nov
        "day_time": "EEE d MMM, HH:mm",  # mar 17 nov, 20:15
        "weekday": "EEE d MMM",  # mar 17 nov
        "clock": "HH:mm",
        "long_day": "EEEE d 'de' MMMM",  # martes 8 de diciembre
        "long_day_year": "EEEE d 'de' MMMM 'de' y",  # martes 8 de diciembre de 2027
        "day": "d",
        "week_end": "d MMM y",
    },
}


def language() -> str:
    """The language being spoken now (Flask-Babel's), or English outside the app."""
    try:
        from flask_babel import get_locale

        found = get_locale()
    except (RuntimeError, AttributeError, KeyError):  # no app, or Babel not set up
        found = None
    return str(found.language) if found is not None else DEFAULT


def pattern(shape: str, lang: str | None = None) -> str:
    lang = lang or language()
    return PATTERNS.get(lang, PATTERNS[DEFAULT])[shape]


# No pattern names a time zone, so a time's words depend only on its clock reading (the
# callers have already turned it to the couple's zone): that is what ``_written`` keeps.
ZONE_FIELDS = set("zZvVOxX")
assert not any(ZONE_FIELDS & set(p) for shapes in PATTERNS.values() for p in shapes.values())


def write(value: date | datetime, shape: str, lang: str | None = None) -> str:
    """``value`` (already on the couple's clock) in ``shape``, in the current language."""
    lang = lang or language()
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)
    return _written(value, shape, lang)


@lru_cache(maxsize=4096)
def _written(value: date | datetime, shape: str, lang: str) -> str:
    """Babel's words for a date or a clock reading, kept: a couple page writes a few
    hundred dates, mostly the same weeks over and over, and Babel parses its pattern and
    looks up the language's names for each one (issue #16)."""
    if isinstance(value, datetime):
        return format_datetime(value, pattern(shape, lang), locale=lang)
    return format_date(value, pattern(shape, lang), locale=lang)


def week_span(start: date, end: date, lang: str | None = None) -> str:
    """ "17–23 Nov 2026", "30 Nov – 6 Dec 2026", "28 Dec 2026 – 3 Jan 2027"."""
    lang = lang or language()
    if start.year != end.year:
        return f"{write(start, 'week_end', lang)} – {write(end, 'week_end', lang)}"
    if start.month != end.month:
        return f"{write(start, 'day_month', lang)} – {write(end, 'week_end', lang)}"
    return f"{write(start, 'day', lang)}–{write(end, 'week_end', lang)}"
