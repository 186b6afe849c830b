"""The needs list's forms: naming a need with its steps, and the weekly rating."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from forms.base import CardForm, VersionedForm, form_key, strip, visibility_field
from kinds.needs.models import RATING_WORDS, Rating
from models import NEED_MAX, NOTE_MAX, STEP_MAX, Visibility


class RatingForm(CardForm):
    rating = RadioField(
        "How did it go this week?",
        choices=[SelectChoice(r.value, RATING_WORDS[r]) for r in Rating],
        validators=[InputRequired("Please choose met, partly or not yet.")],
    )
    comment = TextAreaField(
        "A comment (optional)",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=NOTE_MAX, message=f"Please keep it to {NOTE_MAX} characters."),
        ],
    )
    comment_visibility = visibility_field(Visibility.SHARED.value)


STEPS_SHARED = "Steps my partner can take"
STEPS_PRIVATE = "Steps to work on with {counselor}"


class NeedForm(VersionedForm):
    # A one-time key per page: the same form sent twice makes one record.
    once = HiddenField(default=form_key)
    wording = StringField(
        "What I need",
        filters=[strip],
        validators=[
            DataRequired("Please put the need into a few words."),
            Length(max=NEED_MAX, message=f"Please keep it to {NEED_MAX} characters."),
        ],
        description="For example: “a quieter, more predictable evening routine”.",
    )
    steps = TextAreaField(
        STEPS_SHARED,
        filters=[strip],
        validators=[DataRequired("Please add at least one step, one per line.")],
        description="One per line. Small and concrete, so you'd both notice it happened: "
        "“ask how my day was before dinner”.",
    )
    visibility = visibility_field(Visibility.SHARED.value, "Who can read this need and its steps")
    confirm_extra = BooleanField("Yes, I'd like to add another need")

    def word_steps_for(self, counselor: str, partner: str) -> None:
        """A need kept for the counselor is never seen by the partner: its steps are ones
        to work on with the counselor, and the form says so."""
        private = STEPS_PRIVATE.format(counselor=counselor)
        self.steps_label_private = private
        if self.visibility.data == Visibility.COUNSELOR:
            self.steps.label.text = private
        self.steps.description = (
            "One per line. Small and concrete, so you'd notice it happened: “ask how my day "
            f"was before dinner”. If you keep this need for {counselor} only, {partner} won't "
            f"see it or its steps; then write steps you'd like to work on with {counselor}."
        )

    def step_lines(self) -> list[str]:
        return [line.strip() for line in (self.steps.data or "").splitlines() if line.strip()]

    def validate_steps(self, field) -> None:
        lines = self.step_lines()
        if not lines:
            raise ValidationError("Please add at least one step, one per line.")
        if len(lines) > 8:
            raise ValidationError("Eight steps at most; fewer, clearer steps work better.")
        if any(len(line) > STEP_MAX for line in lines):
            raise ValidationError(f"Please keep each step to {STEP_MAX} characters.")
