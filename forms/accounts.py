"""Signing in, the second step, passwords, e-mail and joining with an invitation."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Length,
    ValidationError,
)

from domain.accounts import email_taken
from domain.names import ROLE_NAME_MESSAGE, role_name_message
from domain.passwords import MAX_LENGTH as PASSWORD_MAX
from domain.passwords import password_problem
from forms.base import Form, email_field, not_a_role, strip
from models import (
    EMAIL_MAX,
    NAME_MAX,
)


class LoginForm(Form):
    email = StringField(
        _l("E-mail"),
        filters=[strip],
        validators=[DataRequired(_l("Please enter your e-mail.")), Length(max=EMAIL_MAX)],
        render_kw={"autocomplete": "username", "inputmode": "email", "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Please enter your password.")), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(
        _l("Keep me signed in"),
        description=_l("Partners: for 30 days, on a phone or computer that is yours alone."),
    )


class TwoStepForm(Form):
    code = StringField(
        _l("Code"),
        filters=[strip],
        validators=[DataRequired(_l("Please enter the code.")), Length(max=32)],
        description=_l(
            "The 6 digits your authenticator app shows now, or one of your recovery codes."
        ),
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "none"},
    )


class CurrentPasswordForm(Form):
    current_password = PasswordField(
        _l("Your current password"),
        validators=[
            DataRequired(_l("Please enter your current password.")),
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
        _l("Choose a password"),
        validators=[DataRequired(_l("Please choose a password.")), _check_new_password],
        description=_l(
            "At least 12 characters. A short sentence only you would think of works well."
        ),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Type it once more"),
        validators=[
            DataRequired(_l("Please type the password a second time.")),
            EqualTo("password", _l("The two passwords are not the same yet.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(CurrentPasswordForm, NewPasswordForm):
    pass


class ChangeEmailForm(CurrentPasswordForm):
    email = email_field(_l("New e-mail"), _l("Please enter the new e-mail."))


def keep_signed_in() -> BooleanField:
    """ "Keep me signed in on this phone", offered where a partner's joining ends: ticked,
    Flask-Login's remember cookie keeps them in; unticked, the session ends with the browser."""
    return BooleanField(
        _l("Keep me signed in on this phone"),
        description=_l("For 30 days. Only on a phone that is yours alone."),
    )


class LinkPasswordForm(NewPasswordForm):
    """A new password chosen through a sign-in link from the counselor."""

    remember = keep_signed_in()


class JoinForm(NewPasswordForm):
    display_name = StringField(
        _l("Your name"),
        filters=[strip],
        validators=[
            DataRequired(_l("Please tell us what to call you.")),
            Length(max=NAME_MAX, message=_l("Please keep it to %(num)d characters.", num=NAME_MAX)),
            not_a_role,
        ],
        description=_l("The name your partner and counselor will see."),
        render_kw={"autocomplete": "given-name"},
    )
    email = email_field(_l("E-mail"), _l("Please enter your e-mail; you'll sign in with it."))

    # Joining includes reading the counselor's confidentiality policy (shown above the box)
    # and saying so; ``policy_seen`` names the words shown, so a policy changed meanwhile is
    # read again before it is confirmed (blueprints/invitations._join).
    read_policy = BooleanField()
    policy_seen = HiddenField()
    remember = keep_signed_in()

    def __init__(self, *args, counselor_name: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        counselor_name = counselor_name or gettext("your counselor")
        self.counselor_name = counselor_name
        self.read_policy.label.text = gettext(
            "I've read how %(name)s keeps what I write for %(name)s alone", name=counselor_name
        )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # ``not_a_role`` says why in English: here, in the page's language.
        self.display_name.errors = [
            role_name_message() if error == ROLE_NAME_MESSAGE else error
            for error in self.display_name.errors
        ]
        return valid

    def validate_read_policy(self, field) -> None:
        if not field.data:
            raise ValidationError(
                gettext(
                    "Please read how %(name)s keeps it, then tick the box.",
                    name=self.counselor_name,
                )
            )

    def validate_email(self, field) -> None:
        if email_taken(field.data):
            raise ValidationError(
                gettext(
                    "This e-mail already has a Hearth account. Please use another address, "
                    "or ask your counselor if you think this is a mistake."
                )
            )


class LanguageForm(Form):
    """The language Hearth speaks to you: among those offered here (``web.i18n``)."""

    language = SelectField(
        _l("Language"),
        validators=[DataRequired(_l("Please choose a language from the list."))],
        validate_choice=False,
    )

    def __init__(self, *args, **kwargs):
        from web import i18n

        super().__init__(*args, **kwargs)
        self.language.choices = [
            SelectChoice(c, i18n.LANGUAGES[c]) for c in i18n.offered(current_user)
        ]

    def validate_language(self, field) -> None:
        from web import i18n

        if field.data not in i18n.offered(current_user):
            raise ValidationError(_l("Please choose a language from the list."))
