"""What every Hearth form is built from: the base classes (``Form``, ``CardForm``,
``VersionedForm``, ``ButtonForm``), the shared fields (e-mail, dates, text, who can read
an answer) and the filters and checks they share. Limits match the columns in
``models/``."""

from __future__ import annotations

import base64
import secrets
import zoneinfo
from functools import cache

from flask import g
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets.core import clean_key

from domain.names import ROLE_NAME_MESSAGE, claims_a_role
from domain.weeks import DAY_RANGE_MESSAGE, EARLIEST_DAY, LATEST_DAY, day_in_range
from forms import rendering
from models import (
    EMAIL_MAX,
    Visibility,
)


def all_forms() -> list[type[Form]]:
    """Every Hearth form class: the areas in ``forms/`` and every kind's own."""
    from forms import accounts, confidentiality, counseling, couples, templates  # noqa: F401
    from kinds import registry  # noqa: F401  (each kind imports its forms)

    found, todo = [], [Form]
    while todo:
        form = todo.pop()
        if form not in found:
            found.append(form)
            todo.extend(form.__subclasses__())
    return found


def secret_field_names() -> frozenset[str]:
    """Names of the fields of any Hearth form whose value must never be shown back:
    passwords and one-time codes (by the field's type, whatever it is called), and hidden
    fields (keys and versions, nothing a person typed)."""
    return _secret_field_names()


@cache
def _secret_field_names() -> frozenset[str]:
    names: set[str] = set()
    for form in all_forms():
        for name in dir(form):
            field = getattr(form, name, None)
            if not isinstance(field, UnboundField):
                continue
            kind = field.field_class
            autocomplete = (field.kwargs.get("render_kw") or {}).get("autocomplete", "")
            if issubclass(kind, PasswordField | HiddenField) or autocomplete == "one-time-code":
                names.add(name)
    return frozenset(names | {"csrf_token"})


#: Random bytes in a form's one-time key (32 characters once encoded, no padding).
FORM_KEY_BYTES = 24


def form_key() -> str:
    """A form's one-time key (``domain.repeats``): new for every showing of the form. In a
    page drawn to be kept, a numbered stand-in that each showing replaces with a new key
    (``web.fragments.kept_page``, from ``form_keys``)."""
    from web import fragments

    return fragments.key_stand_in() or secrets.token_urlsafe(FORM_KEY_BYTES)


def form_keys(count: int) -> list[str]:
    """``count`` new one-time keys, such as ``form_key`` makes, from one draw of random
    bytes: a kept page's showing needs one for each of its forms."""
    encoded = base64.urlsafe_b64encode(secrets.token_bytes(FORM_KEY_BYTES * count)).decode()
    width = FORM_KEY_BYTES // 3 * 4
    return [encoded[i : i + width] for i in range(0, len(encoded), width)]


class Form(FlaskForm):
    """Every Hearth form. After a stale CSRF token the view runs again only to show the
    form with what was typed (``blueprints.errors``); this makes sure nothing is saved."""

    class Meta:
        def render_field(self, field, render_kw):
            """WTForms' markup, drawn without its slow path where ``forms.rendering`` can."""
            kwargs = {clean_key(k): v for k, v in render_kw.items()}
            other = getattr(field, "render_kw", None)
            if other is not None:
                kwargs = dict({clean_key(k): v for k, v in other.items()}, **kwargs)
            drawn = rendering.draw(field, kwargs)
            if drawn is not None:
                return drawn
            return super().render_field(field, render_kw)

    def validate(self, extra_validators=None) -> bool:
        if g.get("csrf_expired"):
            self.form_errors.append(STALE_PAGE)
            return False
        return super().validate(extra_validators)


STALE_PAGE = _l(
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


def grouped_timezone_choices(common: list[str]) -> list[SelectChoice]:
    """The time zone picker with the ``common`` zones first, in their order, under
    "Common", then every other zone alphabetically (each zone once, so the one chosen is
    the one shown)."""
    every = timezone_choices()
    known = {choice.value for choice in every}
    first = [z for z in dict.fromkeys(common) if z in known]
    leading = set(first)
    return [
        *(SelectChoice(z, z.replace("_", " "), optgroup="Common") for z in first),
        *(
            SelectChoice(c.value, c.label, optgroup="Other time zones")
            for c in every
            if c.value not in leading
        ),
    ]


def strip(value):
    """Trim surrounding spaces so "  Sam " and "Sam" are the same name.

    NUL characters go too: no one types them, and PostgreSQL refuses them in text (a
    pasted one was a server error instead of a saved answer).
    """
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def day_in_range_check(_form, field) -> None:
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
            Length(max=EMAIL_MAX, message=keep_to(EMAIL_MAX)),
            Email(_l("That doesn't look like an e-mail address yet.")),
        ],
        render_kw={"autocomplete": autocomplete, "inputmode": "email", "autocapitalize": "none"},
    )


def date_field(label: str, *validators, **kwargs) -> DateField:
    """A date field with the one shared bound (and the browser's picker told of it)."""
    render_kw = {"min": EARLIEST_DAY.isoformat(), "max": LATEST_DAY.isoformat()}
    render_kw.update(kwargs.pop("render_kw", {}))
    return DateField(
        label, validators=[*validators, day_in_range_check], render_kw=render_kw, **kwargs
    )


def not_a_role(_form, field) -> None:
    """A person's own name, not one that claims a role ("Your counselor", "Support")."""
    if field.data and claims_a_role(field.data):
        raise ValidationError(ROLE_NAME_MESSAGE)


class ButtonForm(Form):
    """A form that is only a button: it carries the CSRF token."""


VISIBILITY_CHOICES = [
    SelectChoice(Visibility.SHARED.value, _l("Shared with my partner")),
    SelectChoice(Visibility.COUNSELOR.value, _l("For my counselor only")),
]


def visibility_field(default: str, label=None) -> RadioField:
    return RadioField(label or _l("Who can read this"), choices=VISIBILITY_CHOICES, default=default)


def keep_to(limit: int, what: str | None = None):
    """The one message for a text over its column's length, in the reader's language:
    "Please keep it to 500 characters." (``what``: "note" says "the note")."""
    if what == "note":
        return _l("Please keep the note to %(num)d characters.", num=limit)
    if what == "label":
        return _l("Please keep the label to %(num)d characters.", num=limit)
    return _l("Please keep it to %(num)d characters.", num=limit)


def text_field(label, limit: int, *, required=None, description=""):
    validators = [Length(max=limit, message=keep_to(limit))]
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
