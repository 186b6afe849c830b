"""Recording a counseling session, booking the next one, and the paper PDFs use."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from domain.appointments import LENGTHS
from forms.base import Form, VersionedForm, date_field, form_key, strip, text_field
from models import (
    ANSWER_MAX,
    FOCUS_MAX,
    NOTES_MAX,
)
from models.calendar import DEFAULT_MINUTES


class SessionForm(VersionedForm):
    # A one-time key for a new record: the same form sent twice makes one session.
    once = HiddenField(default=form_key)
    held_on = date_field("Date", DataRequired("Please give the date of the session."))
    held_time = TimeField(
        "Time", validators=[DataRequired("Please give the time, e.g. 17:30.")], default=None
    )
    attended = RadioField("Who came", validators=[InputRequired("Please say who came.")])
    focus = StringField(
        "Focus of the session",
        filters=[strip],
        validators=[
            DataRequired("Please sum up the focus in a line."),
            Length(max=FOCUS_MAX, message=f"Please keep it to {FOCUS_MAX} characters."),
        ],
        description="One line the couple will read at the top of their summary.",
    )
    shareable_notes = text_field(
        "Notes to share with the couple",
        NOTES_MAX,
        description="These go into the couple's copy of the summary, as you write them "
        "(Hearth doesn't translate them).",
    )
    private_notes = text_field(
        "Private clinical notes",
        NOTES_MAX,
        description="Never shown to the couple: only in your copy of the summary.",
    )
    agreed = SelectMultipleField(
        "Homework agreed for the coming weeks",
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    homework_notes = text_field(
        "Anything else agreed", NOTES_MAX, description="E.g. “Try the ten-minute pause once.”"
    )
    next_on = date_field("Next session (date)", Optional())
    next_time = TimeField("Next session (time)", validators=[Optional()])

    def __init__(self, *args, couple=None, **kwargs):
        super().__init__(*args, **kwargs)
        if couple is not None:
            self.attended.choices = [
                SelectChoice("both", "Both partners"),
                SelectChoice("partner1", f"{couple.partner_at(1).name} only"),
                SelectChoice("partner2", f"{couple.partner_at(2).name} only"),
            ]
            self.agreed.choices = [
                SelectChoice(a.id, _assignment_label(a))
                for a in couple.assignments
                if a.status != "ended"
            ]

    def validate_next_time(self, field) -> None:
        if field.data and not self.next_on.data:
            raise ValidationError("Please add the date for this time too.")


def _assignment_label(assignment) -> str:
    from kinds import registry

    return f"{registry.named(assignment.kind).name} ({assignment.status})"


class AppointmentForm(Form):
    """The couple's next session: a day and a time on their clock, and how long it lasts."""

    day = date_field(
        "Date",
        InputRequired("Please pick the date of the next session."),
        invalid_value_message="Please pick a real date, e.g. 2026-12-08.",
    )
    time = TimeField(
        "Time",
        validators=[InputRequired("Please give the time, e.g. 18:00.")],
        invalid_value_message="Please give the time as hours and minutes, e.g. 18:00.",
    )
    minutes = SelectField(
        "Length",
        coerce=int,
        choices=[SelectChoice(m, f"{m} minutes") for m in LENGTHS],
        default=DEFAULT_MINUTES,
    )


class PaperForm(Form):
    paper_size = RadioField(
        "Paper for PDF summaries",
        choices=[SelectChoice("a4", "A4"), SelectChoice("letter", "US Letter")],
        validators=[InputRequired("Please choose a paper size.")],
    )


class PrivateWordForm(Form):
    """A partner's private word to their counselor: for the counselor only, always."""

    text = text_field(
        _l("What you'd like them to know"),
        ANSWER_MAX,
        required=_l("Please write a few words first."),
    )
