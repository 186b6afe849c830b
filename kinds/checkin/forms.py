"""The partner's check-in form, and the counselor's assignment form for check-ins."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField
from wtforms.validators import InputRequired, NumberRange

from forms.base import VersionedForm, text_field, visibility_field
from forms.couples import AssignmentForm
from kinds.checkin.models import PROMPTS, SCALES
from models import ANSWER_MAX, Visibility


def _scale(key: str, description: str) -> IntegerField:
    message = "Please choose a number from 1 to 10."
    return IntegerField(
        SCALES[key],
        validators=[InputRequired(message), NumberRange(1, 10, message)],
        description=description,
    )


class CheckInForm(VersionedForm):
    connected = _scale("connected", "1 = not at all, 10 = very")
    heard = _scale("heard", "1 = not at all, 10 = very")
    stress = _scale("stress", "1 = calm, 10 = a lot")
    # Like the words below them, the numbers are for the counselor unless the writer shares them.
    scales_shared = BooleanField("Share my numbers with my partner", default=False)
    went_well = text_field(PROMPTS["went_well"], ANSWER_MAX)
    went_well_visibility = visibility_field(Visibility.COUNSELOR.value)
    felt_off = text_field(PROMPTS["felt_off"], ANSWER_MAX)
    felt_off_visibility = visibility_field(Visibility.COUNSELOR.value)
    support = text_field(PROMPTS["support"], ANSWER_MAX)
    support_visibility = visibility_field(Visibility.COUNSELOR.value)


class CheckInAssignmentForm(AssignmentForm):
    # On for a new check-in, so neither partner answers in the light of the other's words;
    # an existing assignment shows what it has (the form is made from it).
    reveal_after_both = BooleanField(
        "Show each partner's shared answers only once both have checked in that week",
        default=True,
    )
