"""Flask-WTF forms shared across Hearth. Limits match the columns in ``models/``; each kind of
homework keeps its own forms in ``kinds/<key>/forms.py``, built on the bases here."""

from __future__ import annotations

import secrets
import zoneinfo
from functools import cache

from flask import g
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from domain.accounts import email_taken
from domain.appointments import LENGTHS
from domain.names import ROLE_NAME_MESSAGE, claims_a_role
from domain.passwords import MAX_LENGTH as PASSWORD_MAX
from domain.passwords import password_problem
from domain.weeks import DAY_RANGE_MESSAGE, EARLIEST_DAY, LATEST_DAY, day_in_range
from models import (
    COUPLE_NAME_MAX,
    EMAIL_MAX,
    FOCUS_MAX,
    INSTRUCTIONS_MAX,
    NAME_MAX,
    NOTES_MAX,
    POLICY_LINE_MAX,
    POLICY_TEXT_MAX,
    SAFETY_MAX,
    CoupleStatus,
    Visibility,
)
from models.calendar import DEFAULT_MINUTES

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def secret_field_names() -> frozenset[str]:
    """Names of the fields of any Hearth form whose value must never be shown back:
    passwords and one-time codes (by the field's type, whatever it is called), and hidden
    fields (keys and versions, nothing a person typed)."""
    return _secret_field_names()


@cache
def _secret_field_names() -> frozenset[str]:
    names: set[str] = set()
    forms, seen = [Form], set()
    while forms:
        form = forms.pop()
        if form in seen:
            continue
        seen.add(form)
        forms.extend(form.__subclasses__())
        for name in dir(form):
            field = getattr(form, name, None)
            if not isinstance(field, UnboundField):
                continue
            kind = field.field_class
            autocomplete = (field.kwargs.get("render_kw") or {}).get("autocomplete", "")
            if issubclass(kind, PasswordField | HiddenField) or autocomplete == "one-time-code":
                names.add(name)
    return frozenset(names | {"csrf_token"})


def form_key() -> str:
    return secrets.token_urlsafe(24)


class Form(FlaskForm):
    """Every Hearth form. After a stale CSRF token the view runs again only to show the
    form with what was typed (``blueprints.errors``); this makes sure nothing is saved."""

    def validate(self, extra_validators=None) -> bool:
        if g.get("csrf_expired"):
            self.form_errors.append(STALE_PAGE)
            return False
        return super().validate(extra_validators)


STALE_PAGE = (
    "This page was open for a while, so we haven't saved it yet. Everything you wrote is "
    "still here: please check it and send it again."
)


@cache
def timezone_choices() -> list[SelectChoice]:
    """IANA time zones people live in, e.g. "Europe/Berlin", sorted for a picker."""
    zones = {
        z
        for z in zoneinfo.available_timezones()
        if "/" in z and not z.startswith(("Etc/", "SystemV/", "posix/", "right/"))
    }
    zones.add("UTC")
    return [SelectChoice(z, z.replace("_", " ")) for z in sorted(zones)]


def strip(value):
    """Trim surrounding spaces so "  Sam " and "Sam" are the same name.

    NUL characters go too: no one types them, and PostgreSQL refuses them in text (a
    pasted one was a server error instead of a saved answer).
    """
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def _day_in_range(_form, field) -> None:
    """Every date field: a day in the range Hearth works with (``domain.weeks``)."""
    if field.data is not None and not day_in_range(field.data):
        raise ValidationError(DAY_RANGE_MESSAGE)


def email_field(label: str, required: str, *, autocomplete: str = "email") -> StringField:
    """An e-mail address: required, within the column's length, shaped like an address."""
    return StringField(
        label,
        filters=[strip],
        validators=[
            DataRequired(required),
            Length(max=EMAIL_MAX, message=f"Please keep it to {EMAIL_MAX} characters."),
            Email("That doesn't look like an e-mail address yet."),
        ],
        render_kw={"autocomplete": autocomplete, "inputmode": "email", "autocapitalize": "none"},
    )


def _date(label: str, *validators, **kwargs) -> DateField:
    """A date field with the one shared bound (and the browser's picker told of it)."""
    render_kw = {"min": EARLIEST_DAY.isoformat(), "max": LATEST_DAY.isoformat()}
    render_kw.update(kwargs.pop("render_kw", {}))
    return DateField(label, validators=[*validators, _day_in_range], render_kw=render_kw, **kwargs)


