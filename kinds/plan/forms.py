"""The connection plan's forms: the counselor's three numbers, planning one time together
(or changing it), and marking it done with an optional note."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, RadioField, SelectChoice, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from forms.base import (
    CardForm,
    VersionedForm,
    date_field,
    form_key,
    keep_to,
    strip,
    text_field,
    visibility_field,
)
from forms.couples import AssignmentForm
from kinds.plan.models import AWAY, BOTH, DATE, DEFAULT, ME, PARTNER, RANGE, TRIP, UNITS, WHAT_MAX
from models import NOTE_MAX, Visibility

# The occasions as a partner reads them on the card, in their language (``NAMES``,
# ``A_NAME`` and ``every_words`` stay the English of the counselor's pages and copies).
SAID_NAMES = {DATE: _l("Date"), AWAY: _l("Night away"), TRIP: _l("Trip")}
SAID_A_NAME = {DATE: _l("a date"), AWAY: _l("a night away"), TRIP: _l("a trip")}


DAY = _l("Please choose the day, for example 2026-12-12.")
# WTForms' own words for a day it cannot read (its catalogue translates them, not ours).
UNREAD_DAY = "Not a valid date value."
TIME = _l("Please give a time like 19:30, or leave it empty.")


def _every(occasion: str, label: str) -> IntegerField:
    low, high = RANGE[occasion]
    message = f"Please choose between {low} and {high} {UNITS[occasion]}."
    return IntegerField(
        label,
        default=DEFAULT,
        validators=[InputRequired(message), NumberRange(low, high, message)],
    )


class PlanAssignmentForm(AssignmentForm):
    date_days = _every(DATE, "A date every … days")
    away_weeks = _every(AWAY, "A night away every … weeks")
    trip_months = _every(TRIP, "A trip every … months")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # "seven" or "7.5" reach the same plain request as an empty box, not "Not a valid
        # integer value".
        for name, occasion in (
            ("date_days", DATE),
            ("away_weeks", AWAY),
            ("trip_months", TRIP),
        ):
            f = self[name]
            if f.errors:
                low, high = RANGE[occasion]
                f.errors = [f"Please choose between {low} and {high} {UNITS[occasion]}."]
        return ok


class PlanForm(VersionedForm):
    """When, what and who arranges one date, night away or trip."""

    # A one-time key per card: the same plan sent twice is planned once.
    once = HiddenField(default=form_key)
    on_day = date_field(_l("Day"), DataRequired(DAY))
    at_time = TimeField(_l("Time (optional)"), validators=[Optional()])
    what = StringField(
        _l("What we'll do"),
        filters=[strip],
        validators=[
            DataRequired(_l("Please say in a few words what you'll do.")),
            Length(max=WHAT_MAX, message=keep_to(WHAT_MAX)),
        ],
        description=_l("For example: “dinner at the little Italian place, phones away”."),
    )
    arranged_by = RadioField(
        _l("Who arranges it"),
        choices=[
            SelectChoice(ME, _l("Me")),
            SelectChoice(PARTNER, _l("My partner")),
            SelectChoice(BOTH, _l("Both of us")),
        ],
        default=BOTH,
        validators=[InputRequired(_l("Please say who arranges it."))],
    )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # The library's own words for a day or a time it cannot read are not ours.
        if self.on_day.errors:
            errors = self.on_day.errors
            # In English or, with WTForms' own catalogue, the partner's language.
            unread = {UNREAD_DAY, self.on_day.gettext(UNREAD_DAY)}
            self.on_day.errors = [str(DAY) if e in unread else e for e in errors]
        if self.at_time.errors:
            self.at_time.errors = [str(TIME)]
        if self.arranged_by.errors:
            self.arranged_by.errors = [str(_l("Please say who arranges it."))]
        return ok


class KeptForm(CardForm):
    """We did it: an optional note, shared or for the counselor only."""

    once = HiddenField(default=form_key)
    note = text_field(
        _l("A note (optional)"),
        NOTE_MAX,
        description=_l("How it was, what you'd like to remember."),
    )
    visibility = visibility_field(Visibility.SHARED.value)
