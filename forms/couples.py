"""The counselor's forms about a couple: the couple itself, its status, homework
assignments, deleting or leaving, and the audit trail's filter."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from domain.passwords import MAX_LENGTH as PASSWORD_MAX
from domain.weeks import WEEKDAYS
from forms.base import Form, date_field, form_key, strip, text_field, timezone_choices
from models import (
    COUPLE_NAME_MAX,
    INSTRUCTIONS_MAX,
    NAME_MAX,
    CoupleStatus,
)


class CoupleForm(Form):
    name = StringField(
        "Couple's name",
        filters=[strip],
        validators=[
            DataRequired("Please give the couple a name, e.g. “Sam & Alex”."),
            Length(max=COUPLE_NAME_MAX, message=f"Please keep it to {COUPLE_NAME_MAX} characters."),
        ],
        description="How the couple appears in your list and on their summaries.",
    )
    timezone = SelectField(
        "Their time zone",
        validators=[DataRequired("Please pick the couple's time zone.")],
        description="Their homework weeks follow this clock.",
    )
    week_starts_on = SelectField(
        "Their homework week starts on",
        coerce=int,
        choices=[SelectChoice(i, day) for i, day in enumerate(WEEKDAYS)],
        default=0,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices()


class NewCoupleForm(CoupleForm):
    # A one-time key per page: the same form sent twice makes one record.
    once = HiddenField(default=form_key)
    partner1_label = StringField(
        "First partner (optional)",
        filters=[strip],
        validators=[Optional(), Length(max=NAME_MAX, message=f"At most {NAME_MAX} characters.")],
        description="Only for you, until they join and choose their own name.",
    )
    partner2_label = StringField(
        "Second partner (optional)",
        filters=[strip],
        validators=[Optional(), Length(max=NAME_MAX, message=f"At most {NAME_MAX} characters.")],
    )


STATUS_UNKNOWN = "Please choose one of the statuses in the list; nothing was changed."


class CoupleStatusForm(Form):
    status = SelectField(
        "Status",
        choices=[SelectChoice(s.value, s.value.capitalize()) for s in CoupleStatus],
        validate_choice=False,
        validators=[AnyOf([s.value for s in CoupleStatus], message=STATUS_UNKNOWN)],
    )


class AssignmentForm(Form):
    # A one-time key per page: the same form sent twice makes one record.
    once = HiddenField(default=form_key)
    starts_on = date_field(
        "First week",
        DataRequired("Please pick the date the homework starts."),
        description="The homework starts with the couple's week that contains this day.",
    )
    weeks = IntegerField(
        "Number of weeks",
        validators=[
            Optional(),
            NumberRange(1, 104, "Please choose between 1 and 104 weeks, or leave it empty."),
        ],
        description="Leave empty to keep it going until you end it.",
    )
    instructions = text_field(
        "Instructions for the couple",
        INSTRUCTIONS_MAX,
        required="Please write a few words for the couple.",
        description=(
            "In your own words; they see this on their phones exactly as you write it, "
            "never translated. Hearth's starting words, if you keep them unchanged, are "
            "shown in each partner's own language."
        ),
    )


class AssignmentStatusForm(Form):
    status = SelectField(
        "Status",
        choices=[
            SelectChoice("active", "Active"),
            SelectChoice("paused", "Paused"),
            SelectChoice("ended", "Ended"),
        ],
        validate_choice=False,
        validators=[AnyOf(["active", "paused", "ended"], message=STATUS_UNKNOWN)],
    )


class DeleteCoupleForm(Form):
    """The counselor types the couple's name to confirm deleting them (checked in the view)."""

    confirm_name = StringField(
        "Type the couple's name to confirm",
        filters=[strip],
        validators=[
            DataRequired("Please type the couple's name, exactly as it is shown above."),
            Length(max=COUPLE_NAME_MAX * 2, message="That is longer than the couple's name."),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )


class LeaveCoupleForm(Form):
    """A partner confirms leaving with their password (checked in the view)."""

    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Please enter your password.")), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )


class AuditFilterForm(Form):
    """The filters on a couple's audit trail (sent with GET, so no CSRF token)."""

    class Meta:
        csrf = False

    start = date_field("From", Optional())
    end = date_field("To", Optional())
    kind = SelectField("What happened", validators=[Optional()], validate_choice=True)

    def validate_end(self, field) -> None:
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("The end date is before the start date.")
