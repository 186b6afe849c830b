"""The counselor's confidentiality policy, and a partner confirming they read it."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
)

from forms.base import Form, strip, text_field
from models import (
    POLICY_LINE_MAX,
    POLICY_TEXT_MAX,
    SAFETY_MAX,
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
    read = BooleanField(validators=[DataRequired(_l("Please tick the box once you've read it."))])

    def __init__(self, *args, counselor_name: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.read.label.text = gettext(
            "I've read how %(name)s keeps what I write for my counselor only",
            name=counselor_name or gettext("your counselor"),
        )
