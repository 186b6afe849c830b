"""The partner's check-in form (made for the questions in force that week), and the
counselor's assignment form for check-ins with its editor of the questions."""

from __future__ import annotations

from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    StringField,
)
from wtforms.fields import FieldList, RadioField, SelectField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from forms.base import VersionedForm, strip, text_field, visibility_field
from forms.couples import AssignmentForm
from kinds.checkin.models import (
    ANCHOR_MAX,
    HIGHEST,
    LABEL_MAX,
    MAX_PROMPTS,
    MAX_SCALES,
    PROMPT,
    SCALE,
)
from kinds.checkin.questions import (
    STANDARD,
    Question,
    high_word_of,
    label_of,
    low_word_of,
    new_key,
)
from models import ANSWER_MAX, Visibility

# --- The partner's form ------------------------------------------------------------------


def field_name(q) -> str:
    """A question's field on the partner's form: its standard column's name, or its key."""
    return q.column or f"q_{q.key}"


# The partner's form is made once per wording and kept (``for_questions``): its words are
# lazy, said in the language of whoever reads it. Hearth's standard wording is said in the
# partner's language; a counselor's as written (``kinds.checkin.questions.label_of``).


def hint(q):
    """ "1 = not at all, 10 = very": what the ends of scale ``q`` mean."""
    return _l(
        "%(low)d = %(low_word)s, %(high)d = %(high_word)s",
        low=q.low,
        low_word=low_word_of(q, lazy=True),
        high=q.high,
        high_word=high_word_of(q, lazy=True),
    )


def _scale(q) -> IntegerField:
    message = _l("Please choose a number from %(low)d to %(high)d.", low=q.low, high=q.high)
    return IntegerField(
        label_of(q, lazy=True),
        validators=[InputRequired(message), NumberRange(q.low, q.high, message)],
        description=hint(q),
    )


class CheckInForm(VersionedForm):
    """The check-in for one version of the questions (``for_questions``); this class
    itself is the standard one. ``scales`` and ``prompts`` list (question, field name)."""

    scales_shared = BooleanField(_l("Share my numbers with my partner"), default=False)
    scales: list = []
    prompts: list = []

    def has_words(self) -> bool:
        return any(self[name].data for _q, name in self.prompts)


_made: dict[tuple, type] = {}


def for_questions(questions) -> type[CheckInForm]:
    """The form class for ``questions`` (made once per distinct wording)."""
    from kinds.checkin.questions import plain

    # Plain copies, never rows: the class outlives the request that made it. Each
    # version's questions have their own ids (its answers point at them).
    questions = [Question(**plain(q), id=getattr(q, "id", None)) for q in questions]
    ident = tuple((q.id, tuple(sorted(plain(q).items()))) for q in questions)
    if ident in _made:
        return _made[ident]
    attrs: dict = {"scales": [], "prompts": []}
    for q in questions:
        name = field_name(q)
        if q.kind == SCALE:
            attrs[name] = _scale(q)
            attrs["scales"].append((q, name))
        else:
            attrs[name] = text_field(label_of(q, lazy=True), ANSWER_MAX)
            attrs[f"{name}_visibility"] = visibility_field(q.default_visibility)
            attrs["prompts"].append((q, name))
    made = type("CheckInForm", (CheckInForm,), attrs)
    if len(_made) < 500:
        _made[ident] = made
    return made


StandardCheckInForm = for_questions(STANDARD)


# --- The counselor's editor --------------------------------------------------------------


class ScaleEntry(Form):
    key = HiddenField()
    label = StringField(
        "Scale",
        filters=[strip],
        validators=[
            DataRequired("Please word the scale, or remove it."),
            Length(max=LABEL_MAX, message=f"Please keep it to {LABEL_MAX} characters."),
        ],
    )
    low_word = StringField(
        "Low end means",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=ANCHOR_MAX, message=f"Please keep it to {ANCHOR_MAX} characters."),
        ],
    )
    high_word = StringField(
        "High end means",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=ANCHOR_MAX, message=f"Please keep it to {ANCHOR_MAX} characters."),
        ],
    )
    low = SelectField("From", choices=[SelectChoice("0", "0"), SelectChoice("1", "1")], default="1")
    high = IntegerField(
        "To",
        default=10,
        validators=[
            InputRequired(f"Please choose the highest number, from 2 to {HIGHEST}."),
            NumberRange(2, HIGHEST, f"Please choose the highest number, from 2 to {HIGHEST}."),
        ],
    )


