"""The numbers and dates Hearth's URLs carry, checked before any view runs."""

from __future__ import annotations

from datetime import date

from werkzeug.routing import BaseConverter, IntegerConverter, ValidationError

from domain.weeks import day_in_range

# The largest ID a row can have: our primary keys are ``Integer`` columns, 32 bits on
# PostgreSQL (SQLite's 64 bits hold more). A larger number in a URL names nothing.
ID_MAX = 2**31 - 1


def digits_up_to(limit: int) -> str:
    """A regular expression for the whole numbers from 0 to ``limit``, in ASCII digits."""
    digits = str(limit)
    options = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for i, digit in enumerate(digits):
        if digit != "0":
            rest = len(digits) - i - 1
            options.append(f"{digits[:i]}[0-{int(digit) - 1}]" + (f"[0-9]{{{rest}}}" * bool(rest)))
    options.append(digits)
    return "(?:" + "|".join(options) + ")"


class IdConverter(IntegerConverter):
    """``<int:couple_id>`` in every route: a whole number the database can hold, or 404.

    Registered in place of Werkzeug's own ``int``, so every route with a number in its
    path, today's and tomorrow's, refuses one beyond the integer columns' range before a
    query could fail on it (SQLite cannot even bind a number over 64 bits). The refusal
    is in the pattern itself, not only in the conversion: a path that matches no pattern
    is a 404, where one refused after matching a route that takes another method would
    have been a 405.
    """

    regex = digits_up_to(ID_MAX)

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", ID_MAX)
        super().__init__(url_map, *args, **kwargs)


class DateConverter(BaseConverter):
    """``<date:week_start>``: an ISO date such as 2026-11-16 in a URL.

    Not a date, or a date outside ``domain.weeks``' range (``/week/0001-01-01``): no
    route matches, a 404.
    """

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> date:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValidationError() from None
        if not day_in_range(day):
            raise ValidationError()
        return day

    def to_url(self, value: date) -> str:
        return value.isoformat()
