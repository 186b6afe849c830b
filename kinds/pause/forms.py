"""The pause agreement's forms: a wording of the rule, and a pause in the log."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from forms.base import CardForm, date_field, form_key, keep_to, strip, text_field, visibility_field
from kinds.pause.models import PART_MAX, RETURN_WORDS, WORD_MAX
from models import NOTE_MAX, Visibility

# ``RETURN_WORDS`` as a partner reads them, in their language.
RETURN_LABELS = {
    1: _l("Hard"),
    2: _l("Rough"),
    3: _l("Okay"),
    4: _l("Good"),
    5: _l("Really good"),
}


class RuleForm(CardForm):
    once = HiddenField(default=form_key)
    word = StringField(
        _l("Our word for “let's pause”"),
        filters=[strip],
        validators=[
            DataRequired(_l("Please choose a word or a short phrase.")),
            Length(max=WORD_MAX, message=keep_to(WORD_MAX)),
        ],
        description=_l("For example: “timeout” or “pineapple”."),
    )
    minutes = IntegerField(
        _l("We stop for (minutes)"),
        default=20,
        validators=[
            InputRequired(_l("Please say how many minutes, from 5 to 240.")),
            NumberRange(5, 240, _l("Please say how many minutes, from 5 to 240.")),
        ],
    )
    calming = text_field(
        _l("Each of us…"),
        PART_MAX,
        required=_l("Please say what each of you does to calm down."),
        description=_l("For example: “goes for a short walk or listens to music”."),
    )
    coming_back = text_field(
        _l("We come back to it…"),
        PART_MAX,
        required=_l("Please say how you come back to it."),
        description=_l("For example: “at the kitchen table, each saying what we need first”."),
    )


class PauseForm(CardForm):
    once = HiddenField(default=form_key)
    paused_on = date_field(_l("The day we paused"), DataRequired(_l("Please give the day.")))
    came_back = RadioField(
        _l("Did we come back to it?"),
        choices=[
            SelectChoice("yes", _l("Yes, we came back to it")),
            SelectChoice("no", _l("Not yet")),
        ],
        validators=[InputRequired(_l("Please say whether you came back to it."))],
    )
    return_rating = RadioField(
        _l("How the return went"),
        choices=[
            SelectChoice(str(n), _l("%(num)d · %(word)s", num=n, word=RETURN_LABELS[n]))
            for n in RETURN_WORDS
        ],
        coerce=lambda v: int(v) if v not in (None, "", "None") else None,
        validators=[Optional()],
    )
    note = text_field(_l("A note (optional)"), NOTE_MAX)
    visibility = visibility_field(
        Visibility.SHARED.value, label=_l("Who can read how it went and the note")
    )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.came_back.data == "yes" and not self.return_rating.data:
            self.return_rating.errors = [str(_l("Please choose how the return went, from 1 to 5."))]
            return False
        return ok
