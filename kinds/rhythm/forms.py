"""The rhythm's forms: a mark with its note, the end-of-week reflection, and the
counselor's three items."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from forms.base import CardForm, VersionedForm, keep_to, strip, text_field, visibility_field
from forms.couples import AssignmentForm
from kinds.rhythm.models import LABEL_MAX
from models import ANSWER_MAX, ITEM_MAX, NOTE_MAX, Visibility


class RhythmMarkForm(CardForm):
    note = TextAreaField(
        _l("A short note (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=NOTE_MAX, message=keep_to(NOTE_MAX, "note"))],
    )
    note_visibility = visibility_field(Visibility.SHARED.value)


class ReflectionForm(VersionedForm):
    helped = text_field(_l("What helped this week"), ANSWER_MAX)
    didnt_help = text_field(_l("What didn't"), ANSWER_MAX)
    visibility = visibility_field(Visibility.SHARED.value)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and not (self.helped.data or self.didnt_help.data):
            self.helped.errors = [str(_l("Write a line in either box, or both."))]
            return False
        return ok


def label_field(label: str) -> StringField:
    """An item's short label: optional (taken from the wording when left empty)."""
    return StringField(
        label,
        filters=[strip],
        validators=[
            Optional(),
            Length(max=LABEL_MAX, message=f"Please keep the label to {LABEL_MAX} characters."),
        ],
    )


class RhythmAssignmentForm(AssignmentForm):
    item1 = text_field("First item", ITEM_MAX, required="Please word the first item.")
    label1 = label_field("Grid label, first")
    item2 = text_field("Second item", ITEM_MAX, required="Please word the second item.")
    label2 = label_field("Grid label, second")
    item3 = text_field("Third item", ITEM_MAX, required="Please word the third item.")
    label3 = label_field("Grid label, third")
