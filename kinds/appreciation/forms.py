"""The partner's form for writing a note of thanks to the other partner."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField
from wtforms.validators import AnyOf, InputRequired

from forms.base import CardForm, SelectChoice, form_key, text_field
from kinds.appreciation.models import NOTE_LIMIT, NOTE_VISIBILITIES
from models import Visibility

CHOOSE = _l("Please choose who can read your note.")


class NoteForm(CardForm):
    # A one-time key per card: the same note sent twice arrives once.
    once = HiddenField(default=form_key)
    text = text_field(
        _l("Your note"),
        NOTE_LIMIT,
        required=_l("Please write a few words of thanks."),
        description=_l("A line is plenty. For example: “Thank you for the coffee this morning.”"),
    )
    # "Just for Jordan" by default: a note of thanks is between the two of you.
    visibility = RadioField(
        _l("Who can read it"),
        choices=[SelectChoice(v, v) for v in NOTE_VISIBILITIES],
        default=Visibility.PARTNERS.value,
        validators=[InputRequired(CHOOSE), AnyOf(NOTE_VISIBILITIES, message=CHOOSE)],
        validate_choice=False,
    )


def note_form(recipient_name: str, **kwargs) -> NoteForm:
    """The form, its choices saying the partner's name: "Just for Jordan"."""
    form = NoteForm(prefix="appreciation", **kwargs)
    form.visibility.choices = [
        SelectChoice(Visibility.PARTNERS.value, gettext("Just for %(name)s", name=recipient_name)),
        SelectChoice(
            Visibility.SHARED.value,
            gettext("%(name)s and our counselor", name=recipient_name),
        ),
    ]
    return form
