"""The partner's inventory form, and the counselor's assignment form with how often to ask."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, RadioField, SelectChoice
from wtforms.validators import InputRequired, NumberRange

from forms.base import VersionedForm, text_field, visibility_field
from forms.couples import AssignmentForm
from kinds.inventory.models import ANCHORS, EVERY_DEFAULT, EVERY_MAX, SIGNS, WORDING
from models import NOTE_MAX, Visibility

CHOOSE = "Please choose how true this has felt lately."


def _sign(key: str) -> RadioField:
    return RadioField(
        WORDING[key],
        choices=[SelectChoice(n, f"{n} · {word}") for n, word in enumerate(ANCHORS)],
        coerce=int,
        validators=[InputRequired(CHOOSE)],
        validate_choice=False,
    )


class InventoryForm(VersionedForm):
    """Ten ratings (0 not at all … 4 very much), who may see them, and a note."""

    withholding = _sign("withholding")
    curiosity = _sign("curiosity")
    conflict = _sign("conflict")
    affection = _sign("affection")
    separate = _sign("separate")
    surface = _sign("surface")
    lonely = _sign("lonely")
    indifference = _sign("indifference")
    future = _sign("future")
    resentment = _sign("resentment")
    ratings_shared = BooleanField("Share my answers with my partner", default=False)
    note = text_field("Anything you'd like to add", NOTE_MAX)
    note_visibility = visibility_field(Visibility.COUNSELOR.value)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # A missing answer, a word or a number outside 0..4 (a hand-made request) all get
        # the same plain request, not a library's "could not coerce".
        for key, _, _ in SIGNS:
            f = self[key]
            if f.errors or (f.data is not None and not 0 <= f.data < len(ANCHORS)):
                f.errors = [CHOOSE]
                ok = False
        return ok


class InventoryAssignmentForm(AssignmentForm):
    every_weeks = IntegerField(
        "Ask again every … weeks",
        default=EVERY_DEFAULT,
        validators=[
            InputRequired("Please say how many weeks apart to ask again."),
            NumberRange(1, EVERY_MAX, f"Please choose between 1 and {EVERY_MAX} weeks."),
        ],
        description="The first week is the intake; then again every this many weeks.",
    )
