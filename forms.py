"""Flask-WTF forms. Limits here match the columns in ``models.py``."""

from __future__ import annotations

import zoneinfo
from functools import cache

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from domain.accounts import email_taken
from domain.passwords import MAX_LENGTH as PASSWORD_MAX
from domain.passwords import password_problem
from models import COUPLE_NAME_MAX, EMAIL_MAX, NAME_MAX, CoupleStatus

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


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


def _strip(value):
    """Trim surrounding spaces so "  Sam " and "Sam" are the same name."""
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    email = StringField(
        "E-mail",
        filters=[_strip],
        validators=[DataRequired("Please enter your e-mail."), Length(max=EMAIL_MAX)],
        render_kw={"autocomplete": "username", "inputmode": "email", "autocapitalize": "none"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Please enter your password."), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )


def _check_new_password(_form, field) -> None:
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class NewPasswordForm(FlaskForm):
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


class JoinForm(NewPasswordForm):
    display_name = StringField(
        "Your name",
        filters=[_strip],
        validators=[
            DataRequired("Please tell us what to call you."),
            Length(max=NAME_MAX, message=f"Please keep it to {NAME_MAX} characters."),
        ],
        description="The name your partner and counselor will see.",
        render_kw={"autocomplete": "given-name"},
    )
    email = StringField(
        "E-mail",
        filters=[_strip],
        validators=[
            DataRequired("Please enter your e-mail; you'll sign in with it."),
            Length(max=EMAIL_MAX, message=f"Please keep it to {EMAIL_MAX} characters."),
            Email("That doesn't look like an e-mail address yet."),
        ],
        render_kw={"autocomplete": "email", "inputmode": "email", "autocapitalize": "none"},
    )

    def validate_email(self, field) -> None:
        if email_taken(field.data):
            raise ValidationError(
                "This e-mail already has a Hearth account. Please use another address, "
                "or ask your counselor if you think this is a mistake."
            )


class CoupleForm(FlaskForm):
    name = StringField(
        "Couple's name",
        filters=[_strip],
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
    partner1_label = StringField(
        "First partner (optional)",
        filters=[_strip],
        validators=[Optional(), Length(max=NAME_MAX, message=f"At most {NAME_MAX} characters.")],
        description="Only for you, until they join and choose their own name.",
    )
    partner2_label = StringField(
        "Second partner (optional)",
        filters=[_strip],
        validators=[Optional(), Length(max=NAME_MAX, message=f"At most {NAME_MAX} characters.")],
    )


class CoupleStatusForm(FlaskForm):
    status = SelectField(
        "Status",
        choices=[SelectChoice(s.value, s.value.capitalize()) for s in CoupleStatus],
    )


class ButtonForm(FlaskForm):
    """A form that is only a button: it carries the CSRF token."""