class PromptEntry(Form):
    key = HiddenField()
    label = StringField(
        "Question",
        filters=[strip],
        validators=[
            DataRequired("Please word the question, or remove it."),
            Length(max=LABEL_MAX, message=f"Please keep it to {LABEL_MAX} characters."),
        ],
    )
    default_visibility = RadioField(
        "Answers start as",
        choices=[
            SelectChoice(Visibility.COUNSELOR.value, "For you (the counselor) only"),
            SelectChoice(Visibility.SHARED.value, "Shared with their partner"),
        ],
        description="Each partner can still change it for their own answer.",
        default=Visibility.COUNSELOR.value,
    )


class CheckInAssignmentForm(AssignmentForm):
    # On for a new check-in, so neither partner answers in the light of the other's words;
    # an existing assignment shows what it has (the form is made from it).
    reveal_after_both = BooleanField(
        "Show each partner's shared answers only once both have checked in that week",
        default=True,
    )
    # Sent by the editor ("1"): a form without it (an older page, a script) leaves the
    # questions as they are.
    questions_shown = HiddenField(default="")
    scales = FieldList(FormField(ScaleEntry), min_entries=0, max_entries=MAX_SCALES + 4)
    prompts = FieldList(FormField(PromptEntry), min_entries=0, max_entries=MAX_PROMPTS + 4)
    # Set by ``validate`` when the list as a whole is refused (too many, none at all).
    questions_problem: str = ""

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        problem = ""
        if not self.questions_shown.data:
            pass
        elif not self.scales.entries and not self.prompts.entries:
            problem = "Please keep at least one question: a scale or a prompt."
        elif len(self.scales.entries) > MAX_SCALES:
            problem = f"Please keep to at most {MAX_SCALES} scales; a short check-in gets done."
        elif len(self.prompts.entries) > MAX_PROMPTS:
            problem = f"Please keep to at most {MAX_PROMPTS} prompts; a short check-in gets done."
        if problem:
            self.questions_problem = problem
            self.form_errors.append(problem)
            return False
        return ok

    # --- What the editor holds, as questions --------------------------------------------

    def questions(self) -> list[Question] | None:
        """The questions as typed (keys as sent: ``kinds.checkin.kind`` checks them), or
        None when the form did not show the editor."""
        if not self.questions_shown.data:
            return None
        found = []
        for entry in self.scales.entries:
            f = entry.form
            try:
                low = int(f.low.data)
            except (TypeError, ValueError):
                low = 1
            high = f.high.data if isinstance(f.high.data, int) else 10
            found.append(
                Question(
                    f.key.data or "",
                    SCALE,
                    f.label.data or "",
                    f.low_word.data or "",
                    f.high_word.data or "",
                    low,
                    high,
                )
            )
        for entry in self.prompts.entries:
            f = entry.form
            visibility = f.default_visibility.data
            if visibility not in (Visibility.SHARED.value, Visibility.COUNSELOR.value):
                visibility = Visibility.COUNSELOR.value
            found.append(
                Question(
                    f.key.data or "", PROMPT, f.label.data or "", default_visibility=visibility
                )
            )
        return found

    def show(self, questions) -> None:
        """Fill the editor with ``questions``, in order."""
        self.questions_shown.data = "1"
        for name, kind in (("scales", SCALE), ("prompts", PROMPT)):
            field = getattr(self, name)
            field.entries = []
            field.last_index = -1
            for q in questions:
                if q.kind != kind:
                    continue
                data = {"key": q.key, "label": q.label}
                if kind == SCALE:
                    data.update(
                        low_word=q.low_word, high_word=q.high_word, low=str(q.low), high=q.high
                    )
                else:
                    data["default_visibility"] = q.default_visibility
                field.append_entry(SimpleNamespace(**data))

    def step(self, action: str) -> bool:
        """One step of the editor without JavaScript (add, remove, move, reset): the form
        comes back with the change and nothing is saved. False for no such step."""
        questions = self.questions() or []
        scales = [q for q in questions if q.kind == SCALE]
        prompts = [q for q in questions if q.kind == PROMPT]
        if action == "add-scale":
            scales.append(Question(new_key(), SCALE, "", "not at all", "very"))
        elif action == "add-prompt":
            prompts.append(Question(new_key(), PROMPT, ""))
        elif action == "reset":
            scales = [q for q in STANDARD if q.kind == SCALE]
            prompts = [q for q in STANDARD if q.kind == PROMPT]
        else:
            try:
                move, which, index = action.split("-")
                index = int(index)
            except ValueError:
                return False
            items = {"scales": scales, "prompts": prompts}.get(which)
            if items is None or not 0 <= index < len(items):
                return False
            if move == "remove":
                items.pop(index)
            elif move in ("up", "down"):
                other = index - 1 if move == "up" else index + 1
                if 0 <= other < len(items):
                    items[index], items[other] = items[other], items[index]
            else:
                return False
        self.show(scales + prompts)
        return True
