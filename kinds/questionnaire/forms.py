"""The counselor's questionnaire definition form, the partner's answer form, and the
assignment form with which questionnaire and how often."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms import Form as PlainForm
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from forms.base import Form, VersionedForm, form_key, strip, text_field, visibility_field
from forms.couples import AssignmentForm
from kinds.questionnaire.models import (
    EVERY_DEFAULT,
    EVERY_MAX,
    ITEM_MAX,
    ITEMS_MAX,
    MEANING_MAX,
    NAME_MAX,
    OPTION_MAX,
    OPTIONS_MAX,
    SOURCE_MAX,
)
from models import NOTE_MAX, Visibility

ITEM_ROWS = 4  # empty rows a new questionnaire starts with
OPTION_LINE = re.compile(r"^\s*(-?\d{1,3})\s*[=:]\s*(.+?)\s*$")
DEFAULT_OPTIONS = "0 = Not at all\n1 = A little\n2 = Somewhat\n3 = Quite a bit\n4 = Very much"


class ItemRow(PlainForm):
    """One item of the definition form: its words and whether it counts the other way."""

    text = StringField(
        "Item",
        filters=[strip],
        validators=[Length(max=ITEM_MAX, message=f"Please keep it to {ITEM_MAX} characters.")],
    )
    reversed = BooleanField("Reverse-scored")


def _plain_number(_form, field) -> None:
    """A number people write: not "NaN" or "Infinity", which Decimal also reads."""
    if field.data is not None and (not field.data.is_finite() or abs(field.data) > 10000):
        raise ValidationError("Please give a number between -10000 and 10000.")


def _above_zero(_form, field) -> None:
    if field.data is not None and field.data.is_finite() and field.data <= 0:
        raise ValidationError("Please give a difference above zero.")


class QuestionnaireForm(Form):
    # A one-time key per page: the same form sent twice makes one questionnaire.
    once = HiddenField(default=form_key)
    name = StringField(
        "Name",
        filters=[strip],
        validators=[
            DataRequired("Please give the questionnaire a name."),
            Length(max=NAME_MAX, message=f"Please keep it to {NAME_MAX} characters."),
        ],
    )
    instructions = text_field(
        "Instructions for each partner",
        2000,
        description="Shown above the items on their phones.",
    )
    source = text_field(
        "Source and licence",
        SOURCE_MAX,
        required="Please say where the items come from and under what licence you use them.",
        description=(
            "Shown beside the results. If the items come from a published instrument, name "
            "it and make sure your licence lets you use its wording here."
        ),
    )
    options = TextAreaField(
        "Answer options (one per line: points = words)",
        default=DEFAULT_OPTIONS,
        filters=[strip],
        validators=[InputRequired("Please list the answer options.")],
        description="Every item offers these answers, e.g. “0 = Not at all”.",
        render_kw={"rows": 6},
    )
    items = FieldList(FormField(ItemRow), min_entries=ITEM_ROWS, max_entries=ITEMS_MAX)
    score_as = RadioField(
        "Score",
        choices=[
            SelectChoice("sum", "Sum of the items' points"),
            SelectChoice("mean", "Mean of the items' points"),
        ],
        default="sum",
        validators=[InputRequired("Please choose how the score is made.")],
    )
    cutoff = DecimalField(
        "Cut-off (optional)",
        places=None,
        validators=[Optional(), _plain_number],
        description="A line on the chart; leave empty for none.",
    )
    cutoff_side = RadioField(
        "The meaning applies to scores",
        choices=[
            SelectChoice("above", "At or above the cut-off"),
            SelectChoice("below", "At or below the cut-off"),
        ],
        default="above",
    )
    cutoff_meaning = StringField(
        "What the cut-off means",
        filters=[strip],
        validators=[
            Length(max=MEANING_MAX, message=f"Please keep it to {MEANING_MAX} characters.")
        ],
        description="e.g. “worth talking about in session”.",
    )
    reliable_change = DecimalField(
        "Reliable-change difference (optional)",
        places=None,
        validators=[Optional(), _plain_number, _above_zero],
        description="A change between two takes at least this large is marked.",
    )

    def parsed_options(self) -> list[list]:
        found = []
        for line in (self.options.data or "").splitlines():
            if line.strip():
                m = OPTION_LINE.match(line)
                found.append([int(m.group(1)), m.group(2)] if m else None)
        return found

    def validate_options(self, field) -> None:
        parsed = self.parsed_options()
        if any(o is None for o in parsed):
            raise ValidationError(
                "Please write each option as points = words, e.g. “0 = Not at all”."
            )
        if not 2 <= len(parsed) <= OPTIONS_MAX:
            raise ValidationError(f"Please give between 2 and {OPTIONS_MAX} answer options.")
        if len({p for p, _ in parsed}) != len(parsed):
            raise ValidationError("Two options have the same points; please give each its own.")
        if any(not -100 <= p <= 100 for p, _ in parsed):
            raise ValidationError("Please keep each option's points between -100 and 100.")
        if any(len(words) > OPTION_MAX for _, words in parsed):
            raise ValidationError(f"Please keep each option's words to {OPTION_MAX} characters.")

    def validate_cutoff_meaning(self, field) -> None:
        if self.cutoff.data is not None and not field.data:
            raise ValidationError("Please say what a score past the cut-off means.")

    def filled_items(self) -> list[list]:
        return [[row.text.data, bool(row.reversed.data)] for row in self.items if row.text.data]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not self.filled_items():
            # A list even when the fields were never validated (a stale page's token).
            self.items.errors = [*self.items.errors, "Please write at least one item."]
            ok = False
        return ok

    def definition(self) -> dict:
        """The form as a plain definition (``library.build``)."""
        return {
            "name": self.name.data,
            "instructions": self.instructions.data or "",
            "source": self.source.data or "",
            "score_as": self.score_as.data,
            "cutoff": float(self.cutoff.data) if self.cutoff.data is not None else None,
            "cutoff_meaning": self.cutoff_meaning.data or "",
            "cutoff_side": self.cutoff_side.data or "above",
            "reliable_change": (
                float(self.reliable_change.data) if self.reliable_change.data is not None else None
            ),
            "options": sorted(self.parsed_options()),
            "items": self.filled_items(),
        }

    def fill(self, row: dict) -> None:
        """Start from an existing definition (a new version, or a copy of Hearth's)."""
        for name in ("name", "instructions", "source", "score_as", "cutoff_side"):
            getattr(self, name).data = row[name]
        self.cutoff_meaning.data = row["cutoff_meaning"]
        self.cutoff.data = row["cutoff"]
        self.reliable_change.data = row["reliable_change"]
        self.options.data = "\n".join(f"{p} = {words}" for p, words in row["options"])
        while len(self.items):
            self.items.pop_entry()
        for text, rev in row["items"]:
            self.items.append_entry({"text": text, "reversed": rev})
        self.items.append_entry()


class AnswersForm(VersionedForm):
    """What travels with the item answers (read from the request by the view): who may see
    them, and a note."""

    score_shared = BooleanField(_l("Share my answers and score with my partner"), default=False)
    note = text_field(_l("Anything you'd like to add"), NOTE_MAX)
    note_visibility = visibility_field(Visibility.COUNSELOR.value)


def _questionnaire_choices() -> list[SelectChoice]:
    from kinds.questionnaire import library

    if not getattr(current_user, "is_authenticated", False):
        return []
    return [SelectChoice(str(q.id), q.title) for q in library.latest(current_user.id)]


class QuestionnaireAssignmentForm(AssignmentForm):
    questionnaire_id = SelectField(
        "Questionnaire",
        validate_choice=False,
        validators=[InputRequired("Please choose a questionnaire.")],
        description="From your questionnaires and Hearth's own.",
    )
    every_weeks = IntegerField(
        "Ask again every … weeks",
        default=EVERY_DEFAULT,
        validators=[
            InputRequired("Please say how many weeks apart to ask again."),
            NumberRange(1, EVERY_MAX, f"Please choose between 1 and {EVERY_MAX} weeks."),
        ],
        description="The first week is the intake; then again every this many weeks.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = kwargs.get("obj")
        self.questionnaire_id.choices = _questionnaire_choices()
        schedule = getattr(self.assignment, "questionnaire_schedule", None)
        if schedule is not None and all(
            c.value != str(schedule.questionnaire_id) for c in self.questionnaire_id.choices
        ):
            # A retired or superseded version keeps its place for the couple asked it.
            q = schedule.questionnaire
            self.questionnaire_id.choices.insert(0, SelectChoice(str(q.id), q.title))

    def validate_questionnaire_id(self, field) -> None:
        from kinds.questionnaire.library import same_family_or_unanswered

        if all(c.value != field.data for c in field.choices):
            raise ValidationError("Please choose one of the questionnaires listed.")
        problem = same_family_or_unanswered(self.assignment, int(field.data))
        if problem:
            raise ValidationError(problem)

    def chosen(self) -> int:
        return int(self.questionnaire_id.data)
