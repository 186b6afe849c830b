"""The pause agreement's forms: a wording of the rule, and a pause in the log."""

from __future__ import annotations

from wtforms import HiddenField, IntegerField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from forms.base import CardForm, date_field, form_key, strip, text_field, visibility_field
from kinds.pause.models import PART_MAX, RETURN_WORDS, WORD_MAX
from models import NOTE_MAX, Visibility


class RuleForm(CardForm):
    once = HiddenField(default=form_key)
    word = StringField(
        "Our word for “let's pause”",
        filters=[strip],
        validators=[
            DataRequired("Please choose a word or a short phrase."),
            Length(max=WORD_MAX, message=f"Please keep it to {WORD_MAX} characters."),
        ],
        description="For example: “timeout” or “pineapple”.",
    )
    minutes = IntegerField(
        "We stop for (minutes)",
        default=20,
        validators=[
            InputRequired("Please say how many minutes, from 5 to 240."),
            NumberRange(5, 240, "Please say how many minutes, from 5 to 240."),
        ],
    )
    calming = text_field(
        "Each of us…",
        PART_MAX,
        required="Please say what each of you does to calm down.",
        description="For example: “goes for a short walk or listens to music”.",
    )
    coming_back = text_field(
        "We come back to it…",
        PART_MAX,
        required="Please say how you come back to it.",
        description="For example: “at the kitchen table, each saying what we need first”.",
    )


class PauseForm(CardForm):
    once = HiddenField(default=form_key)
    paused_on = date_field("The day we paused", DataRequired("Please give the day."))
    came_back = RadioField(
        "Did we come back to it?",
        choices=[SelectChoice("yes", "Yes, we came back to it"), SelectChoice("no", "Not yet")],
        validators=[InputRequired("Please say whether you came back to it.")],
    )
    return_rating = RadioField(
        "How the return went",
        choices=[SelectChoice(str(n), f"{n} · {w}") for n, w in RETURN_WORDS.items()],
        coerce=lambda v: int(v) if v not in (None, "", "None") else None,
        validators=[Optional()],
    )
    note = text_field("A note (optional)", NOTE_MAX)
    visibility = visibility_field(
        Visibility.SHARED.value, label="Who can read how it went and the note"
    )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.came_back.data == "yes" and not self.return_rating.data:
            self.return_rating.errors = ["Please choose how the return went, from 1 to 5."]
            return False
        return ok