def _not_a_role(_form, field) -> None:
    """A person's own name, not one that claims a role ("Your counselor", "Support")."""
    if field.data and claims_a_role(field.data):
        raise ValidationError(ROLE_NAME_MESSAGE)


class LoginForm(Form):
    email = StringField(
        "E-mail",
        filters=[strip],
        validators=[DataRequired("Please enter your e-mail."), Length(max=EMAIL_MAX)],
        render_kw={"autocomplete": "username", "inputmode": "email", "autocapitalize": "none"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Please enter your password."), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(
        "Keep me signed in on this phone",
        description="For 30 days. Only on a phone or computer that is yours alone.",
    )


class TwoStepForm(Form):
    code = StringField(
        "Code",
        filters=[strip],
        validators=[DataRequired("Please enter the code."), Length(max=32)],
        description="The 6 digits your authenticator app shows now, or one of your recovery codes.",
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "none"},
    )


class CurrentPasswordForm(Form):
    current_password = PasswordField(
        "Your current password",
        validators=[
            DataRequired("Please enter your current password."),
            Length(max=PASSWORD_MAX),
        ],
        render_kw={"autocomplete": "current-password"},
    )


class TwoStepOffForm(CurrentPasswordForm, TwoStepForm):
    pass


def _check_new_password(_form, field) -> None:
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class NewPasswordForm(Form):
    password = PasswordField(
        "Choose a password",
        validators=[DataRequired("Please choose a password."), _check_new_password],
        description="At least 12 characters. A short sentence only you would think of works well.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Type it once more",
        validators=[
            DataRequired("Please type the password a second time."),
            EqualTo("password", "The two passwords are not the same yet."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(CurrentPasswordForm, NewPasswordForm):
    pass


def keep_signed_in() -> BooleanField:
    """ "Keep me signed in on this phone", offered where a partner's joining ends: ticked,
    Flask-Login's remember cookie keeps them in; unticked, the session ends with the browser."""
    return BooleanField(
        "Keep me signed in on this phone",
        description="For 30 days. Only on a phone that is yours alone.",
    )


class LinkPasswordForm(NewPasswordForm):
    """A new password chosen through a sign-in link from the counselor."""

    remember = keep_signed_in()


class ChangeEmailForm(CurrentPasswordForm):
    email = email_field("New e-mail", "Please enter the new e-mail.")
    # Whether the address is taken is checked by the view, after the password and the
    # throttle, and answered without saying so (blueprints/account.change_email).


class JoinForm(NewPasswordForm):
    display_name = StringField(
        "Your name",
        filters=[strip],
        validators=[
            DataRequired("Please tell us what to call you."),
            Length(max=NAME_MAX, message=f"Please keep it to {NAME_MAX} characters."),
            _not_a_role,
        ],
        description="The name your partner and counselor will see.",
        render_kw={"autocomplete": "given-name"},
    )
    email = email_field("E-mail", "Please enter your e-mail; you'll sign in with it.")

    # Joining includes reading the counselor's confidentiality policy (shown above the box)
    # and saying so; ``policy_seen`` names the words shown, so a policy changed meanwhile is
    # read again before it is confirmed (blueprints/invitations._join).
    read_policy = BooleanField()
    policy_seen = HiddenField()
    remember = keep_signed_in()

    def __init__(self, *args, counselor_name: str = "your counselor", **kwargs):
        super().__init__(*args, **kwargs)
        self.counselor_name = counselor_name
        self.read_policy.label.text = (
            f"I've read how {counselor_name} keeps what I write for {counselor_name} alone"
        )

    def validate_read_policy(self, field) -> None:
        if not field.data:
            raise ValidationError(
                f"Please read how {self.counselor_name} keeps it, then tick the box."
            )

    def validate_email(self, field) -> None:
        if email_taken(field.data):
            raise ValidationError(
                "This e-mail already has a Hearth account. Please use another address, "
                "or ask your counselor if you think this is a mistake."
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


class CoupleStatusForm(Form):
    status = SelectField(
        "Status",
        choices=[SelectChoice(s.value, s.value.capitalize()) for s in CoupleStatus],
    )


class ButtonForm(Form):
    """A form that is only a button: it carries the CSRF token."""


# --- Homework -------------------------------------------------------------------------

VISIBILITY_CHOICES = [
    SelectChoice(Visibility.SHARED.value, "Shared with my partner"),
    SelectChoice(Visibility.COUNSELOR.value, "For my counselor only"),
]


def visibility_field(default: str, label: str = "Who can read this") -> RadioField:
    return RadioField(label, choices=VISIBILITY_CHOICES, default=default)


def text_field(label: str, limit: int, *, required: str | None = None, description: str = ""):
    validators = [Length(max=limit, message=f"Please keep it to {limit} characters.")]
    validators.insert(0, DataRequired(required) if required else Optional())
    return TextAreaField(label, filters=[strip], validators=validators, description=description)


class CardForm(Form):
    """A small form on a homework card. Several share a page, so each has a prefix; the
    CSRF token is checked for every POST by CSRFProtect and sent once per form by hand."""

    class Meta:
        csrf = False


class VersionedForm(CardForm):
    """Carries the version of the row being edited, to notice a second writer."""

    version = HiddenField(default="0")

    def version_number(self) -> int:
        try:
            return int(self.version.data or 0)
        except ValueError:
            return -1


class AssignmentForm(Form):
    # A one-time key per page: the same form sent twice makes one record.
    once = HiddenField(default=form_key)
    starts_on = _date(
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
        description="In your own words; they see this on their phones.",
    )
    # Each kind adds its own fields in a subclass (``Kind.assignment_form``).


class AssignmentStatusForm(Form):
    status = SelectField(
        "Status",
        choices=[
            SelectChoice("active", "Active"),
            SelectChoice("paused", "Paused"),
            SelectChoice("ended", "Ended"),
        ],
    )


# --- Sessions -------------------------------------------------------------------------


class SessionForm(VersionedForm):
    held_on = _date("Date", DataRequired("Please give the date of the session."))
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
        description="These go into the couple's copy of the summary.",
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
    next_on = _date("Next session (date)", Optional())
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

    day = _date(
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


class PolicyForm(Form):
    """How the counselor keeps what one partner writes for them alone (domain.confidentiality)."""

    approach = RadioField(
        "What you agree with couples",
        choices=[
            SelectChoice("no_secrets", "No secrets: I may bring it into a joint session"),
            SelectChoice(
                "limited_secrets", "Limited secrets: I keep it, with the exceptions below"
            ),
            SelectChoice("own", "In my own words"),
        ],
        validators=[InputRequired("Please choose one.")],
    )
    line = StringField(
        "The line partners see beside “for my counselor only”",
        filters=[strip],
        validators=[
            Length(max=POLICY_LINE_MAX, message=f"Please keep it to {POLICY_LINE_MAX} characters.")
        ],
        description="Leave Hearth's line, or empty, to use Hearth's line for your choice.",
    )
    wording = text_field(
        "The whole policy, as partners read it",
        POLICY_TEXT_MAX,
        description="A short paragraph. Leave Hearth's text, or empty, to use Hearth's text "
        "for your choice.",
    )
    exceptions = text_field(
        "When you would pass it on (safety and legal duties)",
        POLICY_TEXT_MAX,
        description="Risk of harm, abuse, legal duties: in your words.",
    )
    safety = text_field(
        "If a partner is not safe at home",
        SAFETY_MAX,
        description="Shown wherever a partner writes for you alone. Please add your local "
        "emergency and support numbers: Hearth's text names none.",
    )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.approach.data == "own":
            if not self.wording.data:
                self.wording.errors = ["Please write your policy in a few sentences."]
                ok = False
            if not self.line.data:
                self.line.errors = ["Please sum it up in one line for partners."]
                ok = False
        return ok


class ConfirmPolicyForm(Form):
    read = BooleanField(validators=[DataRequired("Please tick the box once you've read it.")])

    def __init__(self, *args, counselor_name: str = "your counselor", **kwargs):
        super().__init__(*args, **kwargs)
        self.read.label.text = (
            f"I've read how {counselor_name} keeps what I write for my counselor only"
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
        "Your password",
        validators=[DataRequired("Please enter your password."), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )


class AuditFilterForm(Form):
    """The filters on a couple's audit trail (sent with GET, so no CSRF token)."""

    class Meta:
        csrf = False

    start = _date("From", Optional())
    end = _date("To", Optional())
    kind = SelectField("What happened", validators=[Optional()], validate_choice=True)

    def validate_end(self, field) -> None:
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("The end date is before the start date.")
