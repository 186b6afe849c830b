"""The needs list's forms: naming a need with its steps, and the weekly rating."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from forms.base import CardForm, VersionedForm, form_key, keep_to, strip, visibility_field
from kinds.needs.models import Rating
from models import NEED_MAX, NOTE_MAX, STEP_MAX, Visibility

# The rating words (``RATING_WORDS``) as a partner reads them, in their language.
RATING_LABELS = {Rating.MET: _l("Met"), Rating.PARTLY: _l("Partly"), Rating.NOT_YET: _l("Not yet")}


class RatingForm(CardForm):
    rating = RadioField(
        _l("How did it go this week?"),
        choices=[SelectChoice(r.value, RATING_LABELS[r]) for r in Rating],
        validators=[InputRequired(_l("Please choose met, partly or not yet."))],
    )
    comment = TextAreaField(
        _l("A comment (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=NOTE_MAX, message=keep_to(NOTE_MAX))],
    )
    comment_visibility = visibility_field(Visibility.SHARED.value)


STEPS_SHARED = _l("Steps my partner can take")


class NeedForm(VersionedForm):
    # A one-time key per page: the same form sent twice makes one record.
    once = HiddenField(default=form_key)
    wording = StringField(
        _l("What I need"),
        filters=[strip],
        validators=[
            DataRequired(_l("Please put the need into a few words.")),
            Length(max=NEED_MAX, message=keep_to(NEED_MAX)),
        ],
        description=_l("For example: “a quieter, more predictable evening routine”."),
    )
    steps = TextAreaField(
        STEPS_SHARED,
        filters=[strip],
        validators=[DataRequired(_l("Please add at least one step, one per line."))],
        description=_l(
            "One per line. Small and concrete, so you'd both notice it happened: "
            "“ask how my day was before dinner”."
        ),
    )
    visibility = visibility_field(
        Visibility.SHARED.value, _l("Who can read this need and its steps")
    )
    confirm_extra = BooleanField(_l("Yes, I'd like to add another need"))

    def word_steps_for(self, counselor: str, partner: str) -> None:
        """A need kept for the counselor is never seen by the partner: its steps are ones
        to work on with the counselor, and the form says so."""
        private = gettext("Steps to work on with %(counselor)s", counselor=counselor)
        self.steps_label_private = private
        if self.visibility.data == Visibility.COUNSELOR:
            self.steps.label.text = private
        self.steps.description = gettext(
            "One per line. Small and concrete, so you'd notice it happened: “ask how my day "
            "was before dinner”. If you keep this need for %(counselor)s only, %(partner)s won't "
            "see it or its steps; then write steps you'd like to work on with %(counselor)s.",
            counselor=counselor,
            partner=partner,
        )

    def step_lines(self) -> list[str]:
        return [line.strip() for line in (self.steps.data or "").splitlines() if line.strip()]

    def validate_steps(self, field) -> None:
        lines = self.step_lines()
        if not lines:
            raise ValidationError(gettext("Please add at least one step, one per line."))
        if len(lines) > 8:
            raise ValidationError(gettext("Eight steps at most; fewer, clearer steps work better."))
        if any(len(line) > STEP_MAX for line in lines):
            raise ValidationError(
                gettext("Please keep each step to %(num)d characters.", num=STEP_MAX)
            )
