"""The partner's inventory form, and the counselor's assignment form with how often to ask."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectChoice
from wtforms.validators import InputRequired, NumberRange

from forms.base import VersionedForm, text_field, visibility_field
from forms.couples import AssignmentForm
from kinds.inventory.models import ANCHORS, EVERY_DEFAULT, EVERY_MAX, SIGNS, WORDING
from models import NOTE_MAX, Visibility

CHOOSE = _l("Please choose how true this has felt lately.")

# The signs' wordings and labels and the anchors (``kinds.inventory.models``), listed for
# translation: a partner reads them in their language (``_l(WORDING[key])``, ``_(label)``).
SAID = (
    _l("I've kept my feelings to myself more than I'd like"),
    _l("Keeping feelings in"),
    _l("We haven't been very curious about each other's days and thoughts"),
    _l("Less curiosity"),
    _l("We've stepped around things that need talking about"),
    _l("Stepping around hard talks"),
    _l("There's been less warmth and touch between us"),
    _l("Less affection"),
    _l("We've been living side by side more than together"),
    _l("Separate lives"),
    _l("Our talks have stayed on plans and chores"),
    _l("Surface-level talk"),
    _l("I've felt lonely even when we're together"),
    _l("Lonely together"),
    _l("Things between us have mattered less to me than they used to"),
    _l("Caring less"),
    _l("We've kept away from talking about our future"),
    _l("Avoiding the future"),
    _l("Old hurts have been quietly building up in me"),
    _l("Old hurts building"),
    _l("Not at all"),
    _l("A little"),
    _l("Somewhat"),
    _l("Quite a bit"),
    _l("Very much"),
)


def _sign(key: str) -> RadioField:
    return RadioField(
        _l(WORDING[key]),
        choices=[
            SelectChoice(n, _l("%(num)d · %(word)s", num=n, word=_l(word)))
            for n, word in enumerate(ANCHORS)
        ],
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
    ratings_shared = BooleanField(_l("Share my answers with my partner"), default=False)
    note = text_field(_l("Anything you'd like to add"), NOTE_MAX)
    note_visibility = visibility_field(Visibility.COUNSELOR.value)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # A missing answer, a word or a number outside 0..4 (a hand-made request) all get
        # the same plain request, not a library's "could not coerce".
        for key, _, _ in SIGNS:
            f = self[key]
            if f.errors or (f.data is not None and not 0 <= f.data < len(ANCHORS)):
                f.errors = [str(CHOOSE)]
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
