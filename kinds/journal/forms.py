"""The partner's form for writing a moment down."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms.validators import Optional

from forms.base import CardForm, date_field, form_key, text_field, visibility_field
from models import NOTE_MAX, Visibility


class MomentForm(CardForm):
    # A one-time key per card: the same moment sent twice is written down once.
    once = HiddenField(default=form_key)
    text = text_field(
        _l("A moment that felt meaningful"),
        NOTE_MAX,
        required=_l("Please write a sentence about the moment."),
        description=_l("A sentence is plenty. For example: “We laughed while cooking on Sunday.”"),
    )
    happened_on = date_field(_l("When it happened (optional)"), Optional())
    # Shared by default: the journal is the two of you looking back together.
    visibility = visibility_field(Visibility.SHARED.value)
