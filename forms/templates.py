"""The counselor's forms about their templates: saving an assignment as one, changing one,
a session note template, and the library file to import."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from forms.base import Form, strip, text_field
from models import FOCUS_MAX, INSTRUCTIONS_MAX, SKELETON_MAX, TEMPLATE_NAME_MAX


def name_field() -> StringField:
    return StringField(
        "Template name",
        filters=[strip],
        validators=[
            DataRequired("Please give the template a name you will recognise."),
            Length(
                max=TEMPLATE_NAME_MAX,
                message=f"Please keep the name to {TEMPLATE_NAME_MAX} characters.",
            ),
        ],
        description="Only you see it, in your list of templates.",
    )


def instructions_field():
    return text_field(
        "Instructions",
        INSTRUCTIONS_MAX,
        required="Please keep a few words of instructions.",
        description="Word them for any couple: they are yours to start from next time.",
    )


class SaveTemplateForm(Form):
    """Keep an assignment's wording as a template."""

    name = name_field()
    instructions = instructions_field()


class AssignmentTemplateForm(Form):
    """Rename a template, or change its instructions or weeks."""

    name = name_field()
    instructions = instructions_field()
    weeks = IntegerField(
        "Number of weeks",
        validators=[
            Optional(),
            NumberRange(1, 104, "Please choose between 1 and 104 weeks, or leave it empty."),
        ],
        description="Leave empty to keep it going until you end it.",
    )


class NoteTemplateForm(Form):
    """A skeleton for a session's record."""

    name = name_field()
    focus = StringField(
        "Focus of the session",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=FOCUS_MAX, message=f"Please keep it to {FOCUS_MAX} characters."),
        ],
    )
    shareable_notes = text_field(
        "Notes to share with the couple",
        SKELETON_MAX,
        description="A skeleton: headings or prompts you fill in during the session.",
    )
    homework_notes = text_field("Anything else agreed", SKELETON_MAX)


class ImportForm(Form):
    """A library file exported from Hearth (checked whole by ``domain.library``)."""

    library = FileField(
        "Template file",
        description="A .json file exported from Hearth, yours or a colleague's.",
        render_kw={"accept": ".json,application/json"},
    )
